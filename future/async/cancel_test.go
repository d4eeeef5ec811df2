package async_test

import (
	"errors"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

func TestCancelMidAwaitRunsDeferredCallsInOrder(t *testing.T) {
	sig := &futuretest.Gate[int]{}
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
	futuretest.RequireMisuse(t, async.ErrCancelled, func() { task.Poll(future.NewContext(nil)) })
}

func TestCancelBeforeFirstPollNeverRunsTheBody(t *testing.T) {
	ran := false
	task := async.New(func(a *async.Awaiter) int { ran = true; return 0 })
	task.Cancel()
	assert.False(t, ran)
	futuretest.RequireMisuse(t, async.ErrCancelled, func() { task.Poll(future.NewContext(nil)) })
}

func TestCancelAfterCompletionDoesNothing(t *testing.T) {
	task := async.New(func(a *async.Awaiter) int { return 4 })
	assert.Equal(t, 4, future.BlockOn[int](task))
	task.Cancel()
	futuretest.RequireMisuse(t, future.ErrPolledAfterReady, func() { task.Poll(future.NewContext(nil)) })
}

func TestBodyThatSwallowsTheUnwindStillUnwinds(t *testing.T) {
	sig := &futuretest.Gate[int]{}
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
	sig, cleanup := &futuretest.Gate[int]{}, &futuretest.Gate[int]{}
	task := async.New(func(a *async.Awaiter) int {
		defer async.Await(a, cleanup)
		return async.Await(a, sig)
	})
	require.True(t, task.Poll(future.NewContext(nil)).IsPending())
	task.Cancel()
	assert.Zero(t, cleanup.Polls(), "an Await during unwinding panics before polling")
}

func TestCancelFromAnotherLockedGoroutine(t *testing.T) {
	sig := &futuretest.Gate[int]{}
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
	sig := &futuretest.Gate[int]{}
	task := async.New(func(a *async.Awaiter) int {
		defer panic("cleanup failed")
		return async.Await(a, sig)
	})
	require.True(t, task.Poll(future.NewContext(nil)).IsPending())
	assert.Equal(t, "cleanup failed", futuretest.Catch(task.Cancel))
}

func TestAbandonedTaskIsUnwoundByTheGC(t *testing.T) {
	unwound := make(chan struct{})
	func() {
		sig := &futuretest.Gate[int]{}
		task := async.New(func(a *async.Awaiter) int {
			defer close(unwound)
			return async.Await(a, sig)
		})
		require.True(t, task.Poll(future.NewContext(nil)).IsPending())
	}()
	requireUnwoundByGC(t, unwound)
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
	r := futuretest.Catch(func() { task.Poll(cx) })
	assert.Same(t, boom, r)
	assert.True(t, deferred)
	futuretest.RequireMisuse(t, future.ErrPolledAfterReady, func() { task.Poll(cx) })
	task.Cancel() // a finished task has nothing to unwind
}

func TestPanicOnLockedPollerKeepsItsLock(t *testing.T) {
	done := make(chan any)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		r := futuretest.Catch(func() {
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
		done <- futuretest.Catch(func() {
			future.BlockOn[int](async.New(func(a *async.Awaiter) int { runtime.Goexit(); return 0 }))
		})
	}()
	futuretest.RequireMisuseValue(t, <-done, async.ErrGoexit)
}

func TestAwaitOutsideItsBodyIsMisuse(t *testing.T) {
	var escaped *async.Awaiter
	future.BlockOn[int](async.New(func(a *async.Awaiter) int { escaped = a; return 0 }))
	futuretest.RequireMisuse(t, async.ErrAwaitOutside, func() { async.Await[int](escaped, &yieldOnce[int]{}) })
	futuretest.RequireMisuse(t, async.ErrAwaitOutside, func() { escaped.Yield() })
}

func TestAwaitWithTheOuterAwaiterInsideAChildIsMisuse(t *testing.T) {
	r := futuretest.Catch(func() {
		future.BlockOn[int](async.New(func(outer *async.Awaiter) int {
			return async.Await(outer, async.New(func(*async.Awaiter) int {
				return async.Await(outer, &yieldOnce[int]{})
			}))
		}))
	})
	futuretest.RequireMisuseValue(t, r, async.ErrAwaitOutside)
}

func TestAwaitingItsOwnTaskIsMisuse(t *testing.T) {
	var self *async.Task[int]
	self = async.New(func(a *async.Awaiter) int { return async.Await(a, self) })
	futuretest.RequireMisuse(t, async.ErrReentrant, func() { future.BlockOn[int](self) })
}

func TestNilBodyIsMisuse(t *testing.T) {
	r := futuretest.Catch(func() { async.New[int](nil) })
	_, ok := r.(*future.MisuseError)
	assert.True(t, ok)
}

func TestCancelDropsTheAwaitedFutureAndNestedTasks(t *testing.T) {
	leaf := &futuretest.CancelGate[int]{}
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
	assert.Equal(t, 1, leaf.Cancels(), "the pending leaf is withdrawn")
	assert.Equal(t, []string{"inner unwound", "outer unwound"}, trace, "inside out, like nested drops")
	futuretest.RequireMisuse(t, async.ErrCancelled, func() { inner.Poll(future.NewContext(nil)) })
}

func TestBodyThatLocksItsThreadIsMisuseNotAFatalError(t *testing.T) {
	awaitLocked := async.New(func(a *async.Awaiter) int {
		runtime.LockOSThread()
		return async.Await(a, &yieldOnce[int]{})
	})
	futuretest.RequireMisuse(t, async.ErrLockedBody, func() { future.BlockOn[int](awaitLocked) })

	returnLocked := async.New(func(a *async.Awaiter) int {
		runtime.LockOSThread()
		return 1
	})
	futuretest.RequireMisuse(t, async.ErrLockedBody, func() { future.BlockOn[int](returnLocked) })

	panicLocked := async.New(func(a *async.Awaiter) int {
		runtime.LockOSThread()
		panic("locked and panicking")
	})
	assert.Equal(t, "locked and panicking", futuretest.Catch(func() { future.BlockOn[int](panicLocked) }))
	assert.False(t, async.LockedOSThread(), "the test goroutine was never locked")
}

func TestCancelFromInsideItsOwnBodyIsMisuse(t *testing.T) {
	var self *async.Task[int]
	self = async.New(func(a *async.Awaiter) int {
		self.Cancel()
		return 0
	})
	futuretest.RequireMisuse(t, async.ErrReentrant, func() { future.BlockOn[int](self) })
}
