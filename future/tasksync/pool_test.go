package tasksync_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/internal/futuretest"
	"github.com/spindle-rt/spindle/internal/futuretest/testpool"
	"github.com/spindle-rt/spindle/pool"
)

// lockLoop is a task body: iters times, lock m, bump the shared counter
// across one yield while holding the lock, unlock from inside the poll.
type lockLoop struct {
	m       *tasksync.Mutex
	iters   int
	counter *int
	inside  *int
	lock    *tasksync.LockFuture
	guard   *tasksync.MutexGuard
	yielded bool
}

func (l *lockLoop) Poll(cx *future.Context) future.Poll[int] {
	for l.iters > 0 {
		if l.guard == nil {
			if l.lock == nil {
				l.lock = l.m.Lock()
			}
			g, ok := l.lock.Poll(cx).Value()
			if !ok {
				return future.Pending[int]()
			}
			l.lock, l.guard = nil, g
			*l.inside++
			if *l.inside != 1 {
				panic("two holders")
			}
		}
		if !l.yielded {
			l.yielded = true
			cx.Waker().Wake()
			return future.Pending[int]()
		}
		l.yielded = false
		*l.counter++
		*l.inside--
		g := l.guard
		l.guard = nil
		l.iters--
		g.UnlockFrom(cx)
	}
	return future.Ready(0)
}

// TestMutexAcrossWorkersAndGoroutines: tasks on two workers and plain
// goroutines contend for one Mutex; the plain counter it guards comes out
// exact and the race detector sees the lock's happens-before edges.
func TestMutexAcrossWorkersAndGoroutines(t *testing.T) {
	p := testpool.New(t)
	m := tasksync.NewMutex()
	counter, inside := 0, 0
	tasks, iters := 50, 400/scale
	var hs []*pool.JoinHandle[int]
	for range tasks {
		hs = append(hs, pool.Spawn[int](p, &lockLoop{m: m, iters: iters, counter: &counter, inside: &inside}))
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range iters {
				g := future.BlockOn[*tasksync.MutexGuard](m.Lock())
				counter++
				g.Unlock()
			}
		}()
	}
	for _, h := range hs {
		_, err := h.Wait(context.Background())
		require.NoError(t, err)
	}
	wg.Wait()
	assert.Equal(t, (tasks+2)*iters, counter)
	assert.Equal(t, 0, m.Waiters())
}

// TestAbortedTaskReleasesItsWait: a task waiting for the lock is aborted;
// the pool cancels the future it adopted (no cleanup was registered), so
// the wait leaves the queue at once and the next Unlock frees the lock,
// with no collection.
func TestAbortedTaskReleasesItsWait(t *testing.T) {
	p := testpool.New(t)
	m := tasksync.NewMutex()
	g, _ := m.TryLock()
	h := pool.Spawn[*tasksync.MutexGuard](p, m.Lock())
	for m.Waiters() == 0 {
		future.BlockOn(future.YieldNow())
	}
	h.Abort()
	_, err := h.Wait(context.Background())
	require.ErrorIs(t, err, pool.ErrAborted)
	assert.Zero(t, m.Waiters(), "the aborted wait left the queue")
	g.Unlock()
	g, ok := m.TryLock()
	require.True(t, ok, "nobody holds the lock")
	g.Unlock()
}

// eventuallyLock collects garbage until m can be locked: the cleanup of a
// dropped wait that the lock was handed to gives it back.
func eventuallyLock(t *testing.T, m *tasksync.Mutex) {
	t.Helper()
	futuretest.EventuallyCollected(t, func() bool {
		g, ok := m.TryLock()
		if ok {
			g.Unlock()
		}
		return ok
	}, "lock never came back")
}

// TestSemaphoreLimitsConcurrentTasks: at most 3 of 40 tasks are inside.
func TestSemaphoreLimitsConcurrentTasks(t *testing.T) {
	p := testpool.New(t)
	s := tasksync.NewSemaphore(3)
	var mu sync.Mutex
	inside, peak := 0, 0
	var hs []*pool.JoinHandle[int]
	for range 40 {
		var acq *tasksync.AcquireFuture
		var permit *tasksync.Permit
		spins := 0
		hs = append(hs, pool.Spawn[int](p, future.Func[int](func(cx *future.Context) future.Poll[int] {
			if permit == nil {
				if acq == nil {
					acq = s.Acquire(1)
				}
				r, ok := acq.Poll(cx).Value()
				if !ok {
					return future.Pending[int]()
				}
				permit = r.Value
				mu.Lock()
				inside++
				peak = max(peak, inside)
				mu.Unlock()
			}
			if spins < 5 {
				spins++
				cx.Waker().Wake()
				return future.Pending[int]()
			}
			mu.Lock()
			inside--
			mu.Unlock()
			permit.ReleaseFrom(cx)
			return future.Ready(0)
		})))
	}
	for _, h := range hs {
		_, err := h.Wait(context.Background())
		require.NoError(t, err)
	}
	assert.LessOrEqual(t, peak, 3)
	assert.Equal(t, 3, s.Available())
}
