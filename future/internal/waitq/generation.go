package waitq

import (
	"sync"

	"github.com/spindle-rt/spindle/future"
)

// ReleaseAllLocked grants every node of l as one generation: under mu it
// empties l and marks each of its nodes Granted before anything is woken,
// then takes their wakers into wl, releasing mu only to wake full batches
// (see TakeLocked). Unlike DrainLocked, a node queued on l while mu is
// released is not part of the batch: it waits for the next generation, as
// a Barrier needs. A node granted here that is cancelled, or polled, while
// mu is released only changes its own state; its waker may still be woken
// once, which the waker contract allows.
func ReleaseAllLocked[P any](mu sync.Locker, l *List[P], wl *WakeList, cx *future.Context) {
	batch := *l
	*l = List[P]{}
	for n := batch.head; n != nil; n = n.next {
		n.State = Granted
	}
	for {
		h := batch.PopFront()
		if h == nil {
			return
		}
		wl.TakeLocked(mu, cx, &h.Waker)
	}
}

// InitIfZero is Init for a semaphore that may be used through its zero
// value: the first caller sets the permits, later calls (and calls after
// Init) leave the semaphore alone. It costs one atomic load once the
// semaphore is initialised.
func (s *Sem) InitIfZero(permits int64) {
	if s.state.Load()&initBit == 0 {
		s.state.CompareAndSwap(0, uint64(permits)<<shift|initBit)
	}
}
