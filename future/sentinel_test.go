package future_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/bridge"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/internal/futuretest"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/joinset"
)

// One kind of misuse is one error value in the whole module, as context
// keeps one Canceled: errors.Is with future's sentinel matches the panic of
// every package, whichever package's name for it the caller knows.

func TestPolledAfterCancelIsOneSentinelAcrossPackages(t *testing.T) {
	cx := future.NewContext(nil)
	tx, _ := channel.Bounded[int](1)
	require.NoError(t, tx.TrySend(0))
	send := tx.Send(1)
	var n tasksync.Notify
	notified := n.Notified()
	task := async.New(func(a *async.Awaiter) int { return async.Await(a, future.Never[int]()) })
	recv := bridge.Recv(make(chan int))
	for name, c := range map[string]struct {
		poll   func()
		cancel func()
	}{
		"channel.SendFuture": {func() { send.Poll(cx) }, send.Cancel},
		"tasksync.Notified":  {func() { notified.Poll(cx) }, notified.Cancel},
		"async.Task":         {func() { task.Poll(cx) }, task.Cancel},
		"bridge.Recv":        {func() { recv.Poll(cx) }, recv.Cancel},
	} {
		t.Run(name, func(t *testing.T) {
			c.poll()
			c.cancel()
			e := futuretest.RequireMisuse(t, future.ErrPolledAfterCancel, c.poll)
			for _, alias := range []error{channel.ErrPolledAfterCancel, tasksync.ErrPolledAfterCancel,
				bridge.ErrPolledAfterCancel, async.ErrCancelled} {
				require.ErrorIs(t, e, alias)
			}
		})
	}
}

func TestNilFutureAndNilFuncAreOneSentinelAcrossPackages(t *testing.T) {
	p, err := pool.New(pool.WithWorkers(1))
	require.NoError(t, err)
	defer func() { require.NoError(t, p.Shutdown(context.Background())) }()

	e := futuretest.RequireMisuse(t, future.ErrNilFuture, func() { pool.Spawn[int](p, nil) })
	require.ErrorIs(t, e, pool.ErrNilFuture)
	e = futuretest.RequireMisuse(t, pool.ErrNilFuture, func() { future.Map[int, int](nil, func(int) int { return 0 }) })
	require.ErrorIs(t, e, future.ErrNilFuture)

	futuretest.RequireMisuse(t, future.ErrNilFunc, func() { async.New[int](nil) })
	e = futuretest.RequireMisuse(t, future.ErrNilFunc, func() {
		joinset.NewOn[int, int, *pool.JoinHandle[future.Result[int]]](0, nil)
	})
	require.ErrorIs(t, e, joinset.ErrNilSpawn)
}

func TestResetBusyIsOneSentinelAcrossPackages(t *testing.T) {
	tx, _ := channel.Bounded[int](1)
	send := tx.Send(0)
	e := futuretest.RequireMisuse(t, tasksync.ErrResetBusy, func() { send.Reset(1) })
	require.ErrorIs(t, e, channel.ErrResetBusy)

	lock := tasksync.NewMutex().Lock()
	e = futuretest.RequireMisuse(t, channel.ErrResetBusy, func() { lock.Reset() })
	require.ErrorIs(t, e, tasksync.ErrResetBusy)
}
