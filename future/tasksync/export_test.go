package tasksync

// WaitersForTest returns how many Wait futures are queued on wg.
func (wg *WaitGroup) WaitersForTest() int { return wg.zero.Waiters() }

// WaitersForTest returns how many initialisers wait on c.
func (c *OnceCell[T]) WaitersForTest() int { return c.sem.Waiters() }
