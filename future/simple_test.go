package future_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

func TestDoneIsReadyOnFirstPoll(t *testing.T) {
	cx, w := futuretest.NewContext()
	v, ok := future.Done("x").Poll(cx).Value()
	require.True(t, ok)
	assert.Equal(t, "x", v)
	assert.Zero(t, w.Count(), "a ready future has no reason to wake")
}

func TestNeverStaysPendingAndNeverWakes(t *testing.T) {
	cx, w := futuretest.NewContext()
	f := future.Never[int]()
	for range 100 {
		require.True(t, f.Poll(cx).IsPending())
	}
	assert.Zero(t, w.Count())
}

func TestLazyCallsFnOnceAtFirstPoll(t *testing.T) {
	calls := 0
	f := future.Lazy(func() int { calls++; return 7 })
	assert.Zero(t, calls, "Lazy must not call fn before it is polled")
	cx, _ := futuretest.NewContext()
	v, ok := f.Poll(cx).Value()
	require.True(t, ok)
	assert.Equal(t, 7, v)
	assert.Equal(t, 1, calls)
}

func TestMap(t *testing.T) {
	tests := []struct {
		name       string
		wakeInPoll int
		pendings   int // polls before the child completes
	}{
		{"ready at once", 0, 0},
		{"pending then ready", 0, 3},
		{"child wakes inside its poll", 1, 2},
		{"duplicate wakes inside poll", 3, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := &futuretest.Gate[int]{WakeInPoll: tc.wakeInPoll}
			calls := 0
			f := future.Map[int](p, func(v int) string { calls++; return strconv.Itoa(v * 2) })
			cx, w := futuretest.NewContext()
			for i := range tc.pendings {
				require.True(t, f.Poll(cx).IsPending())
				assert.Equal(t, i+1, p.Polls())
				assert.Zero(t, calls)
			}
			assert.Equal(t, tc.pendings*tc.wakeInPoll, w.Count(),
				"Map polls its child with its own Context: the child's wakes are the task's wakes")
			p.Open(21)
			v, ok := f.Poll(cx).Value()
			require.True(t, ok)
			assert.Equal(t, "42", v)
			assert.Equal(t, 1, calls)
			assert.Equal(t, tc.pendings+1, p.Polls())
		})
	}
}

func TestMapChainCompletesInOnePoll(t *testing.T) {
	var f future.Future[int] = future.Done(0)
	for range 10 {
		f = future.Map(f, func(v int) int { return v + 1 })
	}
	cx, _ := futuretest.NewContext()
	v, ok := f.Poll(cx).Value()
	require.True(t, ok)
	assert.Equal(t, 10, v)
}

func TestThen(t *testing.T) {
	first := &futuretest.Gate[int]{}
	second := &futuretest.Gate[string]{}
	var got int
	f := future.Then[int, string](first, func(v int) future.Future[string] { got = v; return second })
	cx, w := futuretest.NewContext()

	require.True(t, f.Poll(cx).IsPending())
	assert.Zero(t, second.Polls(), "the second future does not exist before the first is Ready")

	first.Open(5)
	assert.Equal(t, 1, w.Count(), "the first future wakes the task through Then's Context")
	require.True(t, f.Poll(cx).IsPending())
	assert.Equal(t, 5, got)
	assert.Equal(t, 1, second.Polls(), "the second future is polled in the same poll that finished the first")

	second.Open("done")
	assert.Equal(t, 2, w.Count(), "the second future registered the task's waker")
	v, ok := f.Poll(cx).Value()
	require.True(t, ok)
	assert.Equal(t, "done", v)
	assert.Equal(t, 2, first.Polls(), "the first future is not polled once Ready")
}

func TestThenOfReadyFuturesCompletesInOnePoll(t *testing.T) {
	f := future.Then(future.Done(2), func(v int) future.Future[int] {
		return future.Map(future.Done(v), func(x int) int { return x * 10 })
	})
	cx, _ := futuretest.NewContext()
	v, ok := f.Poll(cx).Value()
	require.True(t, ok)
	assert.Equal(t, 20, v)
}

func TestYieldNowPendsOnceAndWakesItself(t *testing.T) {
	f := future.YieldNow()
	cx, w := futuretest.NewContext()
	require.True(t, f.Poll(cx).IsPending())
	assert.Equal(t, 1, w.Count(), "YieldNow wakes its own waker before returning Pending")
	require.True(t, f.Poll(cx).IsReady())
	assert.Equal(t, 1, w.Count())
}

func TestYieldNowUnderBlockOnTakesTwoPolls(t *testing.T) {
	polls := 0
	y := future.YieldNow()
	f := future.Func[int](func(cx *future.Context) future.Poll[int] {
		polls++
		if y.Poll(cx).IsReady() {
			return future.Ready(polls)
		}
		return future.Pending[int]()
	})
	assert.Equal(t, 2, future.BlockOn[int](f))
}

func TestFuse(t *testing.T) {
	p := &futuretest.Gate[int]{}
	f := future.Fuse[int](p)
	cx, _ := futuretest.NewContext()
	require.True(t, f.Poll(cx).IsPending())
	assert.False(t, f.IsTerminated())
	p.Open(3)
	v, ok := f.Poll(cx).Value()
	require.True(t, ok)
	assert.Equal(t, 3, v)
	assert.True(t, f.IsTerminated())
	for range 3 {
		assert.True(t, f.Poll(cx).IsPending(), "a terminated Fused is Pending, not a panic")
	}
	assert.Equal(t, 2, p.Polls(), "the inner future is never polled after Ready")
}

func TestFuseOfSpentFutureIsTheOnlySafeRepoll(t *testing.T) {
	// Without Fuse the same sequence panics: Fuse is what makes it harmless.
	cx, _ := futuretest.NewContext()
	plain := future.Done(1)
	plain.Poll(cx)
	requireMisuse(t, future.ErrPolledAfterReady, "valueFuture", func() { plain.Poll(cx) })
	fused := future.Fuse(future.Done(1))
	fused.Poll(cx)
	assert.NotPanics(t, func() { fused.Poll(cx) })
}
