package pool

import (
	"sync/atomic"

	"github.com/spindle-rt/spindle/future"
)

// parker puts one worker to sleep and wakes it, either on a semaphore
// (park_*.go) or inside the pool's driver. Its state says where the worker
// sleeps, so that unpark knows whether to post the semaphore or call
// Driver.Unpark:
//
//	pkEmpty -> pkParked        park, about to sleep on the slow (channel) semaphore
//	pkEmpty -> pkParkedFast    park, about to sleep on the fast (futex) semaphore
//	pkEmpty -> pkParkedDriver  park, about to sleep in the driver
//	any     -> pkNotified      unpark (posts the semaphore, or Driver.Unpark,
//	                           that the previous state names)
//	pkNotified -> pkEmpty      park returns at once, token used
//	after sleeping -> pkEmpty  token used (or none: spurious)
//
// Spurious returns are allowed: the caller sleeps in a loop on its parked
// flag (idle.go: sleepState), which is the truth about being notified.
type parker struct {
	state atomic.Int32
	slow  sema // chanSema
	fast  sema // futexSema, nil where there is none
}

const (
	pkEmpty int32 = iota
	pkParked
	pkParkedFast
	pkParkedDriver
	pkNotified
)

// sema is a binary semaphore: post stores a token (posts merge), wait
// takes it, sleeping until there is one.
type sema interface {
	wait()
	post()
}

// park sleeps until unpark: on d if it is not nil (the caller owns the
// driver then), else on the fast semaphore if asked and there is one,
// else on the slow one.
func (p *parker) park(cx *future.Context, d future.Driver, fast bool) {
	if p.state.CompareAndSwap(pkNotified, pkEmpty) {
		return
	}
	to := pkParked
	if d != nil {
		to = pkParkedDriver
	} else if fast && p.fast != nil {
		to = pkParkedFast
	}
	if !p.state.CompareAndSwap(pkEmpty, to) {
		p.state.Store(pkEmpty) // notified in between
		return
	}
	switch to {
	case pkParkedDriver:
		d.Park(cx, -1)
	case pkParkedFast:
		p.fast.wait()
	default:
		p.slow.wait()
	}
	p.state.Store(pkEmpty)
}

// unpark wakes the worker if it sleeps, or makes its next park return.
func (p *parker) unpark(d future.Driver) {
	switch p.state.Swap(pkNotified) {
	case pkParked:
		p.slow.post()
	case pkParkedFast:
		p.fast.post()
	case pkParkedDriver:
		d.Unpark()
	}
}

// chanSema is the portable semaphore: a one-slot channel. The worker's
// goroutine blocks in the Go scheduler, which hands its P to other
// goroutines while it sleeps.
type chanSema struct{ ch chan struct{} }

func newChanSema() *chanSema { return &chanSema{ch: make(chan struct{}, 1)} }

func (s *chanSema) wait() { <-s.ch }

func (s *chanSema) post() {
	select {
	case s.ch <- struct{}{}:
	default:
	}
}
