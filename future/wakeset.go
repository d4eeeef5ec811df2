package future

import (
	"sync"
	"sync/atomic"
)

// wakeSet lets a combinator over several children (Join, Race, ...) re-poll
// only the children that were woken since its last poll, as futures-rs's
// FuturesUnordered does: each child is polled with its own waker, which
// records the child's index in a ready list and wakes the combinator's task.
// A poll of the combinator then costs O(children woken), not O(children),
// and joining n futures costs O(n) polls in all instead of O(n²).
//
// A child's state, kept by its waker's queued flag:
//
//	idle   --Wake--> queued: index appended to ready; the parent is woken
//	                 if this is the first wake since the last begin
//	queued --Wake--> queued (duplicate wakes merge)
//	queued --begin + child(i)--> idle, then the child is polled; a wake
//	                 during that poll queues it again (and wakes the parent)
//	any    --retire--> retired (the child is Ready): wakes do nothing
//
// The set's state: open (wakes recorded) until close, after which wakes do
// nothing (rule 3 of the contract: a wake after completion does nothing).
//
// Every child starts queued, so that the first poll polls all of them, in
// index order. Memory is allocated once, by init at the first poll: one
// waker per child (&wakers[i] is child i's Waker, no allocation per wake or
// per poll) and two index buffers of n entries, which never grow because
// each index is in ready at most once.
type wakeSet struct {
	mu sync.Mutex
	// Guarded by mu.
	ready    []int32 // children woken since the last begin, in wake order, each once
	parent   Waker   // waker of the combinator's most recent poll (rule 2)
	notified bool    // parent woken since the last begin
	closed   bool

	// Owned by the goroutine polling the combinator.
	spare  []int32      // the batch handed out by the last begin
	wakers []childWaker // allocated once; read-only after init
	ccx    Context      // the Context children are polled with
}

// childWaker is the Waker of child idx. It is a LocalWaker so that a wake
// coming from inside another task's poll still reaches an executor as a
// local wake of the parent task.
type childWaker struct {
	set *wakeSet
	idx int32
	// queued is true while idx is in set.ready or has been handed out by
	// begin and not yet cleared by child. It is only ever changed with Swap:
	// the Swap(false) in child reads the value written by the last wake's
	// Swap(true), so everything the waking goroutine did before its wake,
	// even a wake merged with an earlier one, happens before the child's
	// next poll.
	queued atomic.Bool
}

// initialized reports whether init ran.
func (s *wakeSet) initialized() bool { return s.wakers != nil }

// init prepares n children, all queued. s must be at its final address: the
// wakers point to it.
func (s *wakeSet) init(n int) {
	s.wakers = make([]childWaker, n)
	s.ready = make([]int32, n)
	s.spare = make([]int32, 0, n)
	for i := range s.wakers {
		w := &s.wakers[i]
		w.set, w.idx = s, int32(i)
		w.queued.Store(true)
		s.ready[i] = int32(i)
	}
}

// begin starts a poll of the combinator with cx: it makes cx's waker the one
// that child wakes wake, and returns the children woken since the previous
// begin. The batch is valid until the next begin.
func (s *wakeSet) begin(cx *Context) []int32 {
	s.mu.Lock()
	s.parent = cx.waker
	batch := s.ready
	s.ready = s.spare[:0]
	s.spare = batch
	s.notified = false
	s.mu.Unlock()
	s.ccx = *cx // this poll's executor, driver and budget
	return batch
}

// child clears child i's queued flag, so that a wake from now on queues it
// again, and returns the Context to poll it with, which stays valid until
// the next call of child.
func (s *wakeSet) child(i int32) *Context {
	w := &s.wakers[i]
	w.queued.Swap(false) // Swap, not Store: see queued
	s.ccx.waker = w
	return &s.ccx
}

// retire marks child i finished: its later wakes do nothing, so a child
// that completed cannot wake the task for nothing.
func (s *wakeSet) retire(i int32) { s.wakers[i].queued.Store(true) }

// close makes every later wake a no-op and drops what the set holds, so a
// child waker kept by someone after completion keeps little alive.
func (s *wakeSet) close() {
	s.mu.Lock()
	s.closed = true
	s.parent = nil
	s.ready = nil
	s.mu.Unlock()
	s.spare = nil
	s.ccx = Context{}
}

func (w *childWaker) Wake() { w.wake(nil) }

func (w *childWaker) WakeLocal(ext any) { w.wake(ext) }

func (w *childWaker) wake(ext any) {
	if w.queued.Swap(true) {
		return // already queued: the parent will poll this child
	}
	s := w.set
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.ready = append(s.ready, w.idx)
	var p Waker
	if !s.notified {
		s.notified = true
		p = s.parent
	}
	s.mu.Unlock()
	if p == nil {
		return
	}
	if ext != nil {
		if lw, ok := p.(LocalWaker); ok {
			lw.WakeLocal(ext)
			return
		}
	}
	p.Wake()
}
