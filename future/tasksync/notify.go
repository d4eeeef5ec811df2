package tasksync

// Notify's state (tokio's Notify):
//
//	state = gen<<2 | mode, mode one of
//	  empty    no stored permit, nobody queued
//	  waiting  nobody holds a permit; waiters is non-empty
//	  notified a NotifyOne came with nobody waiting: the next Notified
//	           to poll consumes it (at most one permit is stored)
//	gen counts NotifyWaiters calls. Invariants: mode == waiting iff waiters
//	is non-empty; mode and gen change to/from waiting only with mu held.
//
// Notified future:
//
//	fresh --Poll: gen moved since creation, or a stored permit--> Ready --> done
//	fresh --Poll: otherwise--> queued (Pending, waker replaced each poll)
//	queued --NotifyOne / NotifyWaiters--> granted --Poll--> Ready --> done
//	queued --Cancel / collected (unless adopted)--> removed
//	granted by NotifyOne --Cancel / collected--> the notification goes to
//	        the next waiter (or is stored), so it is never lost
//	done / cancelled --Poll--> panic *future.MisuseError

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/internal/waitq"
)

const (
	modeEmpty uint64 = iota
	modeWaiting
	modeNotified
	modeMask = 3
	genOne   = 4
)

// withMode returns st with its mode bits replaced by mode, keeping gen.
func withMode(st, mode uint64) uint64 { return st&^modeMask | mode }

// Notify wakes tasks waiting on it. NotifyOne wakes the oldest waiter or,
// when nobody waits, stores one permit that the next Notified consumes at
// once; NotifyWaiters wakes every Notified created before the call. The
// zero Notify is ready to use.
type Notify struct {
	state   atomic.Uint64
	mu      sync.Mutex
	waiters waitq.List[bool] // Val: granted by NotifyOne (so passed on if abandoned)
}

// Waiters returns how many Notified futures are queued. It is meant for
// tests and metrics.
func (n *Notify) Waiters() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.waiters.Len()
}

// Notified returns a future that is Ready when the task is notified.
//
// Cancel safety: cancelling a Notified that NotifyOne had already chosen
// passes that notification on, to the next waiter or as the stored permit,
// so no NotifyOne is lost; one woken by NotifyWaiters is simply gone, as
// that call wakes only the waiters that existed when it was made.
func (n *Notify) Notified() *Notified {
	return &Notified{n: n, word: n.state.Load() &^ modeMask}
}

// NotifyOne wakes the oldest waiter, or stores a permit for the next one.
func (n *Notify) NotifyOne() { n.NotifyOneFrom(nil) }

// NotifyOneFrom is NotifyOne from inside a Poll: the woken waiter is woken
// through future.WakeFrom(cx, ...).
func (n *Notify) NotifyOneFrom(cx *future.Context) {
	for {
		st := n.state.Load()
		switch st & modeMask {
		case modeNotified:
			return
		case modeEmpty:
			if n.state.CompareAndSwap(st, st|modeNotified) {
				return
			}
			continue
		}
		n.mu.Lock()
		w := n.notifyOneLocked()
		n.mu.Unlock()
		if w != nil {
			future.WakeFrom(cx, w)
		}
		return
	}
}

// notifyOneLocked grants the head waiter, or stores the permit if there is
// none, and returns the waker to wake.
func (n *Notify) notifyOneLocked() future.Waker {
	h := n.waiters.PopFront()
	if h == nil {
		for {
			st := n.state.Load()
			if n.state.CompareAndSwap(st, withMode(st, modeNotified)) {
				return nil
			}
		}
	}
	h.State, h.Val = waitq.Granted, true
	w := h.Waker
	h.Waker = nil
	if n.waiters.Len() == 0 {
		n.setMode(modeEmpty)
	}
	return w
}

// setMode replaces the mode, keeping gen. Called with mu held.
func (n *Notify) setMode(m uint64) {
	for {
		st := n.state.Load()
		if n.state.CompareAndSwap(st, withMode(st, m)) {
			return
		}
	}
}

// NotifyWaiters wakes every Notified future created before the call,
// queued or not yet polled. It stores no permit.
func (n *Notify) NotifyWaiters() { n.NotifyWaitersFrom(nil) }

// NotifyWaitersFrom is NotifyWaiters from inside a Poll.
func (n *Notify) NotifyWaitersFrom(cx *future.Context) {
	var wl waitq.WakeList
	n.mu.Lock()
	for {
		st := n.state.Load()
		nst := st + genOne
		if st&modeMask == modeWaiting {
			nst = withMode(nst, modeEmpty)
		}
		if n.state.CompareAndSwap(st, nst) {
			break
		}
	}
	// A queued node's Val is false (notifyOneLocked sets it only on the
	// node it dequeues), so these grants are NotifyWaiters' and are not
	// passed on if the waiter is abandoned.
	waitq.DrainLocked(&n.mu, &n.waiters, &wl, cx, waitq.Granted)
	n.mu.Unlock()
	wl.WakeAll(cx)
}

// Notified is the future returned by Notify.Notified.
//
// Its queue node is where its owner allows. An adopted Notified (its owner
// cancels it whenever it drops it: future.Adopter, as the pool does for a
// task's future) queues its own inline node, so that a waiting task is its
// task and this one object. Otherwise the node is a separate object that
// does not point back to the future, so that a Notified dropped while
// queued can be collected, and the first wait registers a cleanup that
// then takes the node off the queue. Completion leaves that cleanup
// registered (it finds the node done and does nothing): stopping it would
// take a 16-byte handle in every Notified, one size class more.
type Notified struct {
	n *Notify
	// word is gen | life: gen's low bits are Notify's mode bits, always
	// zero here, so the future's life fits in them.
	word   uint64
	node   *waitq.Node[bool] // nil until the first wait; &inline if adopted
	inline waitq.Node[bool]
}

// notifyNode is the separate node of a Notified that was not adopted: the
// node and, for its cleanup, the Notify.
type notifyNode struct {
	node waitq.Node[bool]
	n    *Notify
}

// A Notified's life, in the low bits of its word.
const (
	lifeWaiting   uint64 = iota // not done; a wait registers the backstop
	lifeAdopted                 // not done; the owner cancels: no backstop
	lifeDone                    // Ready was returned
	lifeCancelled               // Cancel was called before Ready
)

func (f *Notified) life() uint64 { return f.word & modeMask }
func (f *Notified) gen() uint64  { return f.word &^ modeMask }

// Adopt implements future.Adopter: the owner cancels the future whenever
// it drops it, so its wait needs no cleanup registration.
func (f *Notified) Adopt() {
	if f.node == nil && f.life() == lifeWaiting {
		f.word = f.gen() | lifeAdopted
	}
}

// Poll implements future.Future.
func (f *Notified) Poll(cx *future.Context) future.Poll[struct{}] {
	switch f.life() {
	case lifeDone:
		future.PanicPolledAfterReady(f)
	case lifeCancelled:
		panic(&future.MisuseError{Future: typeName(f), Err: ErrPolledAfterCancel})
	}
	if !future.Coop(cx) {
		return future.Pending[struct{}]()
	}
	n := f.n
	if f.node == nil {
		for {
			st := n.state.Load()
			if st&^modeMask != f.gen() {
				return f.ready()
			}
			if st&modeMask != modeNotified {
				break
			}
			if n.state.CompareAndSwap(st, withMode(st, modeEmpty)) {
				return f.ready()
			}
		}
		if f.life() == lifeAdopted {
			f.node = &f.inline
		} else {
			nd := &notifyNode{n: n}
			f.node = &nd.node
			runtime.AddCleanup(f, (*notifyNode).cancel, nd)
		}
	}
	nd := f.node
	n.mu.Lock()
	switch nd.PollLocked(cx) {
	case waitq.Granted:
		n.mu.Unlock()
		return f.ready()
	case waitq.Queued:
		n.mu.Unlock()
		return future.Pending[struct{}]()
	}
	// Idle: recheck under the lock, where mode and gen cannot move to or
	// from waiting behind our back.
	for {
		st := n.state.Load()
		if st&^modeMask != f.gen() {
			nd.State = waitq.Done
			n.mu.Unlock()
			return f.ready()
		}
		if st&modeMask == modeNotified {
			if n.state.CompareAndSwap(st, withMode(st, modeEmpty)) {
				nd.State = waitq.Done
				n.mu.Unlock()
				return f.ready()
			}
			continue
		}
		if n.state.CompareAndSwap(st, withMode(st, modeWaiting)) {
			break
		}
	}
	n.waiters.PushBack(nd)
	nd.Waker = cx.Waker()
	n.mu.Unlock()
	return future.Pending[struct{}]()
}

func (f *Notified) ready() future.Poll[struct{}] {
	f.word = f.gen() | lifeDone
	return future.Ready(struct{}{})
}

// Cancel gives up the wait. A NotifyOne already handed to this future is
// passed to the next waiter, or stored, so it is not lost. Cancel after
// Ready does nothing.
func (f *Notified) Cancel() {
	if l := f.life(); l != lifeWaiting && l != lifeAdopted {
		return
	}
	f.word = f.gen() | lifeCancelled
	if f.node != nil {
		f.n.cancelNode(f.node)
	}
}

// cancel is the cleanup of a Notified that was not adopted.
func (nd *notifyNode) cancel() { nd.n.cancelNode(&nd.node) }

// cancelNode takes nd off the queue, passing on a NotifyOne it was handed;
// on a node that is done it does nothing.
func (n *Notify) cancelNode(nd *waitq.Node[bool]) {
	var w future.Waker
	n.mu.Lock()
	switch nd.State {
	case waitq.Queued:
		n.waiters.Remove(nd)
		nd.Waker = nil
		if n.waiters.Len() == 0 {
			n.setMode(modeEmpty)
		}
	case waitq.Granted:
		if nd.Val {
			w = n.notifyOneLocked()
		}
	}
	nd.State = waitq.Done
	n.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}
