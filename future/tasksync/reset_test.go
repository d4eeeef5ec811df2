package tasksync_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

func TestLockFutureReset(t *testing.T) {
	m := tasksync.NewMutex()
	held, _ := m.TryLock()
	var w futuretest.CountWaker
	f := m.Lock()
	futuretest.RequireMisuse(t, tasksync.ErrResetBusy, func() { f.Reset() })
	_, ok := f.Poll(w.Context()).Value()
	require.False(t, ok)
	futuretest.RequireMisuse(t, tasksync.ErrResetBusy, func() { f.Reset() })
	held.Unlock()
	g, ok := f.Poll(w.Context()).Value()
	require.True(t, ok)
	futuretest.RequireMisuse(t, tasksync.ErrResetBusy, func() { f.Reset() }) // guard still held
	g.Unlock()

	// Second round waits again, on the same future and node.
	held, _ = m.TryLock()
	_, ok = f.Reset().Poll(w.Context()).Value()
	require.False(t, ok)
	assert.Equal(t, 1, m.Waiters())
	held.Unlock()
	g, ok = f.Poll(w.Context()).Value()
	require.True(t, ok)
	g.Unlock()

	// Uncontended rounds on a reused future allocate nothing.
	cx := future.NewContext(nil)
	allocs := testing.AllocsPerRun(1000, func() {
		g, _ := f.Reset().Poll(cx).Value()
		g.Unlock()
	})
	assert.Zero(t, allocs)

	// A reused future that is dropped while queued is still collected.
	held, _ = m.TryLock()
	func() {
		f2 := m.Lock()
		g, _ := f2.Poll(cx).Value()
		_ = g
	}()
	func() {
		_, ok := f.Reset().Poll(cx).Value()
		require.False(t, ok)
		f = nil
	}()
	waitDrained(t, m.Waiters)
	held.Unlock()
	eventuallyLock(t, m)
}

func TestAcquireFutureReset(t *testing.T) {
	s := tasksync.NewSemaphore(2)
	f := s.Acquire(2)
	p, err := future.BlockOn[future.Result[*tasksync.Permit]](f).Get()
	require.NoError(t, err)
	futuretest.RequireMisuse(t, tasksync.ErrResetBusy, func() { f.Reset() })
	p.Release()
	p, err = future.BlockOn[future.Result[*tasksync.Permit]](f.Reset()).Get()
	require.NoError(t, err)
	assert.Equal(t, 0, s.Available())
	p.Forget()
	s.Release(2)
	s.Close()
	r := future.BlockOn[future.Result[*tasksync.Permit]](f.Reset())
	assert.ErrorIs(t, r.Err, tasksync.ErrClosed)
	f.Reset() // nothing was handed out by the failed round
}

func TestRWLockFutureReset(t *testing.T) {
	m := tasksync.NewRWMutex()
	f := m.Lock()
	g := future.BlockOn[*tasksync.RWGuard](f)
	futuretest.RequireMisuse(t, tasksync.ErrResetBusy, func() { f.Reset() })
	g.Unlock()
	g = future.BlockOn[*tasksync.RWGuard](f.Reset())
	assert.True(t, g.Writer())
	g.Unlock()
}
