package future

import "sync/atomic"

// chanParker parks one goroutine until woken. A wake before park is
// remembered by the one-slot channel, so none is lost; extra wakes merge.
type chanParker struct {
	ch chan struct{}
}

func newChanParker() *chanParker { return &chanParker{ch: make(chan struct{}, 1)} }

// Wake unparks the goroutine, now or at its next park.
func (p *chanParker) Wake() {
	select {
	case p.ch <- struct{}{}:
	default: // a wake is already pending
	}
}

func (p *chanParker) park() { <-p.ch }

// driverWaker is BlockOnDriver's waker: it records the wake and unparks the
// driver, so the loop can tell a wake from a Park that returned for another
// reason (an event for a waker of some other future, a timeout).
type driverWaker struct {
	d     Driver
	woken atomic.Bool
}

func (w *driverWaker) Wake() {
	// The flag is set before Unpark so that the parked goroutine sees it
	// when Park returns.
	if !w.woken.Swap(true) {
		w.d.Unpark()
	}
}
