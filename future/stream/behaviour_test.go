package stream_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/stream"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

func TestLeafStreamsSpendTheBudget(t *testing.T) {
	cx, w := futuretest.NewContext()
	var b future.Budget
	cx.SetBudget(&b)
	b.Reset(3)
	f := stream.Collect(stream.Map(stream.FromSlice(ints(5)), double))
	require.True(t, f.Poll(cx).IsPending(), "a spent budget stops the drain")
	assert.Equal(t, 1, w.Count(), "and wakes the task so it is polled again")
	b.Reset(3)
	v, ok := f.Poll(cx).Value()
	require.True(t, ok)
	assert.Equal(t, []int{0, 2, 4, 6, 8}, v, "no value lost across the yield")
}

func TestFilterLoopIsBoundedByTheBudget(t *testing.T) {
	cx, w := futuretest.NewContext()
	var b future.Budget
	cx.SetBudget(&b)
	b.Reset(10)
	s := stream.Filter(stream.FromSlice(ints(1000)), func(v int) bool { return v == 999 })
	require.True(t, s.PollNext(cx).IsPending(), "rejecting values consumes budget too")
	assert.Equal(t, 1, w.Count())
}

func TestTakeClosesItsSourceOnceWhenDone(t *testing.T) {
	src := &pushStream[int]{}
	s := stream.Take[int](src, 2)
	cx, _ := futuretest.NewContext()
	src.push(1, 2, 3)
	vs, ended := drain(cx, s)
	assert.Equal(t, []int{1, 2}, vs)
	assert.True(t, ended)
	assert.Equal(t, 1, src.closeCount(), "closed as soon as the last value was taken")
	assert.Equal(t, 2, src.polls, "the source is not polled for the End Take can know alone")
	stream.Close(s)
	assert.Equal(t, 1, src.closeCount(), "Close after release does nothing")
}

func TestTakeZeroNeverPollsTheSource(t *testing.T) {
	src := &pushStream[int]{}
	cx, _ := futuretest.NewContext()
	_, ended := drain(cx, stream.Take[int](src, 0))
	assert.True(t, ended)
	assert.Zero(t, src.polls)
	assert.Equal(t, 1, src.closeCount())
}

func TestTakeDoesNotCloseASourceThatEnded(t *testing.T) {
	src := &pushStream[int]{}
	src.push(1)
	src.end()
	cx, _ := futuretest.NewContext()
	vs, ended := drain(cx, stream.Take[int](src, 5))
	assert.Equal(t, []int{1}, vs)
	assert.True(t, ended)
	assert.Zero(t, src.closeCount())
}

func TestCombinatorsForwardClose(t *testing.T) {
	for name, wrap := range map[string]func(stream.Stream[int]) any{
		"Map":    func(s stream.Stream[int]) any { return stream.Map(s, double) },
		"Filter": func(s stream.Stream[int]) any { return stream.Filter(s, isEven) },
		"Take":   func(s stream.Stream[int]) any { return stream.Take(s, 3) },
		"Fuse":   func(s stream.Stream[int]) any { return stream.Fuse(s) },
		"Merge":  func(s stream.Stream[int]) any { return stream.Merge(s, stream.Empty[int]()) },
		"Buffered": func(s stream.Stream[int]) any {
			return stream.Buffered(stream.Map(s, future.Done[int]), 2)
		},
		"BufferUnordered": func(s stream.Stream[int]) any {
			return stream.BufferUnordered(stream.Map(s, future.Done[int]), 2)
		},
	} {
		t.Run(name, func(t *testing.T) {
			src := &pushStream[int]{}
			s := wrap(src)
			require.NoError(t, stream.Close(s))
			assert.Equal(t, 1, src.closeCount())
		})
	}
}

func TestMergeWakesOnAnySourceAndEndsWhenAllEnd(t *testing.T) {
	a, b := &pushStream[int]{}, &pushStream[int]{}
	s := stream.Merge[int](a, b)
	cx, w := futuretest.NewContext()
	vs, ended := drain(cx, s)
	require.Empty(t, vs)
	require.False(t, ended)
	done := make(chan struct{})
	go func() { b.push(7); close(done) }() // a wake from another goroutine
	<-done
	assert.Equal(t, 1, w.Count(), "b's wake reaches the merged stream's waker")
	vs, _ = drain(cx, s)
	assert.Equal(t, []int{7}, vs)
	a.end()
	vs, ended = drain(cx, s)
	assert.Empty(t, vs)
	assert.False(t, ended, "b is still live")
	b.push(8)
	b.end()
	vs, ended = drain(cx, s)
	assert.Equal(t, []int{8}, vs)
	assert.True(t, ended)
}

func TestMergeDoesNotStarveASource(t *testing.T) {
	always := stream.Map(stream.FromSlice(make([]int, 1000)), func(int) int { return 1 })
	other := stream.Map(stream.FromSlice(make([]int, 1000)), func(int) int { return 2 })
	got := future.BlockOn(stream.Collect(stream.Take(stream.Merge(always, other), 10)))
	count := map[int]int{}
	for _, v := range got {
		count[v]++
	}
	assert.Equal(t, map[int]int{1: 5, 2: 5}, count)
}
