package future_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// After the first poll, a wake of a child and a poll of Join allocate
// nothing: the per-child wakers and the batch buffer are made once.
func TestJoinPollsAndWakesDoNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's instrumentation allocates")
	}
	ps, fs := futuretest.Gates[int](64)
	f := future.Join(fs...)
	cx, _ := futuretest.NewContext()
	require.True(t, f.Poll(cx).IsPending())
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		ps[i%64].WakeLatest()
		ps[(i+7)%64].WakeLatest()
		f.Poll(cx)
		i++
	})
	assert.Zero(t, allocs)
}

func TestRacePollsAndWakesDoNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's instrumentation allocates")
	}
	ps, fs := futuretest.Gates[int](8)
	f := future.Race(fs...)
	cx, _ := futuretest.NewContext()
	require.True(t, f.Poll(cx).IsPending())
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		ps[i%8].WakeLatest()
		f.Poll(cx)
		i++
	})
	assert.Zero(t, allocs)
}

func TestBlockOnOfReadyFutureDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's instrumentation allocates")
	}
	var f future.Future[int] = future.Func[int](func(*future.Context) future.Poll[int] { return future.Ready(1) })
	allocs := testing.AllocsPerRun(1000, func() { future.BlockOn(f) })
	assert.Zero(t, allocs)
}

// A future that keeps BlockOn's waker and wakes it after completing only
// causes a spurious poll in a later BlockOn that reuses the parker, never a
// wrong result or a hang.
func TestBlockOnStaleWakeIsHarmless(t *testing.T) {
	var kept future.Waker
	future.BlockOn(future.Func[int](func(cx *future.Context) future.Poll[int] {
		kept = cx.Waker()
		return future.Ready(1)
	}))
	kept.Wake()
	kept.Wake()
	polls := 0
	y := future.YieldNow()
	v := future.BlockOn(future.Func[int](func(cx *future.Context) future.Poll[int] {
		polls++
		if y.Poll(cx).IsPending() {
			return future.Pending[int]()
		}
		return future.Ready(7)
	}))
	assert.Equal(t, 7, v)
	assert.Equal(t, 2, polls)
}

func TestBlockOnPropagatesPanicsAndStaysUsable(t *testing.T) {
	assert.PanicsWithValue(t, errBoom, func() {
		future.BlockOn(future.Lazy(func() int { panic(errBoom) }))
	})
	assert.Equal(t, 3, future.BlockOn(future.Done(3)))
}
