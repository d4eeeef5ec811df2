package channel

import (
	"sync"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/internal/waitq"
)

// hub is what Broadcast and Watch share: the lock, how many receivers are
// subscribed, and the receivers waiting for the next value. Both kinds wake
// every waiter at once when a value arrives or the channel closes, and a
// receiver that leaves takes its waiter node out of the list.
type hub struct {
	mu        sync.Mutex
	receivers int
	waiters   waitq.List[struct{}]
}

// wakeAllLocked empties the waiter list into wl, unlocking mu to wake each
// full batch. mu is held on entry and on return.
func (h *hub) wakeAllLocked(cx *future.Context, wl *waitq.WakeList) {
	waitq.DrainLocked(&h.mu, &h.waiters, wl, cx, waitq.Idle)
}

// leave unsubscribes the receiver whose waiter node is n and whose closed
// flag (guarded by mu) is closed. A second call does nothing.
func (h *hub) leave(n *waitq.Node[struct{}], closed *bool) {
	h.mu.Lock()
	if !*closed {
		*closed = true
		h.receivers--
		if n.State == waitq.Queued {
			h.waiters.Remove(n)
		}
		n.Waker = nil
	}
	h.mu.Unlock()
}
