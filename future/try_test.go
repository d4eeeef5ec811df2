package future_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

var (
	errA = errors.New("a failed")
	errB = errors.New("b failed")
)

func TestTryJoin(t *testing.T) {
	tests := []struct {
		name    string
		results []future.Result[int] // child i completes with results[i], in index order
		want    future.Result[[]int]
		polled  int // children polled in all, each once: early exit stops the rest
	}{
		{"none", nil, future.Ok([]int{}), 0},
		{"all ok", []future.Result[int]{future.Ok(1), future.Ok(2), future.Ok(3)}, future.Ok([]int{1, 2, 3}), 3},
		{"middle fails", []future.Result[int]{future.Ok(1), future.Err[int](errA), future.Ok(3)}, future.Err[[]int](errA), 2},
		{"first failure wins", []future.Result[int]{future.Err[int](errB), future.Err[int](errA)}, future.Err[[]int](errB), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := make([]*futuretest.Gate[future.Result[int]], len(tc.results))
			fs := make([]future.Future[future.Result[int]], len(tc.results))
			for i, r := range tc.results {
				ps[i] = futuretest.ReadyGate(r)
				fs[i] = ps[i]
			}
			cx, _ := futuretest.NewContext()
			got := drive(t, future.TryJoin(fs...), cx, 1)
			if tc.want.Err != nil {
				assert.ErrorIs(t, got.Err, tc.want.Err)
				assert.Nil(t, got.Value)
			} else {
				require.NoError(t, got.Err)
				assert.Equal(t, tc.want.Value, got.Value)
			}
			polled := 0
			for _, p := range ps {
				polled += p.Polls()
			}
			assert.Equal(t, tc.polled, polled)
		})
	}
}

func TestTryJoinFailureAbandonsPendingChildren(t *testing.T) {
	ps, fs := futuretest.Gates[future.Result[int]](3)
	f := future.TryJoin(fs...)
	cx, parent := futuretest.NewContext()
	require.True(t, f.Poll(cx).IsPending())
	ps[2].Open(future.Err[int](errA))
	r := drive(t, f, cx, 1)
	assert.ErrorIs(t, r.Err, errA)
	parent.Reset()
	ps[0].Open(future.Ok(1))
	assert.Zero(t, parent.Count())
	assert.Equal(t, 1, ps[0].Polls())
	assert.Equal(t, 1, ps[1].Polls())
}

func TestTryRace(t *testing.T) {
	t.Run("first to finish succeeds", func(t *testing.T) {
		ps, fs := futuretest.Gates[future.Result[string]](3)
		f := future.TryRace(fs...)
		cx, _ := futuretest.NewContext()
		f.Poll(cx)
		ps[2].Open(future.Ok("two"))
		ps[0].Open(future.Err[string](errA))
		r := drive(t, f, cx, 1)
		require.NoError(t, r.Err)
		assert.Equal(t, future.Raced[string]{Index: 2, Value: "two"}, r.Value)
	})
	t.Run("first to finish fails: the race ends with its error", func(t *testing.T) {
		ps, fs := futuretest.Gates[future.Result[string]](3)
		f := future.TryRace(fs...)
		cx, _ := futuretest.NewContext()
		f.Poll(cx)
		ps[1].Open(future.Err[string](errB))
		ps[0].Open(future.Ok("late"))
		r := drive(t, f, cx, 1)
		assert.ErrorIs(t, r.Err, errB)
		assert.Equal(t, 1, ps[0].Polls(), "the later child is never polled again")
	})
}

func TestFirstOk(t *testing.T) {
	t.Run("errors knock out only their child", func(t *testing.T) {
		ps, fs := futuretest.Gates[future.Result[int]](3)
		f := future.FirstOk(fs...)
		cx, _ := futuretest.NewContext()
		f.Poll(cx)
		ps[0].Open(future.Err[int](errA))
		require.True(t, f.Poll(cx).IsPending())
		ps[2].Open(future.Ok(9))
		r := drive(t, f, cx, 1)
		require.NoError(t, r.Err)
		assert.Equal(t, future.Raced[int]{Index: 2, Value: 9}, r.Value)
		assert.Equal(t, 1, ps[1].Polls())
	})
	t.Run("all fail: every error, in argument order", func(t *testing.T) {
		ps, fs := futuretest.Gates[future.Result[int]](2)
		f := future.FirstOk(fs...)
		cx, _ := futuretest.NewContext()
		f.Poll(cx)
		ps[1].Open(future.Err[int](errB))
		ps[0].Open(future.Err[int](errA))
		r := drive(t, f, cx, 2)
		assert.ErrorIs(t, r.Err, errA)
		assert.ErrorIs(t, r.Err, errB)
		assert.Equal(t, "a failed\nb failed", r.Err.Error())
	})
}

func TestResultCombinators(t *testing.T) {
	ok := func() future.Future[future.Result[int]] { return future.Done(future.Ok(4)) }
	bad := func() future.Future[future.Result[int]] { return future.Done(future.Err[int](errA)) }
	calls := 0
	double := func(v int) int { calls++; return v * 2 }
	tests := []struct {
		name      string
		f         future.Future[future.Result[string]]
		want      string
		wantErr   error
		wantCalls int
	}{
		{"MapOk ok", future.MapOk(ok(), func(v int) string { return fmt.Sprint(double(v)) }), "8", nil, 1},
		{"MapOk err skips fn", future.MapOk(bad(), func(v int) string { return fmt.Sprint(double(v)) }), "", errA, 0},
		{"TryMap ok", future.TryMap(ok(), func(v int) (string, error) { return fmt.Sprint(double(v)), nil }), "8", nil, 1},
		{"TryMap fn fails", future.TryMap(ok(), func(v int) (string, error) { double(v); return "", errB }), "", errB, 1},
		{"TryMap err skips fn", future.TryMap(bad(), func(v int) (string, error) { return fmt.Sprint(double(v)), nil }), "", errA, 0},
		{"AndThen ok", future.AndThen(ok(), func(v int) future.Future[future.Result[string]] {
			return future.Done(future.Ok(fmt.Sprint(double(v))))
		}), "8", nil, 1},
		{"AndThen second fails", future.AndThen(ok(), func(v int) future.Future[future.Result[string]] {
			double(v)
			return future.Done(future.Err[string](errB))
		}), "", errB, 1},
		{"AndThen err skips fn", future.AndThen(bad(), func(v int) future.Future[future.Result[string]] {
			return future.Done(future.Ok(fmt.Sprint(double(v))))
		}), "", errA, 0},
		{"MapErr wraps", future.MapOk(future.MapErr(bad(), func(err error) error { calls++; return fmt.Errorf("ctx: %w", err) }),
			func(int) string { return "" }), "", errA, 1},
		{"MapErr leaves ok alone", future.MapOk(future.MapErr(ok(), func(err error) error { calls++; return err }),
			func(v int) string { return fmt.Sprint(v) }), "4", nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls = 0
			v, err := future.BlockOn(tc.f).Get()
			assert.Equal(t, tc.wantCalls, calls)
			if tc.wantErr != nil {
				assert.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, v)
		})
	}
}

func TestMapErrAddsContext(t *testing.T) {
	f := future.MapErr(future.Done(future.Err[int](errA)), func(err error) error { return fmt.Errorf("loading: %w", err) })
	_, err := future.BlockOn(f).Get()
	assert.EqualError(t, err, "loading: a failed")
	assert.ErrorIs(t, err, errA)
}
