package stream_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/stream"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// Collect and ForEach own the stream they drain: cancelling them closes
// it, so a Buffered stream's running futures are cancelled and what they
// hold is given back (a stream Next borrows is left open: see below).
func TestConsumersCloseTheirStreamOnCancel(t *testing.T) {
	consumers := map[string]func(stream.Stream[int]) future.Future[struct{}]{
		"Collect": func(s stream.Stream[int]) future.Future[struct{}] {
			return future.Map(stream.Collect(s), func([]int) struct{} { return struct{}{} })
		},
		"ForEach": func(s stream.Stream[int]) future.Future[struct{}] {
			return stream.ForEach(s, func(int) {})
		},
	}
	for name, consume := range consumers {
		t.Run(name, func(t *testing.T) {
			gs, fs := futuretest.CancelGates[int](5)
			f := consume(stream.Buffered(stream.FromSlice(fs), 3))
			cx, _ := futuretest.NewContext()
			require.False(t, f.Poll(cx).IsReady())
			future.Cancel(f)
			got := make([]int, len(gs))
			for i, g := range gs {
				got[i] = g.Cancels()
			}
			require.Equal(t, []int{1, 1, 1, 0, 0}, got, "the 3 running futures are cancelled, the 2 not started are not")
		})
	}
	t.Run("Next", func(t *testing.T) {
		gs, fs := futuretest.CancelGates[int](2)
		s := stream.Buffered(stream.FromSlice(fs), 2)
		f := stream.Next(s)
		cx, _ := futuretest.NewContext()
		require.False(t, f.Poll(cx).IsReady())
		future.Cancel(f)
		require.Zero(t, gs[0].Cancels()+gs[1].Cancels(), "Next borrows the stream: it must stay usable")
		gs[0].Open(4)
		it, ok := stream.Next(s).Poll(cx).Value()
		require.True(t, ok)
		require.Equal(t, 4, it.Value)
	})
}

// A cancelled consumer refuses to be polled, precisely.
func TestConsumerPolledAfterCancelPanics(t *testing.T) {
	cx, _ := futuretest.NewContext()
	c := stream.Collect(stream.FromSlice([]int{1}))
	future.Cancel(c)
	futuretest.RequireMisuse(t, future.ErrPolledAfterCancel, func() { c.Poll(cx) })
	e := stream.ForEach(stream.FromSlice([]int{1}), func(int) {})
	future.Cancel(e)
	future.Cancel(e)
	futuretest.RequireMisuse(t, future.ErrPolledAfterCancel, func() { e.Poll(cx) })
}
