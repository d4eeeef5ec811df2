package async_test

import (
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
)

func TestCancelMidAwaitRunsDeferredCallsInOrder(t *testing.T) {
	sig := &signal[int]{}
	var trace []string
	task := async.New(func(a *async.Awaiter) int {
		defer func() { trace = append(trace, "outer defer") }()
		func() {
			defer func() { trace = append(trace, "inner defer") }()
			async.Await(a, sig)
			trace = append(trace, "unreachable")
		}()
		trace = append(trace, "unreachable too")
		return 1
	})
	require.True(t, task.Poll(future.NewContext(nil)).IsPending())
	task.Cancel()
	assert.Equal(t, []string{"inner defer", "outer defer"}, trace)
	task.Cancel() // idempotent
	assert.Len(t, trace, 2)
	requireMisuse(t, capturePanic(func() { task.Poll(future.NewContext(nil)) }), async.ErrCancelled)
}

func TestCancelBeforeFirstPollNeverRunsTheBody(t *testing.T) {
	ran := false
	task := async.New(func(a *async.Awaiter) int { ran = true; return 0 })
	task.Cancel()
	assert.False(t, ran)
	requireMisuse(t, capturePanic(func() { task.Poll(future.NewContext(nil)) }), async.ErrCancelled)
}

func TestCancelAfterCompletionDoesNothing(t *testing.T) {
	task := async.New(func(a *async.Awaiter) int { return 4 })
	assert.Equal(t, 4, future.BlockOn[int](task))
	task.Cancel()
	requireMisuse(t, capturePanic(func() { task.Poll(future.NewContext(nil)) }), future.ErrPolledAfterReady)
}

func TestBodyThatSwallowsTheUnwindStillUnwinds(t *testing.T) {
	sig := &signal[int]{}
	var recovered []any
	retried := false
	task := async.New(func(a *async.Awaiter) int {
		func() {
			defer func() { recovered = append(recovered, recover()) }()
			async.Await(a, sig)
		}()
		retried = true
		return async.Await(a, sig) // panics again: the task is cancelled
	})
	require.True(t, task.Poll(future.NewContext(nil)).IsPending())
	task.Cancel()
	require.Len(t, recovered, 1)
	assert.NotNil(t, recovered[0], "the body saw the unwind sentinel")
	assert.True(t, retried)
}

func TestDeferredAwaitWhileUnwindingDoesNotRun(t *testing.T) {
	sig, cleanup := &signal[int]{}, &signal[int]{}
	task := async.New(func(a *async.Awaiter) int {
		defer async.Await(a, cleanup)
		return async.Await(a, sig)
	})
	require.True(t, task.Poll(future.NewContext(nil)).IsPending())
	task.Cancel()
	assert.Zero(t, cleanup.polls, "an Await during unwinding panics before polling")
}

func TestCancelFromAnotherLockedGoroutine(t *testing.T) {
	sig := &signal[int]{}
	unwound := make(chan int, 1)
	task := async.New(func(a *async.Awaiter) int {
		defer func() { unwound <- 1 }()
		return async.Await(a, sig)
	})
	onLocked := func(f func()) {
		done := make(chan struct{})
		go func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			f()
			assert.True(t, async.LockedOSThread(), "the caller keeps its lock")
			close(done)
		}()
		<-done
	}
	onLocked(func() { require.True(t, task.Poll(future.NewContext(nil)).IsPending()) })
	onLocked(task.Cancel)
	assert.Equal(t, 1, <-unwound)
}

func TestPanicInDeferredCallWhileUnwindingLeavesCancel(t *testing.T) {
	sig := &signal[int]{}
	task := async.New(func(a *async.Awaiter) int {
		defer panic("cleanup failed")
		return async.Await(a, sig)
	})
	require.True(t, task.Poll(future.NewContext(nil)).IsPending())
	assert.Equal(t, "cleanup failed", capturePanic(task.Cancel))
}

func TestAbandonedTaskIsUnwoundByTheGC(t *testing.T) {
	unwound := make(chan struct{})
	func() {
		sig := &signal[int]{}
		task := async.New(func(a *async.Awaiter) int {
			defer close(unwound)
			return async.Await(a, sig)
		})
		require.True(t, task.Poll(future.NewContext(nil)).IsPending())
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		select {
		case <-unwound:
			return
		case <-time.After(10 * time.Millisecond):
		}
		require.True(t, time.Now().Before(deadline), "the GC cleanup never unwound the abandoned task")
	}
}

func TestPanicInBodyReachesThePollerWithItsValue(t *testing.T) {
	boom := errors.New("boom")
	deferred := false
	task := async.New(func(a *async.Awaiter) int {
		defer func() { deferred = true }()
		async.Await(a, &yieldOnce[int]{})
		panic(boom)
	})
	cx := future.NewContext(nil)
	require.True(t, task.Poll(cx).IsPending())
	r := capturePanic(func() { task.Poll(cx) })
	assert.Same(t, boom, r)
	assert.True(t, deferred)
	requireMisuse(t, capturePanic(func() { task.Poll(cx) }), future.ErrPolledAfterReady)
	task.Cancel() // a finished task has nothing to unwind
}

func TestPanicOnLockedPollerKeepsItsLock(t *testing.T) {
	done := make(chan any)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		r := capturePanic(func() {
			future.BlockOn[int](async.New(func(a *async.Awaiter) int { panic("x") }))
		})
		assert.True(t, async.LockedOSThread())
		done <- r
	}()
	assert.Equal(t, "x", <-done)
}

func TestGoexitInBodyBecomesAMisusePanic(t *testing.T) {
	done := make(chan any)
	go func() {
		done <- capturePanic(func() {
			future.BlockOn[int](async.New(func(a *async.Awaiter) int { runtime.Goexit(); return 0 }))
		})
	}()
	requireMisuse(t, <-done, async.ErrGoexit)
}

func TestAwaitOutsideItsBodyIsMisuse(t *testing.T) {
	var escaped *async.Awaiter
	future.BlockOn[int](async.New(func(a *async.Awaiter) int { escaped = a; return 0 }))
	requireMisuse(t, capturePanic(func() { async.Await[int](escaped, &yieldOnce[int]{}) }), async.ErrAwaitOutside)
	requireMisuse(t, capturePanic(func() { escaped.Yield() }), async.ErrAwaitOutside)
}

func TestAwaitWithTheOuterAwaiterInsideAChildIsMisuse(t *testing.T) {
	r := capturePanic(func() {
		future.BlockOn[int](async.New(func(outer *async.Awaiter) int {
			return async.Await(outer, async.New(func(*async.Awaiter) int {
				return async.Await(outer, &yieldOnce[int]{})
			}))
		}))
	})
	requireMisuse(t, r, async.ErrAwaitOutside)
}

func TestAwaitingItsOwnTaskIsMisuse(t *testing.T) {
	var self *async.Task[int]
	self = async.New(func(a *async.Awaiter) int { return async.Await(a, self) })
	requireMisuse(t, capturePanic(func() { future.BlockOn[int](self) }), async.ErrReentrant)
}

func TestNilBodyIsMisuse(t *testing.T) {
	r := capturePanic(func() { async.New[int](nil) })
	_, ok := r.(*future.MisuseError)
	assert.True(t, ok)
}

func capturePanic(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

// cancelable is a pending future that records being dropped through Cancel.
type cancelable struct{ cancelled int }

func (c *cancelable) Poll(*future.Context) future.Poll[int] { return future.Pending[int]() }
func (c *cancelable) Cancel()                               { c.cancelled++ }

func TestCancelDropsTheAwaitedFutureAndNestedTasks(t *testing.T) {
	leaf := &cancelable{}
	var trace []string
	inner := async.New(func(a *async.Awaiter) int {
		defer func() { trace = append(trace, "inner unwound") }()
		return async.Await[int](a, leaf)
	})
	outer := async.New(func(a *async.Awaiter) int {
		defer func() { trace = append(trace, "outer unwound") }()
		return async.Await[int](a, inner)
	})
	require.True(t, outer.Poll(future.NewContext(nil)).IsPending())
	outer.Cancel()
	assert.Equal(t, 1, leaf.cancelled, "the pending leaf is withdrawn")
	assert.Equal(t, []string{"inner unwound", "outer unwound"}, trace, "inside out, like nested drops")
	requireMisuse(t, capturePanic(func() { inner.Poll(future.NewContext(nil)) }), async.ErrCancelled)
}

func TestBodyThatLocksItsThreadIsMisuseNotAFatalError(t *testing.T) {
	awaitLocked := async.New(func(a *async.Awaiter) int {
		runtime.LockOSThread()
		return async.Await(a, &yieldOnce[int]{})
	})
	requireMisuse(t, capturePanic(func() { future.BlockOn[int](awaitLocked) }), async.ErrLockedBody)

	returnLocked := async.New(func(a *async.Awaiter) int {
		runtime.LockOSThread()
		return 1
	})
	requireMisuse(t, capturePanic(func() { future.BlockOn[int](returnLocked) }), async.ErrLockedBody)

	panicLocked := async.New(func(a *async.Awaiter) int {
		runtime.LockOSThread()
		panic("locked and panicking")
	})
	assert.Equal(t, "locked and panicking", capturePanic(func() { future.BlockOn[int](panicLocked) }))
	assert.False(t, async.LockedOSThread(), "the test goroutine was never locked")
}

func TestCancelFromInsideItsOwnBodyIsMisuse(t *testing.T) {
	var self *async.Task[int]
	self = async.New(func(a *async.Awaiter) int {
		self.Cancel()
		return 0
	})
	requireMisuse(t, capturePanic(func() { future.BlockOn[int](self) }), async.ErrReentrant)
}
