package channel

// Every channel end that has a Close (the MPSC senders, the Broadcast and
// Watch senders and receivers) keeps its claim on the channel (a sender
// count, a subscription) in a small object apart from the handle, so that
// the garbage collector can release the claim of a handle dropped without
// Close:
//
//	open --Close--> closed (claim released, cleanup stopped)
//	open --handle found unreachable--> closed (the cleanup releases the claim)
//	closed --Close--> nothing (release is idempotent)
//	closed --any other use--> panic *future.MisuseError wrapping ErrHandleClosed

import (
	"runtime"
	"sync/atomic"
)

// releaser is a handle's claim on its channel. release gives it up; calls
// after the first do nothing.
type releaser interface{ release() }

// handle is the part of an exported channel end that ties it to its claim.
type handle[C releaser] struct {
	claim C
	cl    runtime.Cleanup
}

// bind gives h, which is embedded in owner (the object users drop), the
// claim c, and has the collector release c once owner is unreachable. The
// claim does not point back to owner, or owner could never be collected.
func bind[O any, C releaser](owner *O, h *handle[C], c C) {
	h.claim = c
	h.cl = runtime.AddCleanup(owner, C.release, c)
}

// close releases the claim now; the cleanup is no longer needed.
func (h *handle[C]) close() {
	h.cl.Stop()
	h.claim.release()
}

// releaseOnce is the closed flag of a claim whose handle any goroutine may
// Close: the first release wins and later uses of the handle are misuse.
type releaseOnce struct {
	// closed flips once, so the claim is given up exactly once whether a
	// Close or the cleanup comes first, or two Closes race.
	closed atomic.Bool
}

// first reports whether this is the first release.
func (o *releaseOnce) first() bool { return o.closed.CompareAndSwap(false, true) }

// check panics with a *future.MisuseError wrapping ErrHandleClosed, naming
// what, once the claim was released.
func (o *releaseOnce) check(what string) {
	if o.closed.Load() {
		misuse(what, ErrHandleClosed)
	}
}
