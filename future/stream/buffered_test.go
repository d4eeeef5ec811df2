package stream_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/stream"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// gates returns k gates and a stream of them as futures.
func gates(k int) ([]*futuretest.Gate[int], stream.Stream[future.Future[int]]) {
	gs, fs := futuretest.Gates[int](k)
	return gs, stream.FromSlice(fs)
}

// started returns how many of gs have been polled at least once.
func started(gs []*futuretest.Gate[int]) int {
	n := 0
	for _, g := range gs {
		if g.Polls() > 0 {
			n++
		}
	}
	return n
}

func TestBufferedKeepsOrderAndRunsAtMostN(t *testing.T) {
	gs, src := gates(5)
	s := stream.Buffered(src, 2)
	cx, w := futuretest.NewContext()
	vs, ended := drain(cx, s)
	require.Empty(t, vs)
	require.False(t, ended)
	assert.Equal(t, 2, started(gs), "only n futures run at once")

	gs[1].Open(11)
	assert.Equal(t, 1, w.Count(), "a child's wake reaches the stream's waker")
	vs, _ = drain(cx, s)
	assert.Empty(t, vs, "11 waits for the earlier future")
	assert.Equal(t, 2, started(gs), "the window holds 11 while gs[0] runs")

	polls0 := gs[0].Polls()
	gs[0].Open(10)
	vs, _ = drain(cx, s)
	assert.Equal(t, []int{10, 11}, vs)
	assert.Equal(t, polls0+1, gs[0].Polls())
	assert.Equal(t, 2, gs[1].Polls(), "gs[1] was polled once to start and once when woken")
	assert.Equal(t, 4, started(gs), "two freed places, two new futures")

	gs[3].Open(13)
	polls2 := gs[2].Polls()
	vs, _ = drain(cx, s)
	assert.Empty(t, vs)
	assert.Equal(t, polls2, gs[2].Polls(), "a wake polls only the future it concerns")

	gs[2].Open(12)
	gs[4].Open(14)
	vs, ended = drain(cx, s)
	assert.Equal(t, []int{12, 13, 14}, vs)
	assert.True(t, ended)
}

func TestBufferUnorderedYieldsInCompletionOrder(t *testing.T) {
	gs, src := gates(4)
	s := stream.BufferUnordered(src, 3)
	cx, _ := futuretest.NewContext()
	drain(cx, s)
	assert.Equal(t, 3, started(gs))
	gs[2].Open(2)
	vs, _ := drain(cx, s)
	assert.Equal(t, []int{2}, vs)
	assert.Equal(t, 4, started(gs), "the freed place is filled")
	gs[3].Open(3)
	gs[0].Open(0)
	vs, _ = drain(cx, s)
	assert.ElementsMatch(t, []int{0, 3}, vs)
	gs[1].Open(1)
	vs, ended := drain(cx, s)
	assert.Equal(t, []int{1}, vs)
	assert.True(t, ended)
}

func TestBufferedDoesNotPollTheSourceWhenFull(t *testing.T) {
	src := &pushStream[future.Future[int]]{}
	g := &futuretest.Gate[int]{}
	src.push(g, future.Done(2))
	s := stream.Buffered[int](src, 1)
	cx, _ := futuretest.NewContext()
	drain(cx, s)
	assert.Equal(t, 1, src.polls, "one future taken, then the window is full")
	g.Open(1)
	vs, _ := drain(cx, s)
	assert.Equal(t, []int{1, 2}, vs)
}

func TestCloseCancelsRunningFutures(t *testing.T) {
	for name, mk := range map[string]func(stream.Stream[future.Future[int]]) stream.Stream[int]{
		"Buffered":        func(s stream.Stream[future.Future[int]]) stream.Stream[int] { return stream.Buffered(s, 4) },
		"BufferUnordered": func(s stream.Stream[future.Future[int]]) stream.Stream[int] { return stream.BufferUnordered(s, 4) },
	} {
		t.Run(name, func(t *testing.T) {
			a, b := &futuretest.CancelGate[int]{}, &futuretest.CancelGate[int]{}
			s := mk(stream.FromSlice([]future.Future[int]{a, b}))
			cx, _ := futuretest.NewContext()
			a.Open(1)
			drain(cx, s)
			require.NoError(t, stream.Close(s))
			assert.Zero(t, a.Cancels(), "a completed future is not cancelled")
			assert.Equal(t, 1, b.Cancels(), "a running future is")
		})
	}
}

func TestChildWakeInsidePollIsNotLost(t *testing.T) {
	// A child that yields (wakes itself and returns Pending) must be polled
	// again: the stream is woken and re-polls exactly that child.
	s := stream.BufferUnordered(stream.FromSlice([]future.Future[struct{}]{future.YieldNow(), future.YieldNow()}), 2)
	got := future.BlockOn(stream.Collect(s))
	assert.Len(t, got, 2)
}
