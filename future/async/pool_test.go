package async_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/internal/futuretest/testpool"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

// waitCtx is the context JoinHandle waits use: it bounds a failing test
// at 30s and ends with the test.
func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// broadcast is a one-shot event for any number of tasks: pending until
// Open, then ready with 1 for everyone.
type broadcast struct {
	mu     sync.Mutex
	open   bool
	wakers []future.Waker
}

type broadcastWait struct{ b *broadcast }

func (b *broadcast) Wait() future.Future[int] { return broadcastWait{b} }

func (w broadcastWait) Poll(cx *future.Context) future.Poll[int] {
	w.b.mu.Lock()
	defer w.b.mu.Unlock()
	if w.b.open {
		return future.Ready(1)
	}
	w.b.wakers = append(w.b.wakers, cx.Waker())
	return future.Pending[int]()
}

func (b *broadcast) Open() {
	b.mu.Lock()
	b.open = true
	ws := b.wakers
	b.wakers = nil
	b.mu.Unlock()
	for _, w := range ws {
		w.Wake()
	}
}

func TestOnPoolBodiesSpawnAndAwaitChildren(t *testing.T) {
	p := testpool.New(t)
	const tasks, children = 200, 10
	handles := make([]*pool.JoinHandle[int], tasks)
	for i := range tasks {
		handles[i] = pool.Spawn(p, async.New(func(a *async.Awaiter) int {
			hs := make([]*pool.JoinHandle[int], children)
			for j := range hs {
				hs[j] = pool.SpawnFrom(a.Context(), async.New(func(a *async.Awaiter) int {
					a.Yield()
					return j
				}))
			}
			sum := i
			for _, h := range hs {
				v, err := async.TryAwait(a, h)
				if err != nil {
					panic(err)
				}
				sum += v
			}
			return sum
		}))
	}
	ctx := waitCtx(t)
	for i, h := range handles {
		v, err := h.Wait(ctx)
		require.NoError(t, err)
		assert.Equal(t, i+children*(children-1)/2, v)
	}
	// Every worker got its thread lock back after the polls above.
	for range 8 {
		locked, err := pool.BlockOn(p, future.Func[bool](func(*future.Context) future.Poll[bool] {
			return future.Ready(async.LockedOSThread())
		}))
		require.NoError(t, err)
		assert.True(t, locked)
	}
}

func TestOnPoolJoinAndRaceOfTasks(t *testing.T) {
	p := testpool.New(t)
	ev := &broadcast{}
	mk := func(k int) future.Future[int] {
		return async.New(func(a *async.Awaiter) int { return k * async.Await(a, ev.Wait()) })
	}
	joined := pool.Spawn(p, future.Join(mk(1), mk(2), mk(3)))
	loserUnwound := make(chan struct{})
	raced := pool.Spawn(p, future.Race(
		async.New(func(a *async.Awaiter) int {
			defer close(loserUnwound)
			return async.Await(a, future.Never[int]())
		}),
		mk(7),
	))
	ev.Open()
	vs, err := joined.Wait(waitCtx(t))
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2, 3}, vs)
	r, err := raced.Wait(waitCtx(t))
	require.NoError(t, err)
	assert.Equal(t, future.Raced[int]{Index: 1, Value: 7}, r)
	// Race drops the loser without a cancel hook; the GC cleanup unwinds it.
	requireUnwoundByGC(t, loserUnwound)
}

func TestOnPoolTaskAwaitsTaskAwaitsTask(t *testing.T) {
	p := testpool.New(t)
	ev := &broadcast{}
	var depth func(n int) *async.Task[int]
	depth = func(n int) *async.Task[int] {
		return async.New(func(a *async.Awaiter) int {
			if n == 0 {
				return async.Await(a, ev.Wait())
			}
			return 1 + async.Await(a, depth(n-1))
		})
	}
	h := pool.Spawn(p, depth(50))
	ev.Open()
	v, err := h.Wait(waitCtx(t))
	require.NoError(t, err)
	assert.Equal(t, 51, v)
}

func TestOnPoolAbortMidAwait(t *testing.T) {
	p := testpool.New(t)
	suspended := make(chan struct{})
	var deferred atomic.Int32
	task := async.New(func(a *async.Awaiter) int {
		defer deferred.Add(1)
		async.Await(a, future.Func[int](func(cx *future.Context) future.Poll[int] {
			close(suspended)
			return future.Pending[int]()
		}))
		return async.Await(a, future.Never[int]())
	})
	h := pool.Spawn(p, task)
	<-suspended
	h.Abort()
	_, err := h.Wait(waitCtx(t))
	require.ErrorIs(t, err, pool.ErrAborted)
	// The handle is complete, so no poll is running: the owner of the Task
	// may unwind it now instead of waiting for the GC.
	task.Cancel()
	assert.Equal(t, int32(1), deferred.Load())
}

func TestOnPoolAbortWithoutCancelIsUnwoundByTheGC(t *testing.T) {
	p := testpool.New(t)
	unwound := make(chan struct{})
	h := pool.Spawn(p, async.New(func(a *async.Awaiter) int {
		defer close(unwound)
		return async.Await(a, future.Never[int]())
	}))
	// Let it reach its Await before aborting.
	for p.Stats().Polled() == 0 {
		runtime.Gosched()
	}
	h.Abort()
	_, err := h.Wait(waitCtx(t))
	require.ErrorIs(t, err, pool.ErrAborted)
	requireUnwoundByGC(t, unwound)
}

func TestOnPoolPanicReachesTheJoinHandle(t *testing.T) {
	p := testpool.New(t)
	type boom struct{ code int }
	deferred := make(chan struct{})
	task := async.New(func(a *async.Awaiter) int {
		defer close(deferred)
		a.Yield()
		panicInBody(boom{code: 7})
		return 0
	})
	h := pool.Spawn(p, task)
	_, err := h.Wait(waitCtx(t))
	var pe *pool.PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, boom{code: 7}, pe.Value)
	<-deferred
	assert.Contains(t, string(task.PanicStack()), "panicInBody", "the body's frames are kept")
	assert.NotContains(t, string(pe.Stack), "panicInBody", "the worker's stack cannot show them")
	// The worker survived: the pool still runs tasks.
	v, err := pool.BlockOn[int](p, async.New(func(a *async.Awaiter) int { a.Yield(); return 5 }))
	require.NoError(t, err)
	assert.Equal(t, 5, v)
}

func TestOnPoolManyConcurrentTasks(t *testing.T) {
	p := testpool.New(t)
	ev := &broadcast{}
	handles := make([]*pool.JoinHandle[int], manyTasks)
	for i := range handles {
		handles[i] = pool.Spawn(p, async.New(func(a *async.Awaiter) int {
			return i + async.Await(a, ev.Wait())
		}))
	}
	require.Eventually(t, func() bool {
		ev.mu.Lock()
		defer ev.mu.Unlock()
		return len(ev.wakers) == manyTasks
	}, 60*time.Second, time.Millisecond, "every task is suspended in its Await at once")
	ev.Open()
	sum, ctx := 0, waitCtx(t)
	for _, h := range handles {
		v, err := h.Wait(ctx)
		require.NoError(t, err)
		sum += v
	}
	assert.Equal(t, manyTasks*(manyTasks-1)/2+manyTasks, sum)
}

// requireUnwoundByGC collects garbage until unwound is closed: the cleanup
// of a dropped task unwinds its body, running its deferred calls.
func requireUnwoundByGC(t *testing.T, unwound <-chan struct{}) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		select {
		case <-unwound:
			return
		case <-time.After(10 * time.Millisecond):
		}
		require.True(t, time.Now().Before(deadline), "the GC cleanup never unwound the dropped task")
	}
}

func TestOnPoolTimeoutCancelsTheAwaitedTask(t *testing.T) {
	r, err := poll.NewReactor()
	require.NoError(t, err)
	p, err := pool.New(pool.WithWorkers(2), pool.WithDriver(r))
	require.NoError(t, err)
	defer func() { require.NoError(t, p.Shutdown(context.Background())) }()
	innerUnwound := false
	h := pool.Spawn(p, async.New(func(a *async.Awaiter) string {
		slow := async.New(func(a *async.Awaiter) int {
			defer func() { innerUnwound = true }()
			async.Await(a, poll.Sleep(time.Hour))
			return 1
		})
		_, err := async.Await(a, poll.Timeout[int](slow, 20*time.Millisecond)).Get()
		// Timeout cancelled slow (a future.Canceler) on this coroutine: its
		// body has unwound, and it cancelled its hour-long sleep in turn.
		return fmt.Sprintf("%v unwound=%v", err, innerUnwound)
	}))
	v, err := h.Wait(waitCtx(t))
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("%v unwound=true", poll.ErrTimeout), v)
	assert.Zero(t, r.Stats().Timers, "the sleep left the reactor's timer queue")
}

func TestOnPoolBodiesThatBlockLeaveWorkersLockedAndWorking(t *testing.T) {
	p := testpool.New(t)
	handles := make([]*pool.JoinHandle[int], 100)
	for i := range handles {
		handles[i] = pool.Spawn(p, async.New(func(a *async.Awaiter) int {
			for j := range 10 {
				if j%2 == 0 {
					time.Sleep(20 * time.Microsecond) // the worker's thread may change here
				} else {
					runtime.Gosched()
				}
				a.Yield()
			}
			return i
		}))
	}
	ctx := waitCtx(t)
	for i, h := range handles {
		v, err := h.Wait(ctx)
		require.NoError(t, err)
		assert.Equal(t, i, v)
	}
	for range 8 {
		locked, err := pool.BlockOn(p, future.Func[bool](func(*future.Context) future.Poll[bool] {
			return future.Ready(async.LockedOSThread())
		}))
		require.NoError(t, err)
		assert.True(t, locked)
	}
}

//go:noinline
func panicInBody(v any) { panic(v) }

// coopReady is a leaf future that is always ready but consumes the task's
// cooperative budget, as channel receives and join handles do.
type coopReady struct{}

func (coopReady) Poll(cx *future.Context) future.Poll[int] {
	if !future.Coop(cx) {
		return future.Pending[int]()
	}
	return future.Ready(1)
}

func TestOnPoolBodyLoopingOnReadyFuturesHonoursTheBudget(t *testing.T) {
	p, err := pool.New(pool.WithWorkers(1))
	require.NoError(t, err)
	defer func() { require.NoError(t, p.Shutdown(context.Background())) }()
	var other atomic.Bool
	const n = 10 * future.DefaultBudget
	busy := pool.Spawn(p, async.New(func(a *async.Awaiter) int {
		// The only worker is busy with this body: the other task can run
		// only if the body's Awaits return Pending when the budget is out.
		pool.SpawnFrom(a.Context(), future.Func[struct{}](func(*future.Context) future.Poll[struct{}] {
			other.Store(true)
			return future.Ready(struct{}{})
		}))
		for i := range n {
			async.Await[int](a, coopReady{})
			if other.Load() {
				return i
			}
		}
		return -1
	}))
	at, err := busy.Wait(waitCtx(t))
	require.NoError(t, err)
	assert.True(t, at > 0 && at <= future.DefaultBudget,
		"the other task ran once the budget of %d was spent, not at await %d", future.DefaultBudget, at)
}
