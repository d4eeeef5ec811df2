package tasksync_test

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// permitOf polls f once with w as the waker: the permit if it was granted.
func permitOf(t *testing.T, f *tasksync.AcquireFuture, w *futuretest.CountWaker) (*tasksync.Permit, bool) {
	t.Helper()
	r, ok := poll(f, w.Context())
	if !ok {
		return nil, false
	}
	p, err := r.Get()
	require.NoError(t, err)
	return p, true
}

func TestSemaphoreWeightedFIFO(t *testing.T) {
	s := tasksync.NewSemaphore(5)
	var w0, w1, w2 futuretest.CountWaker
	p3, ok := permitOf(t, s.Acquire(3), &w0)
	require.True(t, ok)
	big := s.Acquire(4)
	_, ok = permitOf(t, big, &w1)
	require.False(t, ok, "2 free, 4 wanted")
	small := s.Acquire(1)
	_, ok = permitOf(t, small, &w2)
	require.False(t, ok, "a later small acquire must not overtake the queued big one")
	_, err := s.TryAcquire(1)
	assert.ErrorIs(t, err, tasksync.ErrNoPermits)

	p3.Release() // 5 free: 4 to big, 1 to small
	assert.Equal(t, 1, w1.Count())
	assert.Equal(t, 1, w2.Count())
	p4, ok := permitOf(t, big, &w1)
	require.True(t, ok)
	p1, ok := permitOf(t, small, &w2)
	require.True(t, ok)
	assert.Equal(t, 4, p4.N())
	assert.Equal(t, 0, s.Available())
	p4.Release()
	p1.Release()
	assert.Equal(t, 5, s.Available())
}

func TestSemaphoreCancelReturnsPartialPermits(t *testing.T) {
	s := tasksync.NewSemaphore(3)
	p2, err := s.TryAcquire(2)
	require.NoError(t, err)
	var w, w2 futuretest.CountWaker
	f := s.Acquire(3)
	_, ok := permitOf(t, f, &w)
	require.False(t, ok) // holds the 1 free permit, needs 2 more
	assert.Equal(t, 0, s.Available())
	g := s.Acquire(1)
	_, ok = permitOf(t, g, &w2)
	require.False(t, ok)
	f.Cancel()
	assert.Equal(t, 1, w2.Count(), "the permit f held goes to the next waiter")
	p1, ok := permitOf(t, g, &w2)
	require.True(t, ok)
	p1.Release()
	p2.Release()
	assert.Equal(t, 3, s.Available(), "no permit lost")
}

func TestSemaphoreCloseFailsWaiters(t *testing.T) {
	s := tasksync.NewSemaphore(1)
	p, _ := s.TryAcquire(1)
	var w futuretest.CountWaker
	f := s.Acquire(1)
	_, ok := poll(f, w.Context())
	require.False(t, ok)
	s.Close()
	assert.Equal(t, 1, w.Count(), "Close wakes waiters")
	r, ok := poll(f, w.Context())
	require.True(t, ok)
	assert.ErrorIs(t, r.Err, tasksync.ErrClosed)
	r = future.BlockOn[future.Result[*tasksync.Permit]](s.Acquire(1))
	assert.ErrorIs(t, r.Err, tasksync.ErrClosed)
	_, err := s.TryAcquire(0)
	assert.ErrorIs(t, err, tasksync.ErrClosed)
	p.Release() // allowed after Close
	futuretest.RequireMisuse(t, tasksync.ErrReleased, p.Release)
	futuretest.RequireMisuse(t, tasksync.ErrTooManyPermits, func() { s.Acquire(-1) })
}

func TestSemaphoreForgetShrinks(t *testing.T) {
	s := tasksync.NewSemaphore(2)
	p, _ := s.TryAcquire(1)
	p.Forget()
	assert.Equal(t, 1, s.Available())
	futuretest.RequireMisuse(t, tasksync.ErrReleased, p.Release)
	s.Release(1)
	assert.Equal(t, 2, s.Available())
}

// TestSemaphoreRandomized runs goroutines that acquire random weights, some
// giving up after one Pending poll, and checks that the permits held never
// exceed the capacity and that all come back.
func TestSemaphoreRandomized(t *testing.T) {
	const capacity = 10
	s := tasksync.NewSemaphore(capacity)
	var held atomic.Int64
	var acquired, cancelled atomic.Int64
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			for range 3000 / scale {
				n := 1 + rng.IntN(capacity)
				f := s.Acquire(n)
				if rng.IntN(4) == 0 {
					if r, ok := f.Poll(future.NewContext(nil)).Value(); ok {
						p, _ := r.Get()
						p.Release()
					} else {
						f.Cancel()
						cancelled.Add(1)
					}
					continue
				}
				p, err := future.BlockOn[future.Result[*tasksync.Permit]](f).Get()
				require.NoError(t, err)
				now := held.Add(int64(n))
				assert.LessOrEqual(t, now, int64(capacity))
				held.Add(-int64(n))
				p.Release()
				acquired.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, capacity, s.Available(), "every permit came back")
	t.Logf("acquired %d, cancelled %d", acquired.Load(), cancelled.Load())
}
