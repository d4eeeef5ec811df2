package tasksync

// Conversions between CancellationToken and context.Context, both without
// a goroutine. Context returns the token itself seen as a context: its
// Done channel is made on first use and closed by Cancel, and it has an
// AfterFunc method, which package context uses (instead of a goroutine)
// to propagate the cancellation to contexts derived from it.
// TokenFromContext registers the new token's Cancel with
// context.AfterFunc, and stops that registration once the token is
// cancelled or released, so a long-lived context does not collect dead
// tokens.

import (
	"context"
	"time"

	"github.com/spindle-rt/spindle/future/internal/waitq"
)

// tokenCtxState is the context side of a node, guarded by its mu.
type tokenCtxState struct {
	done      chan struct{}      // made by the first Done, closed at cancel
	callbacks waitq.List[func()] // AfterFunc registrations
	watch     func() bool        // stops TokenFromContext's registration
}

// ctxLocked returns n's context state, making it if needed.
func (n *tokenNode) ctxLocked() *tokenCtxState {
	if n.ctx == nil {
		n.ctx = &tokenCtxState{}
	}
	return n.ctx
}

// fireLocked closes done and takes the callbacks to run and the watch to
// stop once n's lock is released.
func (cs *tokenCtxState) fireLocked() (fns []func(), stop func() bool) {
	if cs.done != nil {
		close(cs.done)
	}
	for h := cs.callbacks.PopFront(); h != nil; h = cs.callbacks.PopFront() {
		h.State = waitq.Done
		fns = append(fns, h.Val)
		h.Val = nil
	}
	stop, cs.watch = cs.watch, nil
	return fns, stop
}

// Context returns a context.Context that is done when t is cancelled,
// with Err context.Canceled; it has no deadline and no values. Contexts
// derived from it (context.WithTimeout, ...) are cancelled with t without
// a goroutine. Every call returns an equal context and allocates nothing.
//
// To bound a context you already have by t as well, derive from yours and
// stop it when t is cancelled:
//
//	ctx, cancel := context.WithCancel(parent)
//	stop := context.AfterFunc(t.Context(), cancel)
func (t *CancellationToken) Context() context.Context {
	t.node()
	return (*tokenCtx)(t)
}

// TokenFromContext returns a new root token that is cancelled when ctx is
// done (at once if it is done already). Cancelling the token does not
// cancel ctx. For a context made by Context it returns a Child of that
// token instead, with no registration in between.
func TokenFromContext(ctx context.Context) *CancellationToken {
	if tc, ok := ctx.(*tokenCtx); ok {
		return (*CancellationToken)(tc).Child()
	}
	t := NewCancellationToken()
	if ctx.Done() == nil {
		return t
	}
	if ctx.Err() != nil {
		t.Cancel()
		return t
	}
	n := t.n
	stop := context.AfterFunc(ctx, n.cancel)
	n.mu.Lock()
	if !n.cancelled.Load() {
		n.ctxLocked().watch = stop
	}
	n.mu.Unlock()
	n.watchHandle(t)
	return t
}

// tokenCtx is a token seen as a context.Context.
type tokenCtx CancellationToken

// Deadline implements context.Context: there is none.
func (c *tokenCtx) Deadline() (time.Time, bool) { return time.Time{}, false }

// Done implements context.Context.
func (c *tokenCtx) Done() <-chan struct{} {
	n := c.n
	n.mu.Lock()
	defer n.mu.Unlock()
	cs := n.ctxLocked()
	if cs.done == nil {
		cs.done = make(chan struct{})
		if n.cancelled.Load() {
			close(cs.done)
		}
	}
	return cs.done
}

// Err implements context.Context.
func (c *tokenCtx) Err() error {
	if c.n.cancelled.Load() {
		return context.Canceled
	}
	return nil
}

// Value implements context.Context: a token carries no values.
func (c *tokenCtx) Value(any) any { return nil }

// String names the context, as the context package's own do.
func (c *tokenCtx) String() string { return "tasksync.CancellationToken.Context" }

// AfterFunc arranges for f to be called once the token is cancelled, and
// returns a function that cancels the arrangement (reporting whether it
// did). Package context finds this method on a parent and uses it to
// propagate cancellation without a goroutine. f runs on the goroutine
// that calls Cancel, after every lock is released, or in a goroutine of
// its own if the token is cancelled already (the caller may hold locks f
// needs).
func (c *tokenCtx) AfterFunc(f func()) func() bool {
	n := c.n
	h := &waitq.Node[func()]{Val: f}
	n.mu.Lock()
	if n.cancelled.Load() {
		n.mu.Unlock()
		go f()
		return func() bool { return false }
	}
	n.ctxLocked().callbacks.PushBack(h)
	n.mu.Unlock()
	return func() bool {
		n.mu.Lock()
		defer n.mu.Unlock()
		if h.State != waitq.Queued {
			return false
		}
		n.ctx.callbacks.Remove(h)
		h.State, h.Val = waitq.Done, nil
		return true
	}
}
