package channel

// SendQueueLen returns how many sends are queued on s's channel.
func SendQueueLen[T any](s *Sender[T]) int {
	c := s.h.claim.c
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sendq.Len()
}

// BroadcastWaiters returns how many receivers of s's channel are queued.
func BroadcastWaiters[T any](s *BroadcastSender[T]) int {
	b := s.h.claim.b
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.waiters.Len()
}

// UnguardedSends exports unguardedSends to the tests.
const UnguardedSends = unguardedSends
