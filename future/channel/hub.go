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

// hubRx is a receiver's part of the hub: its one waiter node, queued at
// most once, and whether it left. Both are guarded by the hub's mu.
type hubRx struct {
	node   waitq.Node[struct{}]
	closed bool
}

// wakeAllUnlock empties the waiter list, releases mu (held on entry) and
// wakes the waiters through future.WakeFrom(cx, ...), in batches so that
// none is woken under the lock.
func (h *hub) wakeAllUnlock(cx *future.Context) {
	var wl waitq.WakeList
	waitq.DrainLocked(&h.mu, &h.waiters, &wl, cx, waitq.Idle)
	h.mu.Unlock()
	wl.WakeAll(cx)
}

// count returns how many receivers are subscribed.
func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.receivers
}

// lockOpen takes mu for a use of rx, or panics with a *future.MisuseError
// naming what if rx was closed.
func (h *hub) lockOpen(rx *hubRx, what string) {
	h.mu.Lock()
	if rx.closed {
		h.mu.Unlock()
		misuse(what, ErrHandleClosed)
	}
}

// waitUnlock queues rx for the next wake-up unless it is queued already,
// keeps cx's waker (the latest poll's), and releases mu.
func (h *hub) waitUnlock(rx *hubRx, cx *future.Context) {
	if rx.node.State != waitq.Queued {
		h.waiters.PushBack(&rx.node)
	}
	rx.node.Waker = cx.Waker()
	h.mu.Unlock()
}

// leave unsubscribes rx. A second call does nothing.
func (h *hub) leave(rx *hubRx) {
	h.mu.Lock()
	if !rx.closed {
		rx.closed = true
		h.receivers--
		if rx.node.State == waitq.Queued {
			h.waiters.Remove(&rx.node)
		}
		rx.node.Waker = nil
	}
	h.mu.Unlock()
}
