package tasksync

// A CancellationToken is a handle on a node of a tree (tokio_util's
// CancellationToken). Each node has its own lock; no code path holds two.
//
//	live --Cancel, or its parent's--> cancelled (for ever)
//
// Cancel marks the node cancelled, empties its child list, wakes its
// Cancelled futures, runs its context callbacks, then cancels each former
// child the same way (iteratively: a deep tree needs no deep stack), and
// leaves its parent's list.
//
// Memory. A node is in its parent's child list from Child until it is
// cancelled or released, so a long-lived parent holds only the children
// that are alive. Go has no destructors, so "alive" is decided twice: a
// cancelled child leaves at once (`defer child.Cancel()` is the idiom), and
// a child dropped without Cancel is released by a runtime cleanup on its
// handle once the handle is unreachable and the node has no children left
// (a node whose handle is gone stays while its own children need it to
// reach the tree, then leaves with the last of them). The list is a slice
// with swap-remove (each child keeps its index, guarded by the parent's
// lock), shrunk when mostly empty.
//
// Everything that waits on a token (a Cancelled future, a context from
// Context and the contexts derived from it) holds the handle, so a token
// waited on is never released.

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/spindle-rt/spindle/future"
)

// CancellationToken is a cancellation signal shared by tasks and
// goroutines, as tokio_util's CancellationToken: Cancel sets it once and
// for all, IsCancelled reads it, Cancelled is a future that completes
// when it is set. Child makes a token that is cancelled with its parent
// but can also be cancelled alone, so a tree of tokens mirrors a tree of
// work: cancelling a server's token stops every connection, cancelling a
// connection's stops only its requests.
//
// A *CancellationToken may be shared freely (sharing the pointer is
// tokio's clone). Context and TokenFromContext convert to and from
// context.Context. The zero CancellationToken is not usable: use
// NewCancellationToken, Child or TokenFromContext.
type CancellationToken struct {
	_ noCopy // a copy would be a second handle the collector cannot see
	n *tokenNode
}

// noCopy makes go vet's copylocks check report copies of the struct that
// holds it (see sync.noCopy).
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

type tokenNode struct {
	mu        sync.Mutex
	parent    *tokenNode // fixed at creation; nil for a root
	idx       int        // in parent.children, -1 when not there; guarded by parent.mu
	cancelled atomic.Bool
	gone      bool // the handle was collected; guarded by mu
	children  []*tokenNode
	ctx       *tokenCtxState  // context side, made on first use; guarded by mu
	cl        runtime.Cleanup // on the handle; stopped by cancel; guarded by mu
	zero      Notify          // Cancelled futures wait here
}

// NewCancellationToken returns a new root token, not cancelled.
func NewCancellationToken() *CancellationToken {
	return &CancellationToken{n: &tokenNode{idx: -1}}
}

// node returns t's node, panicking with a *future.MisuseError on a zero
// token.
func (t *CancellationToken) node() *tokenNode {
	if t.n == nil {
		misuse("*tasksync.CancellationToken", ErrUninitialized)
	}
	return t.n
}

// Child returns a new token that is cancelled when t is (at once if t is
// cancelled already). Cancelling the child does not cancel t.
//
// A child stays in t's list of children until it is cancelled, or until
// the garbage collector finds it unreachable; call Cancel on a child that
// is done with (`defer child.Cancel()`) to free its place at once.
func (t *CancellationToken) Child() *CancellationToken {
	p := t.node()
	c := &tokenNode{parent: p, idx: -1}
	p.mu.Lock()
	if p.cancelled.Load() {
		p.mu.Unlock()
		c.parent = nil
		c.cancelled.Store(true)
		return &CancellationToken{n: c}
	}
	c.idx = len(p.children)
	p.children = append(p.children, c)
	p.mu.Unlock()
	h := &CancellationToken{n: c}
	c.watchHandle(h)
	return h
}

// watchHandle registers the cleanup that releases n once h is collected.
// Cancel stops it: a cancelled node has left its parent already, and the
// runtime keeps each span's cleanup records in a sorted list, which stays
// short only if the many children that are cancelled leave it.
func (n *tokenNode) watchHandle(h *CancellationToken) {
	cl := runtime.AddCleanup(h, (*tokenNode).dropped, n)
	n.mu.Lock()
	if n.cancelled.Load() {
		n.mu.Unlock()
		cl.Stop()
		return
	}
	n.cl = cl
	n.mu.Unlock()
}

// IsCancelled reports whether t was cancelled, by its own Cancel or an
// ancestor's.
func (t *CancellationToken) IsCancelled() bool { return t.node().cancelled.Load() }

// Cancel cancels t and every token derived from it: its children, theirs,
// and the contexts made by Context. The Cancelled futures of all of them
// are woken. It may be called from anywhere, any number of times; calls
// after the first do nothing. A cancelled child leaves its parent's list.
//
// tokio's DropGuard, which cancels a token when it goes out of scope, is
// `defer t.Cancel()`.
func (t *CancellationToken) Cancel() { t.node().cancel() }

func (n *tokenNode) cancel() {
	if n.cancelled.Load() {
		return
	}
	if p := n.detach(); p != nil {
		p.release()
	}
	next := n.fire()
	if len(next) == 0 {
		return
	}
	stack := next
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = append(stack[:len(stack)-1], x.fire()...)
	}
}

// fire cancels n alone and returns its former children, or nil if n was
// cancelled already.
func (n *tokenNode) fire() []*tokenNode {
	n.mu.Lock()
	if n.cancelled.Load() {
		n.mu.Unlock()
		return nil
	}
	n.cancelled.Store(true)
	kids := n.children
	n.children = nil
	for _, k := range kids {
		k.idx = -1
	}
	var fns []func()
	var stop func() bool
	if n.ctx != nil {
		fns, stop = n.ctx.fireLocked()
	}
	cl := n.cl
	n.cl = runtime.Cleanup{}
	n.mu.Unlock()
	cl.Stop()
	n.zero.NotifyWaiters()
	if stop != nil {
		stop()
	}
	for _, f := range fns {
		f()
	}
	return kids
}

// dropped is the cleanup of a handle: n is released once it has no
// children either.
func (n *tokenNode) dropped() {
	n.mu.Lock()
	n.gone = true
	leaf := len(n.children) == 0
	n.mu.Unlock()
	if leaf {
		n.release()
	}
}

// release frees n, whose handle is gone and which has no children: it
// leaves its parent's list and stops watching a context; so does each
// ancestor that this leaves in the same state.
func (n *tokenNode) release() {
	for n != nil {
		n.mu.Lock()
		var stop func() bool
		if n.ctx != nil {
			stop, n.ctx.watch = n.ctx.watch, nil
		}
		n.mu.Unlock()
		if stop != nil {
			stop()
		}
		n = n.detach()
	}
}

// detach takes n out of its parent's list. It returns the parent if that
// left it released-to-be (handle gone, no children), else nil.
func (n *tokenNode) detach() *tokenNode {
	p := n.parent
	if p == nil {
		return nil
	}
	p.mu.Lock()
	if n.idx >= 0 {
		p.removeChildLocked(n)
	}
	var next *tokenNode
	if p.gone && len(p.children) == 0 {
		next = p
	}
	p.mu.Unlock()
	return next
}

// removeChildLocked swap-removes c from n.children, shrinking the array
// once it is at most a quarter full, so that a burst of children does not
// pin its peak memory for the parent's life.
func (n *tokenNode) removeChildLocked(c *tokenNode) {
	last := len(n.children) - 1
	if c.idx != last {
		m := n.children[last]
		n.children[c.idx] = m
		m.idx = c.idx
	}
	n.children[last] = nil
	n.children = n.children[:last]
	c.idx = -1
	if cap(n.children) > 16 && len(n.children) <= cap(n.children)/4 {
		n.children = append(make([]*tokenNode, 0, cap(n.children)/2), n.children...)
	}
}

// Cancelled returns a future that is Ready once t is cancelled.
//
// Cancel safety: cancelling the future (its Cancel, or dropping it) only
// stops the wait: the token is not affected and no cancellation is lost;
// a new Cancelled completes at once if the token was cancelled meanwhile.
func (t *CancellationToken) Cancelled() *CancelledFuture {
	n := t.node()
	return &CancelledFuture{t: t, w: flagWait{n: *n.zero.Notified()}} // a copy before any poll: no node yet
}

// CancelledFuture is the future returned by CancellationToken.Cancelled.
// It holds the token, so a token waited on stays in its tree.
type CancelledFuture struct {
	t *CancellationToken
	w flagWait
}

// Poll implements future.Future.
func (f *CancelledFuture) Poll(cx *future.Context) future.Poll[struct{}] {
	return f.w.poll(cx, f, f.t.n.cancelled.Load())
}

// Cancel stops waiting; the token is not cancelled by it. Cancel after
// Ready does nothing.
func (f *CancelledFuture) Cancel() { f.w.cancel() }

// Adopt implements future.Adopter (see WaitGroupFuture.Adopt).
func (f *CancelledFuture) Adopt() { f.w.n.Adopt() }
