package pooltest_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// These tests run the combinators of package future over many schedules:
// children that finish in every order, spurious polls of the parent, wakes
// delivered late, and a fresh waker per poll.

func TestJoinKeepsOrderAndLosesNoChild(t *testing.T) { pooltest.RunSeeds(t, seeds, joinBody) }

func joinBody(s *pooltest.Sched) {
	n := 1 + s.Rand().IntN(6)
	fs := make([]future.Future[int], n)
	for i := range fs {
		// Half the children are other tasks, half run inside the Join.
		f := yields(s.Rand().IntN(5), i*i, nil)
		if s.Rand().IntN(2) == 0 {
			f = pooltest.Spawn(s, f)
		}
		fs[i] = f
	}
	got := pooltest.BlockOn(s, future.Join(fs...))
	for i, v := range got {
		require.Equal(s, i*i, v)
	}
}

func TestRaceWinnerIsAFinishedChild(t *testing.T) {
	pooltest.RunSeeds(t, seeds, func(s *pooltest.Sched) {
		n := 1 + s.Rand().IntN(5)
		gates := make([]*gate, n)
		fs := make([]future.Future[int], n)
		for i := range gates {
			gates[i] = &gate{}
			fs[i] = future.Map[struct{}](gates[i], func(struct{}) int { return 100 + i })
		}
		// An opener task opens the gates in a random order.
		order := s.Rand().Perm(n)
		opened := 0
		pooltest.Spawn(s, yields(n, 0, func(i int) { gates[order[i]].Open(struct{}{}); opened++ }))
		won := pooltest.BlockOn(s, future.Race(fs...))
		require.True(s, gates[won.Index].Opened(), "winner %d was never opened", won.Index)
		require.Equal(s, 100+won.Index, won.Value)
		s.Wait()
		require.Equal(s, n, opened)
	})
}

func TestSelectTakesTheFirstReady(t *testing.T) {
	pooltest.RunSeeds(t, seeds, func(s *pooltest.Sched) {
		a := pooltest.Spawn(s, yields(s.Rand().IntN(4), "a", nil))
		b := pooltest.Spawn(s, yields(s.Rand().IntN(4), 2, nil))
		got := pooltest.BlockOn(s, future.Select[string, int](a, b))
		switch got.Index {
		case 0:
			require.Equal(s, "a", got.First)
			require.True(s, a.Done())
		case 1:
			require.Equal(s, 2, got.Second)
			require.True(s, b.Done())
		default:
			s.Fatalf("Select index %d", got.Index)
		}
	})
}

func TestTryJoinFailsWithTheErrorOrJoinsAll(t *testing.T) {
	errBad := errors.New("bad")
	pooltest.RunSeeds(t, seeds, func(s *pooltest.Sched) {
		n := 2 + s.Rand().IntN(4)
		bad := s.Rand().IntN(n + 1) // n: nobody fails
		hs := make([]*pooltest.Handle[future.Result[int]], n)
		fs := make([]future.Future[future.Result[int]], n)
		for i := range fs {
			hs[i] = goTask(s, func(a *async.Awaiter) future.Result[int] {
				yieldN(s, a, 4)
				if i == bad {
					return future.Err[int](errBad)
				}
				return future.Ok(i)
			})
			fs[i] = hs[i]
		}
		vs, err := pooltest.BlockOn(s, future.TryJoin(fs...)).Get()
		if bad == n {
			require.NoError(s, err)
			for i, v := range vs {
				require.Equal(s, i, v)
			}
			return
		}
		require.ErrorIs(s, err, errBad)
		// TryJoin returns at the failure, before children that are
		// still running have finished.
		require.True(s, hs[bad].Done())
	})
}
