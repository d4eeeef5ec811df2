package stream_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/stream"
	"github.com/spindle-rt/spindle/internal/futuretest/testpool"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

// TestBufferUnorderedOfTasksOnThePool runs the futures of a
// BufferUnordered as pool tasks: their JoinHandles wake the stream from
// the workers (through WakeLocal when on the same worker).
func TestBufferUnorderedOfTasksOnThePool(t *testing.T) {
	p := testpool.New(t)
	total := stressN / 20
	square := func(i int) future.Future[future.Result[int]] {
		return pool.Spawn(p, future.Map(future.YieldNow(), func(struct{}) int { return i * i }))
	}
	s := stream.BufferUnordered(stream.Map(stream.FromSlice(ints(total)), square), 16)
	got, err := pool.BlockOn(p, stream.Collect(s))
	require.NoError(t, err)
	want := make([]int, total)
	for i := range want {
		want[i] = i * i
	}
	var vals []int
	for _, r := range got {
		require.NoError(t, r.Err)
		vals = append(vals, r.Value)
	}
	assert.ElementsMatch(t, want, vals)
}

// TestFromSeqInStolenTasks consumes FromSeq streams in many tasks on a
// 2-worker pool, where tasks move between the locked worker threads.
func TestFromSeqInStolenTasks(t *testing.T) {
	p := testpool.New(t)
	const tasks = 40
	n := stressN / 100
	hs := make([]*pool.JoinHandle[[]int], tasks)
	for k := range hs {
		s := stream.FromSeqBuffer(slices.Values(ints(n)), 4)
		hs[k] = pool.Spawn(p, stream.Collect(s))
	}
	for _, h := range hs {
		got, err := h.Wait(context.Background())
		require.NoError(t, err)
		require.Equal(t, ints(n), got)
	}
}

func TestEndlessIntervalTicks(t *testing.T) {
	start := time.Now()
	ticks, err := poll.BlockOn(stream.Collect(stream.Take(stream.Endless(poll.Interval(2*time.Millisecond)), 3)))
	require.NoError(t, err)
	require.Len(t, ticks, 3)
	for i := 1; i < len(ticks); i++ {
		gap := ticks[i].Sub(ticks[i-1])
		assert.Positive(t, gap)
		assert.Zero(t, gap%(2*time.Millisecond), "scheduled times on the period's grid (TickBurst keeps it even for a late consumer)")
	}
	assert.False(t, ticks[0].Before(start))
}
