package futuretest_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestGateOpensAndWakesTheLatestPoll(t *testing.T) {
	g := &futuretest.Gate[int]{}
	cx1, w1 := futuretest.NewContext()
	cx2, w2 := futuretest.NewContext()
	cx2.SetExt("worker-1")
	require.True(t, g.Poll(cx1).IsPending())
	require.True(t, g.Poll(cx2).IsPending())
	assert.Equal(t, "worker-1", g.LastExt())
	g.Open(7)
	assert.Zero(t, w1.Count(), "only the latest poll's waker counts")
	assert.Equal(t, 1, w2.Count())
	v, ok := g.Poll(cx2).Value()
	require.True(t, ok)
	assert.Equal(t, 7, v)
	assert.Equal(t, 3, g.Polls())
	g.WakeLatest()
	assert.Equal(t, 2, w2.Count(), "the waker is kept after Ready, for stale wakes")
}

func TestGateOptions(t *testing.T) {
	g := futuretest.ReadyGate("x")
	g.WakeInPoll = 2
	cx, w := futuretest.NewContext()
	v, ok := g.Poll(cx).Value()
	require.True(t, ok)
	assert.Equal(t, "x", v)
	assert.Equal(t, 2, w.Reset())
	assert.Zero(t, w.Count())

	quiet := &futuretest.Gate[int]{}
	quiet.Poll(cx)
	quiet.OpenWithoutWake(1)
	assert.Zero(t, w.Count())
	assert.True(t, quiet.Poll(cx).IsReady())

	boom := &futuretest.Gate[int]{PanicWith: "boom"}
	assert.Equal(t, "boom", futuretest.Catch(func() { boom.Poll(cx) }))
	assert.Nil(t, futuretest.Catch(func() {}))
}

func TestCancelGatesAreCancelersAndGatesAreNot(t *testing.T) {
	gs, fs := futuretest.CancelGates[int](2)
	future.Cancel(fs[1])
	assert.Equal(t, []int{0, 1}, []int{gs[0].Cancels(), gs[1].Cancels()})
	_, plain := futuretest.Gates[int](1)
	_, isCanceler := plain[0].(future.Canceler)
	assert.False(t, isCanceler)
}

func TestCountWakerSignalsWakesFromOtherGoroutines(t *testing.T) {
	var w futuretest.CountWaker // the zero value works
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Wake()
		w.Wake()
	}()
	<-w.Woken()
	<-done
	assert.Equal(t, 2, w.Count())
	select {
	case <-w.Woken():
		// The second wake may have found the signal still full: merged.
	default:
	}
	w.Context().Waker().Wake()
	<-w.Woken()
	assert.Equal(t, 3, w.Count())
}

func TestLocalWakerRecordsHowItWasWoken(t *testing.T) {
	w := &futuretest.LocalWaker{}
	inPoll := future.NewContext(nil)
	inPoll.SetExt("worker-0")
	future.WakeFrom(inPoll, w)
	future.WakeFrom(future.NewContext(nil), w)
	assert.Equal(t, []any{"worker-0"}, w.Locals())
	assert.Equal(t, 1, w.Wakes())
}

var errWanted = errors.New("wanted")

func TestRequireMisuse(t *testing.T) {
	e := futuretest.RequireMisuse(t, errWanted, func() {
		panic(&future.MisuseError{Err: errWanted, Future: "someFuture"})
	})
	assert.Equal(t, "someFuture", e.Future)
}

func TestEventuallyReturnsOnceTheConditionHolds(t *testing.T) {
	n := 0
	futuretest.Eventually(t, func() bool { n++; return n == 3 }, "never")
	assert.Equal(t, 3, n)
	futuretest.EventuallyCollected(t, func() bool { n++; return n == 5 }, "never")
	assert.Equal(t, 5, n)
	assert.Positive(t, futuretest.HeapAfterGC())
}
