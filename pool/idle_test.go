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
	a := &worker{}
	assert.Nil(t, i.workerToNotify(), "nobody sleeps")
	last, awake := i.toParked(a, false)
	assert.False(t, last)
	assert.Equal(t, uint32(1), awake)
	assert.True(t, a.parked.Load())
	require.True(t, i.toSearching()) // b searches
	assert.Nil(t, i.workerToNotify(), "a searcher will find the work")
	assert.True(t, i.fromSearching())
	assert.Same(t, a, i.workerToNotify())
	assert.False(t, a.parked.Load())
	s, parked := i.counts()
	assert.Equal(t, 1, s, "the woken worker counts as searching")
	assert.Equal(t, 0, parked)
	assert.Nil(t, i.workerToNotify(), "one wake at a time")
}

func TestIdleUnparkSelf(t *testing.T) {
	i := newIdle(2)
	a := &worker{}
	i.toParked(a, false)
	assert.True(t, i.unparkSelf(a))
	assert.False(t, a.parked.Load())
	i.toParked(a, false)
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
