package tasksync_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

func TestNotifyOneStoresOnePermit(t *testing.T) {
	var n tasksync.Notify
	n.NotifyOne()
	n.NotifyOne() // permits do not add up
	var w futuretest.CountWaker
	_, ok := poll(n.Notified(), w.Context())
	assert.True(t, ok, "the stored permit is consumed at once")
	f := n.Notified()
	_, ok = poll(f, w.Context())
	assert.False(t, ok, "only one permit was stored")
	assert.Equal(t, 1, n.Waiters())
	n.NotifyOne()
	assert.Equal(t, 1, w.Count())
	_, ok = poll(f, w.Context())
	assert.True(t, ok)
	assert.Equal(t, 0, n.Waiters())
}

func TestNotifyOneWakesOldest(t *testing.T) {
	var n tasksync.Notify
	var wa, wb futuretest.CountWaker
	a, b := n.Notified(), n.Notified()
	_, _ = poll(a, wa.Context())
	_, _ = poll(b, wb.Context())
	n.NotifyOne()
	assert.Equal(t, 1, wa.Count())
	assert.Zero(t, wb.Count())
	_, ok := poll(b, wb.Context())
	assert.False(t, ok)
	_, ok = poll(a, wa.Context())
	assert.True(t, ok)
	b.Cancel()
}

func TestNotifyWaitersWakesAllCreatedBefore(t *testing.T) {
	var n tasksync.Notify
	var wa, wb futuretest.CountWaker
	a := n.Notified()
	_, _ = poll(a, wa.Context())
	b := n.Notified() // created but not yet polled: still counts
	n.NotifyWaiters()
	after := n.Notified()
	assert.Equal(t, 1, wa.Count())
	_, ok := poll(a, wa.Context())
	assert.True(t, ok)
	_, ok = poll(b, wb.Context())
	assert.True(t, ok, "created before NotifyWaiters")
	_, ok = poll(after, wb.Context())
	assert.False(t, ok, "NotifyWaiters stores no permit")
	after.Cancel()
	assert.Equal(t, 0, n.Waiters())
}

func TestNotifyCancelledGrantIsPassedOn(t *testing.T) {
	var n tasksync.Notify
	var wa, wb futuretest.CountWaker
	a, b := n.Notified(), n.Notified()
	_, _ = poll(a, wa.Context())
	_, _ = poll(b, wb.Context())
	n.NotifyOne() // to a
	a.Cancel()    // a gives up: b gets it
	assert.Equal(t, 1, wb.Count())
	_, ok := poll(b, wb.Context())
	assert.True(t, ok)

	c := n.Notified()
	_, _ = poll(c, wa.Context())
	n.NotifyOne()
	c.Cancel() // nobody else waits: the permit is stored
	_, ok = poll(n.Notified(), wa.Context())
	assert.True(t, ok, "the notification was not lost")
	futuretest.RequireMisuse(t, tasksync.ErrPolledAfterCancel, func() { c.Poll(future.NewContext(nil)) })
}

// TestNotifyPingPong passes a token between two goroutines through two
// Notifys; every NotifyOne is consumed exactly once.
func TestNotifyPingPong(t *testing.T) {
	var ping, pong tasksync.Notify
	rounds := 5000 / scale
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range rounds {
			future.BlockOn[struct{}](ping.Notified())
			pong.NotifyOne()
		}
	}()
	for range rounds {
		ping.NotifyOne()
		future.BlockOn[struct{}](pong.Notified())
	}
	wg.Wait()
	var w futuretest.CountWaker
	_, ok := poll(ping.Notified(), w.Context())
	require.False(t, ok, "no stray permit left")
}
