package tasksync

// WaitersForTest returns how many Wait futures are queued on wg.
func (wg *WaitGroup) WaitersForTest() int { return wg.zero.Waiters() }

// WaitersForTest returns how many initialisers wait on c.
func (c *OnceCell[T]) WaitersForTest() int { return c.sem.Waiters() }

// ChildrenForTest returns how many children t's node lists, and the
// capacity of that list.
func (t *CancellationToken) ChildrenForTest() (n, capacity int) {
	t.n.mu.Lock()
	defer t.n.mu.Unlock()
	return len(t.n.children), cap(t.n.children)
}

// CallbacksForTest returns how many context callbacks wait on t.
func (t *CancellationToken) CallbacksForTest() int {
	t.n.mu.Lock()
	defer t.n.mu.Unlock()
	if t.n.ctx == nil {
		return 0
	}
	return t.n.ctx.callbacks.Len()
}

// WaitersForTest returns how many Cancelled futures are queued on t.
func (t *CancellationToken) WaitersForTest() int { return t.n.zero.Waiters() }
