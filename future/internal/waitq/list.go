// Package waitq holds the waiter structures shared by spindle's channels
// and synchronisation primitives: an intrusive FIFO list of waiter nodes and
// a fair, weighted semaphore built on it.
//
// A waiter node is allocated by a wait future the first time it has to wait,
// lives in the list while it waits, and leaves it when it is granted what it
// waited for, when it is cancelled explicitly, or when the garbage collector
// finds its future unreachable (runtime.AddCleanup). Nodes never reference
// their future, so a future that is dropped while queued can be collected.
// A future whose owner cancels it (future.Adopter) registers no cleanup,
// and may keep its node inside itself.
package waitq

import (
	"sync"

	"github.com/spindle-rt/spindle/future"
)

// State is where a waiter node is in its life. Every transition happens
// under the lock of the structure that owns the list.
//
//	Idle --enqueue--> Queued --grant--> Granted --observed by poll--> Done
//	                  Queued --cancel / close--> Idle (removed)
//	                  Granted --cancel--> Done (the grant is passed on)
type State uint8

// The states of a node; see State.
const (
	Idle State = iota
	Queued
	Granted
	Done
)

// Node is one waiter. P is what the owner stores per waiter (permits still
// needed, a value waiting to be sent, ...). All fields are guarded by the
// owner's lock.
type Node[P any] struct {
	prev, next *Node[P]
	// Waker is the waker of the waiter's most recent Pending poll.
	Waker future.Waker
	State State
	// Life and Flags belong to the future that embeds the node; the list
	// never touches them. They sit in State's padding, where they cost
	// nothing, so that a future that is its own node (an adopted
	// [Acquire]) needs no other field for its state.
	Life, Flags uint8
	Val         P
}

// PollLocked is the first step of a waiting future's poll once its node has
// left Idle, with the owner's lock held. A Granted node is marked Done and
// Granted is returned: the wait is over. A Queued node takes cx's waker,
// replacing the previous poll's (waker contract rule 2), and Queued is
// returned: still Pending. Any other state is returned unchanged for the
// caller to handle.
func (n *Node[P]) PollLocked(cx *future.Context) State {
	switch n.State {
	case Granted:
		n.State = Done
		return Granted
	case Queued:
		n.Waker = cx.Waker()
	}
	return n.State
}

// List is an intrusive doubly linked FIFO of nodes: push, pop and removal
// of any node are O(1) and allocate nothing. The zero List is empty.
type List[P any] struct {
	head, tail *Node[P]
	n          int
}

// Len returns the number of nodes in l.
func (l *List[P]) Len() int { return l.n }

// Front returns the oldest node, or nil.
func (l *List[P]) Front() *Node[P] { return l.head }

// PushBack appends n, which must not be in any list, and marks it Queued.
func (l *List[P]) PushBack(n *Node[P]) {
	n.prev, n.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = n
	} else {
		l.head = n
	}
	l.tail = n
	l.n++
	n.State = Queued
}

// Remove unlinks n, which must be in l. It leaves n's state alone: the
// caller decides whether n was granted or cancelled.
func (l *List[P]) Remove(n *Node[P]) {
	if n.prev != nil {
		n.prev.next = n.next
	} else {
		l.head = n.next
	}
	if n.next != nil {
		n.next.prev = n.prev
	} else {
		l.tail = n.prev
	}
	n.prev, n.next = nil, nil
	l.n--
}

// PopFront removes and returns the oldest node, or nil.
func (l *List[P]) PopFront() *Node[P] {
	n := l.head
	if n != nil {
		l.Remove(n)
	}
	return n
}

// WakeList collects wakers while a lock is held so that they are woken
// after it is released: a woken task may run on another worker at once and
// would only contend on the lock. It holds a bounded number; Full says when
// the caller must release the lock and wake the batch before going on.
type WakeList struct {
	ws [16]future.Waker
	n  int
}

// Push adds w (nil is ignored).
func (l *WakeList) Push(w future.Waker) {
	if w != nil {
		l.ws[l.n] = w
		l.n++
	}
}

// Full reports whether no more wakers fit.
func (l *WakeList) Full() bool { return l.n == len(l.ws) }

// WakeAll wakes the collected wakers through future.WakeFrom(cx, ...) (cx
// may be nil) and empties the list.
func (l *WakeList) WakeAll(cx *future.Context) {
	for i := range l.n {
		w := l.ws[i]
		l.ws[i] = nil
		future.WakeFrom(cx, w)
	}
	l.n = 0
}

// TakeLocked moves the waker *w (a node's) into l, leaving nil behind so the
// node no longer holds it. mu guards the node and is held: when l is full,
// mu is released while the batch is woken through future.WakeFrom(cx, ...)
// and then retaken, so a long queue never wakes tasks under the lock. The
// caller must not rely on what mu guards staying unchanged across the call.
func (l *WakeList) TakeLocked(mu sync.Locker, cx *future.Context, w *future.Waker) {
	l.Push(*w)
	*w = nil
	if l.Full() {
		mu.Unlock()
		l.WakeAll(cx)
		mu.Lock()
	}
}

// DrainLocked empties l, setting every node's state to s (its Val is left
// alone: a send failed by Close still holds its value) and taking its waker
// into wl. mu guards l: it is held on entry and on return, and released
// only to wake each full batch (see TakeLocked).
func DrainLocked[P any](mu sync.Locker, l *List[P], wl *WakeList, cx *future.Context, s State) {
	for {
		h := l.PopFront()
		if h == nil {
			return
		}
		h.State = s
		wl.TakeLocked(mu, cx, &h.Waker)
	}
}
