package future_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

func TestRace(t *testing.T) {
	tests := []struct {
		name      string
		readyAtT0 []int // children Ready from their first poll
		laterWake []int // then completed, in this order, before the second poll
		want      int
	}{
		{"single ready child", []int{2}, nil, 2},
		{"tie on the first poll: lowest index", []int{3, 1}, nil, 1},
		{"later: the first woken wins", nil, []int{4, 0, 2}, 4},
		{"later: order of wakes, not of indexes", nil, []int{1, 3}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps, fs := futuretest.Gates[int](5)
			for _, i := range tc.readyAtT0 {
				ps[i].OpenWithoutWake(i * 100)
			}
			f := future.Race(fs...)
			cx, parent := futuretest.NewContext()
			r := f.Poll(cx)
			if len(tc.readyAtT0) == 0 {
				require.True(t, r.IsPending())
				for _, i := range tc.laterWake {
					ps[i].Open(i * 100)
				}
				r = f.Poll(cx)
			}
			v, ok := r.Value()
			require.True(t, ok)
			assert.Equal(t, future.Raced[int]{Index: tc.want, Value: tc.want * 100}, v)

			// The losers are never polled again and their wakes are ignored.
			counts := make([]int, len(ps))
			for i, p := range ps {
				counts[i] = p.Polls()
			}
			parent.Reset()
			for _, p := range ps {
				p.Open(-1)
			}
			assert.Zero(t, parent.Count(), "wakes after completion do nothing")
			for i, p := range ps {
				assert.Equal(t, counts[i], p.Polls())
			}
		})
	}
}

func TestRaceStopsPollingInTheMiddleOfABatch(t *testing.T) {
	ps, fs := futuretest.Gates[int](4)
	ps[1].OpenWithoutWake(1)
	f := future.Race(fs...)
	cx, _ := futuretest.NewContext()
	v := drive(t, f, cx, 1)
	assert.Equal(t, 1, v.Index)
	assert.Equal(t, []int{1, 1, 0, 0}, []int{ps[0].Polls(), ps[1].Polls(), ps[2].Polls(), ps[3].Polls()},
		"children after the winner in the same poll are never polled")
}

func TestRaceRepollsOnlyWokenChildren(t *testing.T) {
	const n = 500
	ps, fs := futuretest.Gates[int](n)
	f := future.Race(fs...)
	cx, _ := futuretest.NewContext()
	require.True(t, f.Poll(cx).IsPending())
	for i := range n - 1 {
		ps[i].WakeLatest() // spurious wakes, one child at a time
		require.True(t, f.Poll(cx).IsPending())
	}
	ps[n-1].Open(7)
	v := drive(t, f, cx, 1)
	assert.Equal(t, future.Raced[int]{Index: n - 1, Value: 7}, v)
	for i, p := range ps {
		require.Equal(t, 2, p.Polls(), "child %d", i)
	}
}

func TestRaceWithNeverAndYield(t *testing.T) {
	v := future.BlockOn(future.Race(future.Never[string](),
		future.Map(future.YieldNow(), func(struct{}) string { return "yielded" })))
	assert.Equal(t, future.Raced[string]{Index: 1, Value: "yielded"}, v)
}

func TestRaceFromOtherGoroutines(t *testing.T) {
	const n = 64
	ps, fs := futuretest.Gates[int](n)
	f := future.Race(fs...)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, p := range ps {
		wg.Go(func() { <-start; p.Open(i) })
	}
	v := future.BlockOn(closeAfterFirstPoll(f, start))
	wg.Wait()
	assert.Equal(t, v.Index, v.Value, "the winner's value comes from the winner")
}

func TestSelect(t *testing.T) {
	t.Run("first wins on a tie", func(t *testing.T) {
		cx, _ := futuretest.NewContext()
		v := drive(t, future.Select(future.Done(1), future.Done("b")), cx, 1)
		assert.Equal(t, future.Either[int, string]{Index: 0, First: 1}, v)
	})
	t.Run("second wins; the first is dropped", func(t *testing.T) {
		a := &futuretest.Gate[int]{}
		b := &futuretest.Gate[string]{}
		f := future.Select[int, string](a, b)
		cx, parent := futuretest.NewContext()
		require.True(t, f.Poll(cx).IsPending())
		b.Open("b")
		v := drive(t, f, cx, 1)
		assert.Equal(t, future.Either[int, string]{Index: 1, Second: "b"}, v)
		assert.Equal(t, 1, a.Polls(), "a was not woken, so not polled")
		parent.Reset()
		a.Open(1)
		assert.Zero(t, parent.Count())
	})
	t.Run("the first woken wins", func(t *testing.T) {
		a := &futuretest.Gate[int]{}
		b := &futuretest.Gate[string]{}
		f := future.Select[int, string](a, b)
		cx, _ := futuretest.NewContext()
		f.Poll(cx)
		b.Open("b")
		a.Open(1)
		v := drive(t, f, cx, 1)
		assert.Equal(t, 1, v.Index)
		assert.Equal(t, 1, a.Polls())
	})
}
