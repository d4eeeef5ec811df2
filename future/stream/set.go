package stream

import (
	"sync"

	"github.com/spindle-rt/spindle/future"
)

// futureSet runs up to cap(slots) futures at once, each polled with its own
// waker, so that a wake polls only the future it concerns (futures-rs's
// FuturesUnordered, minus the intrusive lists: the set is bounded).
//
// State of a slot: free (f == nil, index in free) -> running (f != nil) ->
// free again when the future completes. A slot's waker puts its index in
// the shared ready list (once: queued guards against duplicates) and wakes
// the owner's latest waker. A wake from a future that already left its slot
// can mark the slot's next occupant ready: that costs one spurious poll,
// which the waker contract allows, and never loses a wake.
type futureSet[T any] struct {
	slots []setSlot[T]
	free  []int
	sh    *setShared
	batch []int
	out   []setDone[T]   // completions of the last poll, drained by the caller
	ccx   future.Context // child context, reused across polls
}

type setSlot[T any] struct {
	f future.Future[T]
	w *slotWaker
}

// setShared is the part of a set reached by wakers, from any goroutine.
type setShared struct {
	mu     sync.Mutex
	ready  []int  // slots to poll, guarded by mu
	queued []bool // queued[i] iff i is in ready, guarded by mu
	parent future.Waker
}

type slotWaker struct {
	sh  *setShared
	idx int
}

// mark queues the slot and returns the owner's waker, or nil if the slot
// was already queued (the owner was woken then and has not polled since).
func (w *slotWaker) mark() future.Waker {
	sh := w.sh
	sh.mu.Lock()
	if sh.queued[w.idx] {
		sh.mu.Unlock()
		return nil
	}
	sh.queued[w.idx] = true
	sh.ready = append(sh.ready, w.idx)
	p := sh.parent
	sh.mu.Unlock()
	return p
}

func (w *slotWaker) Wake() {
	if p := w.mark(); p != nil {
		p.Wake()
	}
}

// WakeLocal keeps the executor's locality hint when the child is woken from
// inside a poll on the same worker.
func (w *slotWaker) WakeLocal(ext any) {
	p := w.mark()
	if p == nil {
		return
	}
	if lw, ok := p.(future.LocalWaker); ok {
		lw.WakeLocal(ext)
		return
	}
	p.Wake()
}

func newFutureSet[T any](n int) *futureSet[T] {
	s := &futureSet[T]{
		slots: make([]setSlot[T], n),
		free:  make([]int, n),
		sh:    &setShared{queued: make([]bool, n), ready: make([]int, 0, n)},
		batch: make([]int, 0, n),
		out:   make([]setDone[T], 0, n),
	}
	for i := range s.slots {
		s.slots[i].w = &slotWaker{sh: s.sh, idx: i}
		s.free[i] = n - 1 - i
	}
	return s
}

func (s *futureSet[T]) len() int { return len(s.slots) - len(s.free) }

// push puts f in a free slot and queues it for its first poll. The caller
// keeps at most n futures in the set (len() < n), so a slot is free.
func (s *futureSet[T]) push(f future.Future[T]) int {
	i := s.free[len(s.free)-1]
	s.free = s.free[:len(s.free)-1]
	s.slots[i].f = f
	s.slots[i].w.mark()
	return i
}

// setDone is a future of the set that completed: its slot and value.
type setDone[T any] struct {
	slot int
	v    T
}

// poll polls the futures whose wakers fired since the last poll (and the
// new ones), frees the slots of those that complete and appends them to
// s.out, which the caller drains. It registers cx's waker as the one the
// slots wake.
func (s *futureSet[T]) poll(cx *future.Context) {
	sh := s.sh
	sh.mu.Lock()
	sh.parent = cx.Waker()
	s.batch, sh.ready = sh.ready, s.batch[:0]
	for _, i := range s.batch {
		sh.queued[i] = false
	}
	sh.mu.Unlock()
	for _, i := range s.batch {
		sl := &s.slots[i]
		if sl.f == nil {
			continue // stale wake of a slot that has since been freed
		}
		s.ccx = cx.With(sl.w)
		v, ok := sl.f.Poll(&s.ccx).Value()
		if !ok {
			continue
		}
		sl.f = nil
		s.free = append(s.free, i)
		s.out = append(s.out, setDone[T]{slot: i, v: v})
	}
}

// clear drops every running future, closing those that are streams or
// closers (a future is closed with Close if it implements it).
func (s *futureSet[T]) clear() {
	for i := range s.slots {
		if f := s.slots[i].f; f != nil {
			Close(f)
			s.slots[i].f = nil
			s.free = append(s.free, i)
		}
	}
}
