package tasksync_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
)

func TestNotifyOneStoresOnePermit(t *testing.T) {
	var n tasksync.Notify
	n.NotifyOne()
	n.NotifyOne() // permits do not add up
	var w countWaker
	_, ok := poll(n.Notified(), w.cx())
	assert.True(t, ok, "the stored permit is consumed at once")
	f := n.Notified()
	_, ok = poll(f, w.cx())
	assert.False(t, ok, "only one permit was stored")
	assert.Equal(t, 1, n.Waiters())
	n.NotifyOne()
	assert.Equal(t, 1, w.count())
	_, ok = poll(f, w.cx())
	assert.True(t, ok)
	assert.Equal(t, 0, n.Waiters())
}

func TestNotifyOneWakesOldest(t *testing.T) {
	var n tasksync.Notify
	var wa, wb countWaker
	a, b := n.Notified(), n.Notified()
	_, _ = poll(a, wa.cx())
	_, _ = poll(b, wb.cx())
	n.NotifyOne()
	assert.Equal(t, 1, wa.count())
	assert.Zero(t, wb.count())
	_, ok := poll(b, wb.cx())
	assert.False(t, ok)
	_, ok = poll(a, wa.cx())
	assert.True(t, ok)
	b.Cancel()
}

func TestNotifyWaitersWakesAllCreatedBefore(t *testing.T) {
	var n tasksync.Notify
	var wa, wb countWaker
	a := n.Notified()
	_, _ = poll(a, wa.cx())
	b := n.Notified() // created but not yet polled: still counts
	n.NotifyWaiters()
	after := n.Notified()
	assert.Equal(t, 1, wa.count())
	_, ok := poll(a, wa.cx())
	assert.True(t, ok)
	_, ok = poll(b, wb.cx())
	assert.True(t, ok, "created before NotifyWaiters")
	_, ok = poll(after, wb.cx())
	assert.False(t, ok, "NotifyWaiters stores no permit")
	after.Cancel()
	assert.Equal(t, 0, n.Waiters())
}

func TestNotifyCancelledGrantIsPassedOn(t *testing.T) {
	var n tasksync.Notify
	var wa, wb countWaker
	a, b := n.Notified(), n.Notified()
	_, _ = poll(a, wa.cx())
	_, _ = poll(b, wb.cx())
	n.NotifyOne() // to a
	a.Cancel()    // a gives up: b gets it
	assert.Equal(t, 1, wb.count())
	_, ok := poll(b, wb.cx())
	assert.True(t, ok)

	c := n.Notified()
	_, _ = poll(c, wa.cx())
	n.NotifyOne()
	c.Cancel() // nobody else waits: the permit is stored
	_, ok = poll(n.Notified(), wa.cx())
	assert.True(t, ok, "the notification was not lost")
	assertMisuse(t, tasksync.ErrPolledAfterCancel, func() { c.Poll(future.NewContext(nil)) })
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
	var w countWaker
	_, ok := poll(ping.Notified(), w.cx())
	require.False(t, ok, "no stray permit left")
}
