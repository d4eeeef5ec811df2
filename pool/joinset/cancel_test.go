package joinset_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/joinset"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// SpawnOk wraps the task's future: an abort must still reach it, so that
// what it holds is released.
func TestSpawnOkAbortCancelsTheFuture(t *testing.T) {
	p := newPool(t)
	s := joinset.New[int](p)
	released := make(chan struct{})
	s.SpawnOk(future.Finally(future.Never[int](), func() { close(released) }))
	s.AbortAll()
	r, err := pool.BlockOn(p, s.Next())
	require.NoError(t, err)
	require.ErrorIs(t, r.Err, pool.ErrAborted)
	select {
	case <-released:
	default:
		t.Fatal("the aborted SpawnOk task's future was not cancelled")
	}
}

// JoinAll promises that no task outlives it: cancelled (it lost a race, its
// own task was aborted), it aborts the set's tasks. Under pooltest, a
// JoinAll that did not would leave the tasks pending: a deadlock report.
func TestJoinAllCancelAbortsTheTasks(t *testing.T) {
	pooltest.RunSeeds(t, 100, func(sched *pooltest.Sched) {
		s := joinset.NewOn[int](sched, pooltest.SpawnJoin)
		released := 0
		for range 3 {
			s.Spawn(future.Finally(future.Never[future.Result[int]](), func() { released++ }))
		}
		raced := pooltest.BlockOn(sched, future.Select(s.JoinAll(), future.Done(0)))
		require.Equal(sched, 1, raced.Index, "the Done side wins")
		for range 3 {
			r := pooltest.BlockOn(sched, s.Next())
			require.ErrorIs(sched, r.Err, pool.ErrAborted)
		}
		require.Equal(sched, 3, released)
	})
}

// Next holds nothing: a Next dropped while pending (here, one that lost a
// Select) loses no result.
func TestCancelledNextLosesNoResult(t *testing.T) {
	pooltest.RunSeeds(t, 100, func(sched *pooltest.Sched) {
		s := joinset.NewOn[int](sched, pooltest.SpawnJoin)
		s.Spawn(yieldThen(3, 5))
		raced := pooltest.BlockOn(sched, future.Select(s.Next(), future.Done(0)))
		r := raced.First
		if raced.Index == 1 { // Next was pending and lost (else the task had finished)
			r = pooltest.BlockOn(sched, s.Next())
		}
		require.NoError(sched, r.Err)
		require.Equal(sched, 5, r.Value)
	})
}
