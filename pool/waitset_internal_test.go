package pool

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/internal/futuretest"
)

// waitRefs returns the number of goroutines the pool counts as blocked in
// Wait on h (0 without an entry).
func (s *waitSet) waitRefs(h *header) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[h]
	if !ok {
		return 0, false
	}
	return e.refs, true
}

// Goroutines blocked in Wait all get the result once the task completes,
// and the pool keeps nothing for the task afterwards.
func TestWaitSetWakesEveryWaiter(t *testing.T) {
	p, err := New(WithWorkers(1))
	require.NoError(t, err)
	defer p.Shutdown(context.Background())
	g := &futuretest.Gate[int]{}
	h := Spawn(p, g)
	const waiters = 8
	var wg sync.WaitGroup
	got := make([]int, waiters)
	for i := range waiters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := h.Wait(context.Background())
			assert.NoError(t, err)
			got[i] = v
		}()
	}
	for n, _ := p.waits.waitRefs(&h.t.h); n < waiters; n, _ = p.waits.waitRefs(&h.t.h) {
		runtime.Gosched()
	}
	g.Open(7)
	wg.Wait()
	for i := range got {
		assert.Equal(t, 7, got[i])
	}
	_, ok := p.waits.waitRefs(&h.t.h)
	assert.False(t, ok, "completion takes the entry out")
	v, err := h.Wait(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 7, v)
	_, ok = p.waits.waitRefs(&h.t.h)
	assert.False(t, ok, "a Wait after completion adds nothing")
}

// A Wait whose context ends leaves nothing behind in the pool (a task
// nobody waits for any more is not kept alive by it), and a later Wait
// still sees the completion.
func TestWaitSetContextEndLeaves(t *testing.T) {
	p, err := New(WithWorkers(1))
	require.NoError(t, err)
	defer p.Shutdown(context.Background())
	g := &futuretest.Gate[int]{}
	h := Spawn(p, g)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = h.Wait(ctx)
	require.ErrorIs(t, err, context.Canceled)
	_, ok := p.waits.waitRefs(&h.t.h)
	assert.False(t, ok, "the last waiter out takes the entry out")
	assert.NotZero(t, h.t.h.state.load()&stWaitChan)

	done := make(chan int)
	go func() {
		v, err := h.Wait(context.Background())
		assert.NoError(t, err)
		done <- v
	}()
	for n, _ := p.waits.waitRefs(&h.t.h); n < 1; n, _ = p.waits.waitRefs(&h.t.h) {
		runtime.Gosched()
	}
	g.Open(3)
	assert.Equal(t, 3, <-done)
	assert.Empty(t, p.waits.m)
}
