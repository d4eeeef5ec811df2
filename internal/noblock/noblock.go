// Package noblock knows which goroutines must never block: the pool's
// workers, and the coroutine of an async body while a worker resumes it.
// A blocking call there (BlockOn, Wait, Shutdown) would stall the worker,
// maybe while the very task it waits for sits behind it in a queue; the
// blocking entry points ask Forbidden first and fail with ErrInWorker.
//
// Every worker owns a Slot, registered for the life of its goroutine:
//
//	worker  the ID of the worker goroutine, from Enter to Leave
//	body    the ID of the async body the worker (or a body it runs) has
//	        switched into, 0 when none runs: the body stores its own ID
//	        when it starts or resumes and puts the previous one back when
//	        it ends; its poller puts the previous one back when the switch
//	        returns (a body suspended in Await does not run, so it is not
//	        in the slot)
//
// Forbidden compares the caller's ID with both fields of every slot: a
// handful of loads. An ID stays in a slot only while its goroutine lives
// (a worker leaves before it returns, a body clears itself before its
// coroutine ends), so a goroutine that reuses a dead one's ID never
// matches a stale entry.
package noblock

import (
	"sync"
	"sync/atomic"
)

// ID identifies a live goroutine (see Self).
type ID uintptr

// Slot is a worker's entry: its goroutine and the body it runs.
type Slot struct {
	worker atomic.Uintptr
	body   atomic.Uintptr
}

// Holder is implemented by the Context extension of an executor whose
// polls must not block (the pool's worker), so that an async body polled
// with that Context finds the slot to mark.
type Holder interface{ NoBlockSlot() *Slot }

var (
	mu    sync.Mutex              // serialises changes to slots
	slots atomic.Pointer[[]*Slot] // copy on write; nil while no worker runs
)

// Enter registers the calling goroutine as a worker, the owner of s.
func (s *Slot) Enter() {
	s.worker.Store(uintptr(Self()))
	mu.Lock()
	defer mu.Unlock()
	var next []*Slot
	if cur := slots.Load(); cur != nil {
		next = append(next, *cur...)
	}
	next = append(next, s)
	slots.Store(&next)
}

// Leave unregisters s; its worker goroutine calls it before it returns.
func (s *Slot) Leave() {
	mu.Lock()
	defer mu.Unlock()
	var next []*Slot
	for _, o := range *slots.Load() {
		if o != s {
			next = append(next, o)
		}
	}
	if len(next) == 0 {
		slots.Store(nil)
	} else {
		slots.Store(&next)
	}
	s.worker.Store(0)
}

// Body returns the ID of the body running in s, 0 if none.
func (s *Slot) Body() ID { return ID(s.body.Load()) }

// SetBody records id as the body running in s (0: none).
func (s *Slot) SetBody(id ID) { s.body.Store(uintptr(id)) }

// Forbidden reports whether the calling goroutine must not block: it is a
// worker, or a body a worker runs.
func Forbidden() bool {
	cur := slots.Load()
	if cur == nil {
		return false
	}
	g := uintptr(Self())
	for _, s := range *cur {
		if s.worker.Load() == g || s.body.Load() == g {
			return true
		}
	}
	return false
}

// Current returns the slot in which the calling goroutine runs (as its
// worker or its body), or nil.
func Current() *Slot {
	cur := slots.Load()
	if cur == nil {
		return nil
	}
	g := uintptr(Self())
	for _, s := range *cur {
		if s.worker.Load() == g || s.body.Load() == g {
			return s
		}
	}
	return nil
}

// Of returns the slot of the executor behind a Context's extension ext,
// or nil.
func Of(ext any) *Slot {
	if h, ok := ext.(Holder); ok {
		return h.NoBlockSlot()
	}
	return nil
}
