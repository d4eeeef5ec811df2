package pool_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/bridge"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/pooltest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// blockingCall is one blocking entry point, called where it must not
// block. It returns the call's error, or the error of the *MisuseError it
// panicked with (the calls with no error result).
type blockingCall struct {
	name string
	call func(p *pool.Pool, pending *pool.JoinHandle[future.Result[int]]) error
}

// shortCtx bounds the waits of the calls below: without the check a Wait
// on the pending task would not deadlock the test, it would return
// context.DeadlineExceeded, which is not ErrInWorker.
func shortCtx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	_ = cancel // the timer frees itself when it fires
	return ctx
}

var blockingCalls = []blockingCall{
	{"future.BlockOn", func(*pool.Pool, *pool.JoinHandle[future.Result[int]]) error {
		return recoverMisuse(func() { future.BlockOn(future.Done(1)) })
	}},
	{"future.BlockOnDriver", func(*pool.Pool, *pool.JoinHandle[future.Result[int]]) error {
		r, err := poll.NewReactor()
		if err != nil {
			return err
		}
		defer r.Close()
		return recoverMisuse(func() { future.BlockOnDriver(r, future.Done(1)) })
	}},
	{"poll.BlockOn", func(*pool.Pool, *pool.JoinHandle[future.Result[int]]) error {
		_, err := poll.BlockOn(future.Done(1))
		return err
	}},
	{"poll.TryBlockOn", func(*pool.Pool, *pool.JoinHandle[future.Result[int]]) error {
		_, err := poll.TryBlockOn(future.Done(future.Ok(1)))
		return err
	}},
	{"poll.BlockingConn.Read", func(*pool.Pool, *pool.JoinHandle[future.Result[int]]) error {
		_, err := (&poll.Conn{}).Blocking().Read(make([]byte, 1))
		return err
	}},
	{"poll.BlockingConn.Write", func(*pool.Pool, *pool.JoinHandle[future.Result[int]]) error {
		_, err := (&poll.Conn{}).Blocking().Write([]byte("x"))
		return err
	}},
	{"poll.BlockingListener.Accept", func(*pool.Pool, *pool.JoinHandle[future.Result[int]]) error {
		_, err := (&poll.Listener{}).Blocking(nil).Accept()
		return err
	}},
	{"pool.BlockOn", func(p *pool.Pool, _ *pool.JoinHandle[future.Result[int]]) error {
		_, err := pool.BlockOn(p, future.Done(1))
		return err
	}},
	{"pool.TryBlockOn", func(p *pool.Pool, _ *pool.JoinHandle[future.Result[int]]) error {
		_, err := pool.TryBlockOn(p, future.Done(future.Ok(1)))
		return err
	}},
	{"JoinHandle.Wait", func(_ *pool.Pool, h *pool.JoinHandle[future.Result[int]]) error {
		_, err := h.Wait(shortCtx())
		return err
	}},
	{"pool.TryWait", func(_ *pool.Pool, h *pool.JoinHandle[future.Result[int]]) error {
		_, err := pool.TryWait(shortCtx(), h)
		return err
	}},
	{"Pool.Shutdown", func(p *pool.Pool, _ *pool.JoinHandle[future.Result[int]]) error {
		return p.Shutdown(shortCtx())
	}},
	{"pooltest.BlockOn", func(*pool.Pool, *pool.JoinHandle[future.Result[int]]) error {
		f := pooltest.Explore([]uint64{1}, func(s *pooltest.Sched) { pooltest.BlockOn(s, future.Done(1)) })
		if f == nil {
			return errors.New("the run passed")
		}
		if msg := f.Error(); strings.Contains(msg, future.ErrInWorker.Error()) {
			return fmt.Errorf("%s: %w", msg, future.ErrInWorker)
		}
		return f
	}},
	{"bridge.Wait", func(*pool.Pool, *pool.JoinHandle[future.Result[int]]) error {
		_, err := bridge.Wait(shortCtx(), future.Done(1))
		return err
	}},
	{"bridge.TryWait", func(*pool.Pool, *pool.JoinHandle[future.Result[int]]) error {
		_, err := bridge.TryWait(shortCtx(), future.Done(future.Ok(1)))
		return err
	}},
}

func recoverMisuse(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			var me *future.MisuseError
			if e, ok := r.(error); ok && errors.As(e, &me) {
				err = me
				return
			}
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	fn()
	return errors.New("returned without panicking")
}

// TestBlockingCallsFailInWorker calls every blocking entry point from a
// task and from an async body on a one-worker pool: each must fail with
// ErrInWorker rather than block the only worker.
func TestBlockingCallsFailInWorker(t *testing.T) {
	for _, bc := range blockingCalls {
		t.Run(bc.name, func(t *testing.T) {
			p := newPool(t, pool.WithWorkers(1))
			pending := pool.Spawn(p, future.Map(future.Future[struct{}](never{}),
				func(struct{}) future.Result[int] { return future.Ok(0) }))
			defer pending.Abort()

			inTask, err := pool.BlockOn(p, future.Lazy(func() error {
				return bc.call(p, pending)
			}))
			require.NoError(t, err)
			assert.ErrorIs(t, inTask, pool.ErrInWorker, "in a task")
			assert.ErrorIs(t, inTask, future.ErrInWorker)

			inBody, err := pool.BlockOn(p, async.New(func(a *async.Awaiter) error {
				async.Await(a, future.YieldNow()) // resumed once: marked again
				return bc.call(p, pending)
			}))
			require.NoError(t, err)
			assert.ErrorIs(t, inBody, pool.ErrInWorker, "in an async body")

			// The worker was not stalled and the pool still runs.
			v, err := pool.BlockOn(p, future.Done(7))
			require.NoError(t, err)
			assert.Equal(t, 7, v)
			assert.False(t, p.Closed())
		})
	}
}

// A body nested in another body (a Task awaited by a body) is marked too,
// and the outer body is marked again once the inner one is done.
func TestBlockingCallsFailInNestedBody(t *testing.T) {
	p := newPool(t, pool.WithWorkers(1))
	errs, err := pool.BlockOn(p, async.New(func(a *async.Awaiter) [3]error {
		var out [3]error
		out[0] = async.Await(a, async.New(func(b *async.Awaiter) error {
			async.Await(b, future.YieldNow())
			_, err := pool.BlockOn(p, future.Done(1))
			return err
		}))
		_, out[1] = pool.BlockOn(p, future.Done(1))
		out[2] = recoverMisuse(func() { future.BlockOn(future.Done(1)) })
		return out
	}))
	require.NoError(t, err)
	for i, e := range errs {
		assert.ErrorIs(t, e, pool.ErrInWorker, "call %d", i)
	}
}

// The marks are exact: goroutine code, a goroutine started by a task, and
// a body run by future.BlockOn from goroutine code may all block.
func TestBlockingCallsAllowedOutsideWorkers(t *testing.T) {
	p := newPool(t, pool.WithWorkers(1))
	v, err := pool.BlockOn(p, future.Done(1))
	require.NoError(t, err)
	assert.Equal(t, 1, v)

	fromGoroutine := make(chan error, 1)
	_, err = pool.BlockOn(p, future.Lazy(func() struct{} {
		go func() {
			_, err := pool.BlockOn(p, future.Done(1))
			fromGoroutine <- err
		}()
		return struct{}{}
	}))
	require.NoError(t, err)
	require.NoError(t, <-fromGoroutine)

	got := future.BlockOn(async.New(func(a *async.Awaiter) int {
		v, err := pool.BlockOn(p, future.Done(2))
		require.NoError(t, err)
		return v
	}))
	assert.Equal(t, 2, got)
}

// Cancelling a suspended body from a task unwinds it on the worker: its
// deferred calls are marked as well.
func TestBlockingCallFailsInBodyUnwoundByWorker(t *testing.T) {
	p := newPool(t, pool.WithWorkers(1))
	deferred := make(chan error, 1)
	body := async.New(func(a *async.Awaiter) int {
		defer func() {
			_, err := pool.BlockOn(p, future.Done(1))
			deferred <- err
		}()
		async.Await(a, future.Future[struct{}](never{}))
		return 0
	})
	_, err := pool.BlockOn(p, future.Func[int](func(cx *future.Context) future.Poll[int] {
		require.False(t, body.Poll(cx).IsReady())
		body.Cancel()
		return future.Ready(0)
	}))
	require.NoError(t, err)
	assert.ErrorIs(t, <-deferred, pool.ErrInWorker)
}
