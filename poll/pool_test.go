package poll_test

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

func newPool(t *testing.T, workers int) *pool.Pool {
	t.Helper()
	p, err := poll.NewPool(pool.WithWorkers(workers))
	require.NoError(t, err)
	return p
}

func shutdown(t *testing.T, p *pool.Pool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, p.Shutdown(ctx))
}

// barrier is a future that completes once n tasks have reached it.
type barrier struct {
	mu      sync.Mutex
	n       int
	wakers  []future.Waker
	arrived int
}

func (b *barrier) wait() future.Future[struct{}] {
	counted := false
	return fn(func(cx *future.Context) bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		if !counted {
			counted = true
			b.arrived++
			if b.arrived == b.n {
				for _, w := range b.wakers {
					w.Wake()
				}
				b.wakers = nil
			}
		}
		if b.arrived >= b.n {
			return true
		}
		b.wakers = append(b.wakers, cx.Waker())
		return false
	})
}

// TestTenThousandConnectionsOnATwoWorkerPool serves manyConns connections
// open at the same time with spindle tasks on two workers. The clients
// (spindle too) run in a child process, which keeps every connection open
// until all have had their bytes echoed.
func TestTenThousandConnectionsOnATwoWorkerPool(t *testing.T) {
	before := openFDs(t)
	p := newPool(t, 2)
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var served atomic.Int64
	acceptor := pool.Spawn(p, future.Future[struct{}](func() future.Future[struct{}] {
		var acc future.Future[future.Result[*poll.Conn]]
		return fn(func(cx *future.Context) bool {
			for {
				res, ok := await(cx, &acc, func() future.Future[future.Result[*poll.Conn]] { return l.Accept() })
				if !ok {
					return false
				}
				c, err := res.Get()
				if err != nil {
					return true
				}
				h := echo(c)
				pool.SpawnFrom(cx, fn(func(cx *future.Context) bool {
					if h.Poll(cx).IsReady() {
						served.Add(1)
						return true
					}
					return false
				}))
			}
		})
	}()))

	lines, wait := startChild(t, "clients", "POLL_ADDR="+l.Addr().String(), "POLL_N="+strconv.Itoa(manyConns))
	var out []string
	for lines.Scan() {
		out = append(out, lines.Text())
	}
	require.NoError(t, wait(), "client process: %v", out)
	require.Equal(t, []string{fmt.Sprintf("ok=%d", manyConns)}, out, "every client got its own bytes back")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	require.Eventually(t, func() bool { return served.Load() == manyConns }, 30*time.Second, time.Millisecond,
		"every server task finished")
	l.Close()
	_, err = acceptor.Wait(ctx)
	require.NoError(t, err)
	st := p.Stats()
	var driverParks, driverPolls uint64
	for _, w := range st.PerWorker {
		driverParks += w.DriverParks
		driverPolls += w.DriverPolls
	}
	t.Logf("driver parks %d, busy driver polls %d", driverParks, driverPolls)
	assert.Positive(t, driverParks+driverPolls, "the pool drove the reactor")
	shutdown(t, p)
	assert.Equal(t, before, openFDs(t), "Shutdown closed the reactor and nothing leaked")
}

func TestPoolRunsManySleepsNeverEarly(t *testing.T) {
	p := newPool(t, 2)
	defer shutdown(t, p)
	const n = 10_000
	handles := make([]*pool.JoinHandle[bool], n)
	for i := range n {
		d := time.Duration(i%50) * 200 * time.Microsecond
		start := time.Now()
		s := poll.Sleep(d)
		handles[i] = pool.Spawn(p, future.Future[bool](future.Func[bool](func(cx *future.Context) future.Poll[bool] {
			if s.Poll(cx).IsPending() {
				return future.Pending[bool]()
			}
			return future.Ready(time.Since(start) >= d)
		})))
	}
	for _, h := range handles {
		notEarly, err := h.Wait(context.Background())
		require.NoError(t, err)
		require.True(t, notEarly)
	}
}

func TestSpawnFromOutsideWakesTheWorkerParkedInTheReactor(t *testing.T) {
	p := newPool(t, 1) // the only worker parks in the reactor when idle
	defer shutdown(t, p)
	for range 200 {
		time.Sleep(100 * time.Microsecond)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		v, err := pool.Spawn(p, future.Future[int](future.Func[int](func(*future.Context) future.Poll[int] {
			return future.Ready(1)
		}))).Wait(ctx)
		cancel()
		require.NoError(t, err)
		require.Equal(t, 1, v)
	}
}

func TestPoolTimeoutOfAbortedSleep(t *testing.T) {
	p := newPool(t, 2)
	defer shutdown(t, p)
	_, err := pool.BlockOn(p, future.Future[future.Result[struct{}]](poll.Timeout[struct{}](poll.Sleep(time.Hour), 5*time.Millisecond)))
	require.NoError(t, err)
	v, err := pool.BlockOn(p, future.Future[future.Result[struct{}]](poll.Timeout[struct{}](poll.Sleep(time.Hour), 5*time.Millisecond)))
	require.NoError(t, err)
	assert.ErrorIs(t, v.Err, poll.ErrTimeout)
}

// TestIdlePoolBurnsNoCPU: a pool whose tasks all wait (on a timer an hour
// away and on an accept) sleeps in the reactor and on its semaphores. A
// worker that spun or polled in a loop would use the whole interval.
func TestIdlePoolBurnsNoCPU(t *testing.T) {
	p := newPool(t, 2)
	defer shutdown(t, p)
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	sleeper := pool.Spawn(p, future.Future[future.Result[struct{}]](poll.Timeout[struct{}](poll.Sleep(time.Hour), 400*time.Millisecond)))
	acceptor := pool.Spawn(p, future.Future[future.Result[*poll.Conn]](l.Accept()))
	time.Sleep(50 * time.Millisecond) // both tasks reach their wait
	before := cpuTime(t)
	time.Sleep(300 * time.Millisecond)
	used := cpuTime(t) - before
	t.Logf("CPU used by the process in 300 ms idle: %v", used)
	assert.Less(t, used, 60*time.Millisecond, "an idle pool should sleep, not spin")
	res, err := sleeper.Wait(context.Background())
	require.NoError(t, err)
	assert.ErrorIs(t, res.Err, poll.ErrTimeout, "the reactor still fired the timer after the idle spell")
	l.Close()
	res2, err := acceptor.Wait(context.Background())
	require.NoError(t, err)
	assert.ErrorIs(t, res2.Err, net.ErrClosed)
}

func cpuTime(t *testing.T) time.Duration {
	var ru unix.Rusage
	require.NoError(t, unix.Getrusage(unix.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
