package future_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// cancelCounts returns how many times each of cs was cancelled.
func cancelCounts[T any](cs []*futuretest.CancelGate[T]) []int {
	out := make([]int, len(cs))
	for i, c := range cs {
		out[i] = c.Cancels()
	}
	return out
}

// When a race is decided or a TryJoin fails, the children still running are
// cancelled exactly once; the winner and the children that completed are
// not.
func TestCombinatorsCancelTheChildrenTheyDrop(t *testing.T) {
	t.Run("Race", func(t *testing.T) {
		cs, fs := futuretest.CancelGates[int](4)
		f := future.Race(fs...)
		cx, _ := futuretest.NewContext()
		f.Poll(cx)
		cs[2].Open(2)
		drive(t, f, cx, 1)
		assert.Equal(t, []int{1, 1, 0, 1}, cancelCounts(cs))
	})
	t.Run("Race decided in the first poll", func(t *testing.T) {
		cs, fs := futuretest.CancelGates[int](3)
		cs[0].OpenWithoutWake(1)
		drive(t, future.Race(fs...), future.NewContext(nil), 1)
		assert.Equal(t, []int{0, 1, 1}, cancelCounts(cs), "children not polled yet are cancelled too")
	})
	t.Run("TryJoin", func(t *testing.T) {
		cs, fs := futuretest.CancelGates[future.Result[int]](4)
		f := future.TryJoin(fs...)
		cx, _ := futuretest.NewContext()
		f.Poll(cx)
		cs[0].Open(future.Ok(0))
		cs[3].Open(future.Err[int](errA))
		r := drive(t, f, cx, 1)
		assert.ErrorIs(t, r.Err, errA)
		assert.Equal(t, []int{0, 1, 1, 0}, cancelCounts(cs))
	})
	t.Run("TryRace", func(t *testing.T) {
		cs, fs := futuretest.CancelGates[future.Result[int]](3)
		f := future.TryRace(fs...)
		cx, _ := futuretest.NewContext()
		f.Poll(cx)
		cs[1].Open(future.Err[int](errA))
		drive(t, f, cx, 1)
		assert.Equal(t, []int{1, 0, 1}, cancelCounts(cs))
	})
	t.Run("FirstOk", func(t *testing.T) {
		cs, fs := futuretest.CancelGates[future.Result[int]](3)
		f := future.FirstOk(fs...)
		cx, _ := futuretest.NewContext()
		f.Poll(cx)
		cs[0].Open(future.Err[int](errA))
		f.Poll(cx)
		cs[2].Open(future.Ok(2))
		drive(t, f, cx, 1)
		assert.Equal(t, []int{0, 1, 0}, cancelCounts(cs))
	})
	t.Run("Select", func(t *testing.T) {
		a := &futuretest.CancelGate[int]{}
		b := &futuretest.CancelGate[string]{}
		f := future.Select[int, string](a, b)
		cx, _ := futuretest.NewContext()
		f.Poll(cx)
		b.Open("b")
		drive(t, f, cx, 1)
		assert.Equal(t, 1, a.Cancels())
		assert.Zero(t, b.Cancels())
	})
	t.Run("Join cancels nothing when it completes", func(t *testing.T) {
		cs, fs := futuretest.CancelGates[int](3)
		f := future.Join(fs...)
		cx, _ := futuretest.NewContext()
		f.Poll(cx)
		for i, c := range cs {
			c.Open(i)
		}
		drive(t, f, cx, 1)
		assert.Equal(t, []int{0, 0, 0}, cancelCounts(cs))
	})
}

// Cancel of a combinator reaches the leaves still running, through any
// nesting, once; after it, a poll is a misuse.
func TestCancelPropagatesThroughCombinators(t *testing.T) {
	type tree struct {
		f      future.Future[int]
		leaves []*futuretest.CancelGate[int]
		done   []int // leaves completed before Cancel: they must not be cancelled
	}
	sum := func(vs []int) int {
		s := 0
		for _, v := range vs {
			s += v
		}
		return s
	}
	tests := []struct {
		name     string
		build    func() tree
		typeName string
	}{
		{"Map", func() tree {
			l := &futuretest.CancelGate[int]{}
			return tree{f: future.Map[int](l, func(v int) int { return v }), leaves: []*futuretest.CancelGate[int]{l}}
		}, "mapFuture"},
		{"Then first stage", func() tree {
			l := &futuretest.CancelGate[int]{}
			return tree{f: future.Then[int](l, future.Done[int]), leaves: []*futuretest.CancelGate[int]{l}}
		}, "thenFuture"},
		{"Then second stage", func() tree {
			first := futuretest.ReadyGate(1)
			l := &futuretest.CancelGate[int]{}
			return tree{f: future.Then[int](first, func(int) future.Future[int] { return l }), leaves: []*futuretest.CancelGate[int]{l}}
		}, "thenFuture"},
		{"Join with one child done", func() tree {
			cs, fs := futuretest.CancelGates[int](3)
			cs[1].OpenWithoutWake(1)
			return tree{f: future.Map(future.Join(fs...), sum), leaves: cs, done: []int{1}}
		}, "mapFuture"},
		{"Join2", func() tree {
			a, b := &futuretest.CancelGate[int]{}, &futuretest.CancelGate[int]{}
			return tree{f: future.Map(future.Join2[int, int](a, b), func(p future.Pair[int, int]) int { return 0 }),
				leaves: []*futuretest.CancelGate[int]{a, b}}
		}, "mapFuture"},
		{"Join3", func() tree {
			a, b, c := &futuretest.CancelGate[int]{}, &futuretest.CancelGate[int]{}, &futuretest.CancelGate[int]{}
			return tree{f: future.Map(future.Join3[int, int, int](a, b, c), func(future.Triple[int, int, int]) int { return 0 }),
				leaves: []*futuretest.CancelGate[int]{a, b, c}}
		}, "mapFuture"},
		{"Race of Joins", func() tree {
			cs, fs := futuretest.CancelGates[int](4)
			f := future.Map(future.Race(future.Join(fs[:2]...), future.Join(fs[2:]...)),
				func(r future.Raced[[]int]) int { return 0 })
			return tree{f: f, leaves: cs}
		}, "mapFuture"},
		{"Select", func() tree {
			a, b := &futuretest.CancelGate[int]{}, &futuretest.CancelGate[int]{}
			return tree{f: future.Map(future.Select[int, int](a, b), func(future.Either[int, int]) int { return 0 }),
				leaves: []*futuretest.CancelGate[int]{a, b}}
		}, "mapFuture"},
		{"Fuse", func() tree {
			l := &futuretest.CancelGate[int]{}
			return tree{f: future.Fuse[int](l), leaves: []*futuretest.CancelGate[int]{l}}
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := tc.build()
			cx, _ := futuretest.NewContext()
			require.True(t, tr.f.Poll(cx).IsPending())
			future.Cancel(tr.f)
			future.Cancel(tr.f) // a second Cancel does nothing
			for i, l := range tr.leaves {
				want := 1
				for _, d := range tr.done {
					if d == i {
						want = 0
					}
				}
				assert.Equal(t, want, l.Cancels(), "leaf %d", i)
			}
			if tc.typeName != "" {
				requireMisuse(t, future.ErrPolledAfterCancel, tc.typeName, func() { tr.f.Poll(cx) })
			}
		})
	}
}

func TestCancelOfFallibleCombinators(t *testing.T) {
	type results = []future.Future[future.Result[int]]
	tests := []struct {
		name  string
		build func(fs results) (pollable, any)
		want  []int
	}{
		{"TryJoin", func(fs results) (pollable, any) { f := future.TryJoin(fs...); return w(f), f }, []int{1, 1}},
		{"TryRace", func(fs results) (pollable, any) { f := future.TryRace(fs...); return w(f), f }, []int{1, 1}},
		{"FirstOk", func(fs results) (pollable, any) { f := future.FirstOk(fs...); return w(f), f }, []int{1, 1}},
		{"AndThen", func(fs results) (pollable, any) {
			f := future.AndThen(fs[0], func(int) future.Future[future.Result[int]] { return fs[1] })
			return w(f), f
		}, []int{1, 0}}, // the second stage has not started
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs, fs := futuretest.CancelGates[future.Result[int]](2)
			p, f := tc.build(fs)
			cx, _ := futuretest.NewContext()
			require.False(t, p.IsReadyOnce(cx))
			future.Cancel(f)
			assert.Equal(t, tc.want, cancelCounts(cs))
			requireMisuse(t, future.ErrPolledAfterCancel, "Future", func() { p.IsReadyOnce(cx) })
		})
	}
}

func TestCancelAfterReadyDoesNothing(t *testing.T) {
	cs, fs := futuretest.CancelGates[int](2)
	cs[0].OpenWithoutWake(1)
	cs[1].OpenWithoutWake(2)
	f := future.Join(fs...)
	drive(t, f, future.NewContext(nil), 1)
	future.Cancel(f)
	assert.Equal(t, []int{0, 0}, cancelCounts(cs))
}

func TestCancelOfFutureWithoutCancelIsANoop(t *testing.T) {
	assert.NotPanics(t, func() { future.Cancel(future.Done(1)) })
	assert.NotPanics(t, func() { future.Cancel(nil) })
}

func TestCanceledChildWakesDoNothing(t *testing.T) {
	cs, fs := futuretest.CancelGates[int](2)
	f := future.Join(fs...)
	cx, parent := futuretest.NewContext()
	f.Poll(cx)
	future.Cancel(f)
	parent.Reset()
	cs[0].WakeLatest()
	cs[1].Open(1)
	assert.Zero(t, parent.Count())
}
