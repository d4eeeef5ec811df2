package pool

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIdleSearchingBound(t *testing.T) {
	i := newIdle(4)
	assert.True(t, i.toSearching())
	assert.True(t, i.toSearching())
	assert.False(t, i.toSearching(), "at most half the workers search")
	assert.False(t, i.fromSearching())
	assert.True(t, i.fromSearching(), "the last searcher is told so")
}

func TestIdleNotifyOnlyWithoutSearchers(t *testing.T) {
	i := newIdle(2)
	a := &worker{idx: 0}
	assert.Nil(t, i.workerToNotify(), "nobody sleeps")
	slow := i.toParked(a, false, false)
	assert.False(t, slow, "not hybrid: never the channel")
	assert.True(t, i.isParked(a))
	require.True(t, i.toSearching()) // b searches
	assert.Nil(t, i.workerToNotify(), "a searcher will find the work")
	assert.True(t, i.fromSearching())
	assert.Same(t, a, i.workerToNotify())
	assert.False(t, i.isParked(a))
	s, parked := i.counts()
	assert.Equal(t, 1, s, "the woken worker counts as searching")
	assert.Equal(t, 0, parked)
	assert.Nil(t, i.workerToNotify(), "one wake at a time")
}

func TestIdleUnparkSelf(t *testing.T) {
	i := newIdle(2)
	a := &worker{idx: 0}
	i.toParked(a, false, false)
	assert.True(t, i.unparkSelf(a))
	assert.False(t, i.isParked(a))
	i.toParked(a, false, false)
	require.Same(t, a, i.workerToNotify())
	assert.False(t, i.unparkSelf(a), "a notifier got there first")
	s, parked := i.counts()
	assert.Equal(t, 1, s)
	assert.Equal(t, 0, parked)
}

func TestParkerTokens(t *testing.T) {
	for _, fast := range []bool{false, true} {
		p := &parker{slow: newChanSema(), fast: newFutexSemaOrNil()}
		// An unpark before park makes park return at once.
		p.unpark(nil)
		p.park(nil, nil, fast)
		// An unpark during park wakes it.
		done := make(chan struct{})
		go func() {
			p.park(nil, nil, fast)
			close(done)
		}()
		time.Sleep(time.Millisecond)
		p.unpark(nil)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("park (fast=%v) not woken", fast)
		}
	}
}

func TestIdleHybridOneSlowSleeper(t *testing.T) {
	i := newIdle(2)
	a, b := &worker{idx: 0}, &worker{idx: 1}
	assert.False(t, i.toParked(a, false, true), "b is awake: a may hold its P")
	assert.True(t, i.toParked(b, false, true), "the last to sleep gives its P back")
	require.Same(t, a, i.workerToNotify(), "futex sleepers are woken first")
	// a was woken as a searcher
	assert.False(t, i.toParked(a, true, true), "b already sleeps on its channel")
	require.Same(t, a, i.workerToNotify())
	require.True(t, i.fromSearching())
	require.Same(t, b, i.workerToNotify(), "then the channel sleeper")
}

// The packed counters are checked on every change: a protocol bug that
// would decrement one below zero panics instead of wrapping silently (a
// wrapped searching count reads as "someone searches" forever, and no
// parked worker is ever woken again).
func TestIdleCountersPanicOnUnderflow(t *testing.T) {
	i := newIdle(2)
	assert.PanicsWithValue(t,
		"pool: internal error: idle counters out of range: searching -1, unparked 1, workers 2",
		func() { i.fromSearching() }, "searching below zero")

	i = newIdle(1)
	a := &worker{idx: 0}
	i.toParked(a, false, false)
	assert.Panics(t, func() { i.toParked(a, false, false) }, "unparked below zero")
}

// A worker reads its parked flag without idle.mu. Once workerToNotify has
// cleared it, the worker may run at once and count itself out of
// searching (fromSearching), so the notifier's count must already be in
// state by then; counted after the flag, the worker's decrement could come
// first and take searching below zero (found by checkCounts' panic in a
// poll test on two CPUs).
func TestIdleNotifiedWorkerIsCountedBeforeItSeesItsFlag(t *testing.T) {
	rounds := 50000
	if testing.Short() {
		rounds = 5000
	}
	i := newIdle(1)
	w := &worker{idx: 0}
	for r := 0; r < rounds; r++ {
		i.toParked(w, false, false)
		seen := make(chan uint32)
		go func() {
			for i.isParked(w) {
			}
			seen <- numSearching(i.state.Load()) // what the woken worker would count out
		}()
		require.Same(t, w, i.workerToNotify())
		require.EqualValues(t, 1, <-seen, "round %d: the worker saw its flag clear before it was counted searching", r)
		i.fromSearching()
	}
}
