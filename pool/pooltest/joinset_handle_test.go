package pooltest_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/joinset"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// These tests pin SpawnJoin's abort semantics to pool.JoinHandle's, which
// is what lets a JoinSet under pooltest stand for one on a pool.

// Both executors' handles fit a JoinSet.
var (
	_ joinset.Handle[int] = (*pooltest.JoinHandle[int])(nil)
	_ joinset.Handle[int] = (*pool.JoinHandle[int])(nil)
)

// probe is a leaf future that counts its polls and Cancels: Pending until
// its gate opens, then Ready with v.
type probe struct {
	gate    gate
	v       int
	polls   int
	cancels int
	// onPoll, when set, runs in the poll before it decides.
	onPoll func()
}

func (p *probe) Poll(cx *future.Context) future.Poll[int] {
	p.polls++
	if p.onPoll != nil {
		p.onPoll()
	}
	if _, ok := p.gate.Poll(cx).Value(); ok {
		return future.Ready(p.v)
	}
	return future.Pending[int]()
}

func (p *probe) Cancel() { p.cancels++ }

func TestSpawnJoinAbortOfAPendingTaskCancelsIt(t *testing.T) {
	pooltest.RunSeeds(t, seeds, func(s *pooltest.Sched) {
		p := &probe{v: 7}
		h := pooltest.SpawnJoin(s, p)
		polled := 0
		goTask(s, func(a *async.Awaiter) struct{} {
			yieldN(s, a, 4)
			polled = p.polls
			h.Abort()
			h.Abort() // a second Abort does nothing
			return struct{}{}
		})
		r := pooltest.BlockOn(s, future.Future[future.Result[int]](h))
		require.ErrorIs(s, r.Err, pool.ErrAborted)
		require.True(s, h.Done())
		require.Equal(s, polled, p.polls, "polled after Abort")
		require.Equal(s, 1, p.cancels)
		s.Wait()
		require.Equal(s, 1, p.cancels)
	}, jsIdle)
}

func TestSpawnJoinAbortBeforeTheFirstPollNeverPolls(t *testing.T) {
	pooltest.RunSeeds(t, seeds/10, func(s *pooltest.Sched) {
		p := &probe{v: 7}
		h := pooltest.SpawnJoin(s, p)
		h.Abort()
		r := pooltest.BlockOn(s, future.Future[future.Result[int]](h))
		require.ErrorIs(s, r.Err, pool.ErrAborted)
		require.Zero(s, p.polls)
		require.Equal(s, 1, p.cancels)
	}, jsIdle)
}

func TestSpawnJoinAbortInsideTheTasksPoll(t *testing.T) {
	pooltest.RunSeeds(t, seeds/10, func(s *pooltest.Sched) {
		ready := s.Rand().IntN(2) == 0
		p := &probe{v: 7}
		var h *pooltest.JoinHandle[int]
		p.onPoll = func() {
			h.Abort()
			if ready {
				p.gate.OpenWithoutWake(struct{}{})
			}
		}
		h = pooltest.SpawnJoin(s, p)
		r := pooltest.BlockOn(s, future.Future[future.Result[int]](h))
		require.Equal(s, 1, p.polls)
		if ready {
			// The running poll was Ready: the task keeps its value.
			require.NoError(s, r.Err)
			require.Equal(s, 7, r.Value)
			require.Zero(s, p.cancels)
			return
		}
		require.ErrorIs(s, r.Err, pool.ErrAborted)
		require.Equal(s, 1, p.cancels)
	}, jsIdle)
}

func TestSpawnJoinAbortOfAFinishedTaskDoesNothing(t *testing.T) {
	pooltest.Run(t, 1, func(s *pooltest.Sched) {
		p := &probe{v: 7}
		p.gate.OpenWithoutWake(struct{}{})
		h := pooltest.SpawnJoin(s, p)
		s.Wait()
		h.Abort()
		v, ok := h.Value()
		require.True(s, ok)
		require.Equal(s, future.Ok(7), v)
		require.Equal(s, future.Ok(7), pooltest.BlockOn(s, future.Future[future.Result[int]](h)))
		require.Zero(s, p.cancels)
		require.Equal(s, uint64(1), h.ID())
	})
}

func TestSpawnJoinAbortFromAnotherGoroutine(t *testing.T) {
	pooltest.RunSeeds(t, 20, func(s *pooltest.Sched) {
		p := &probe{v: 7} // its gate never opens
		h := pooltest.SpawnJoin(s, p)
		pooltest.Spawn(s, future.Lazy(func() struct{} {
			go h.Abort() // the wake comes through the inbox, at any step
			return struct{}{}
		}))
		r := pooltest.BlockOn(s, future.Future[future.Result[int]](h))
		require.ErrorIs(s, r.Err, pool.ErrAborted)
		require.Equal(s, 1, p.cancels)
	})
}

// A run that fails leaves a task pending: the scheduler cancels its
// future, through the abortable wrapper.
func TestSpawnJoinAbandonedTaskIsCancelled(t *testing.T) {
	p := &probe{}
	f := pooltest.Explore([]uint64{1}, func(s *pooltest.Sched) {
		pooltest.SpawnJoin(s, p)
		s.Errorf("planted failure")
		s.FailNow()
	}, jsIdle)
	require.NotNil(t, f)
	assert.Equal(t, 1, p.cancels)
}

func TestSpawnJoinOfNilIsMisuse(t *testing.T) {
	pooltest.Run(t, 1, func(s *pooltest.Sched) {
		defer func() {
			var me *future.MisuseError
			e, _ := recover().(error)
			require.True(s, errors.As(e, &me), "recovered %v", e)
			require.ErrorIs(s, me, future.ErrNilFuture)
		}()
		pooltest.SpawnJoin[int](s, nil)
	})
}

func TestSpawnJoinPollAfterReadyIsMisuse(t *testing.T) {
	pooltest.Run(t, 1, func(s *pooltest.Sched) {
		h := pooltest.SpawnJoin(s, future.Done(1))
		require.Equal(s, future.Ok(1), pooltest.BlockOn(s, future.Future[future.Result[int]](h)))
		defer func() {
			me, ok := recover().(*future.MisuseError)
			require.True(s, ok)
			require.ErrorIs(s, me, future.ErrPolledAfterReady)
			require.Contains(s, me.Future, "JoinHandle", "the error names the handle polled")
		}()
		h.Poll(future.NewContext(future.NoopWaker))
	})
}
