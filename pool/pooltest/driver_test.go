package pooltest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// With a real reactor as driver, code that does real I/O and real sleeps
// runs under random schedules too (explored, not replayable).

func TestRealReactorTimersUnderPooltest(t *testing.T) {
	r, err := poll.NewReactor()
	require.NoError(t, err)
	defer r.Close()
	pooltest.RunSeeds(t, 10, func(s *pooltest.Sched) {
		start := time.Now()
		sleeper := pooltest.Spawn(s, future.Map(future.Future[struct{}](poll.Sleep(3*time.Millisecond)),
			func(struct{}) time.Duration { return time.Since(start) }))
		// A task that yields all the time must not starve the I/O.
		pooltest.Spawn(s, async.New(func(a *async.Awaiter) struct{} {
			for !sleeper.Done() {
				async.Await(a, future.YieldNow())
			}
			return struct{}{}
		}))
		s.Wait()
		d, _ := sleeper.Value()
		require.GreaterOrEqual(s, d, 3*time.Millisecond, "woke early")
	}, pooltest.WithDriver(r))
}

func TestRealTCPEchoUnderPooltest(t *testing.T) {
	r, err := poll.NewReactor()
	require.NoError(t, err)
	defer r.Close()
	pooltest.RunSeeds(t, 10, func(s *pooltest.Sched) {
		l, err := poll.Listen("tcp", "127.0.0.1:0")
		require.NoError(s, err)
		defer l.Close()
		goTask(s, func(a *async.Awaiter) struct{} {
			c, err := async.TryAwait(a, l.Accept())
			require.NoError(s, err)
			data, err := async.TryAwait(a, c.ReadToEnd())
			require.NoError(s, err)
			_, err = async.TryAwait(a, c.WriteAll(data))
			require.NoError(s, err)
			err = c.Close()
			require.NoError(s, err)
			return struct{}{}
		})
		got := pooltest.BlockOn(s, async.New(func(a *async.Awaiter) string {
			c, err := async.TryAwait(a, poll.Dial("tcp", l.Addr().String()))
			require.NoError(s, err)
			_, err = async.TryAwait(a, c.WriteAll([]byte("spindle")))
			require.NoError(s, err)
			err = c.CloseWrite()
			require.NoError(s, err)
			data, err := async.TryAwait(a, c.ReadToEnd())
			require.NoError(s, err)
			err = c.Close()
			require.NoError(s, err)
			return string(data)
		}))
		require.Equal(s, "spindle", got)
	}, pooltest.WithDriver(r), pooltest.IdleTimeout(5*time.Second))
}
