package pool_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runLog records the order in which tasks ran.
type runLog struct {
	mu    sync.Mutex
	names []string
}

func (l *runLog) add(name string) {
	l.mu.Lock()
	l.names = append(l.names, name)
	l.mu.Unlock()
}

func (l *runLog) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.names)
}

// spawnEventTasks spawns n tasks on p that each wait for an event of d and
// then log "e<i>", and returns once all of them wait.
func spawnEventTasks(t *testing.T, p *pool.Pool, d *fakeDriver, n int, log *runLog) ([]*driverWait, []*pool.JoinHandle[struct{}]) {
	evs := make([]*driverWait, n)
	hs := make([]*pool.JoinHandle[struct{}], n)
	for i := range evs {
		evs[i] = &driverWait{}
		hs[i] = pool.Spawn(p, future.Map(future.Future[struct{}](evs[i]), func(struct{}) struct{} {
			log.add(fmt.Sprint("e", i))
			return struct{}{}
		}))
	}
	require.Eventually(t, func() bool {
		d.mu.Lock()
		defer d.mu.Unlock()
		return len(d.waiting) == n
	}, 10*time.Second, 100*time.Microsecond)
	return evs, hs
}

// triggerAll makes every event of evs ready at once, so that one Park
// delivers them all.
func (d *fakeDriver) triggerAll(evs []*driverWait) {
	d.mu.Lock()
	for _, e := range evs {
		e.fired.Store(true)
		d.ready = append(d.ready, e)
	}
	d.mu.Unlock()
	d.Unpark()
}

func names(prefix string, n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprint(prefix, i)
	}
	return s
}

// TestDriverWakesRunInEventOrder: more events at once than the local
// queue holds, delivered to a worker asleep in the driver, run in the
// order of their events. They used to go through the LIFO slot (the last
// event ran first) and overflow the ring (its oldest half went behind the
// rest).
func TestDriverWakesRunInEventOrder(t *testing.T) {
	d := newFakeDriver()
	p, err := pool.New(pool.WithWorkers(1), pool.WithDriver(d), pool.WithLocalQueueSize(4))
	require.NoError(t, err)
	defer func() { require.NoError(t, p.Shutdown(context.Background())) }()
	var log runLog
	const n = 20
	evs, hs := spawnEventTasks(t, p, d, n, &log)
	d.triggerAll(evs)
	for _, h := range hs {
		_, err := wait(t, h)
		require.NoError(t, err)
	}
	assert.Equal(t, names("e", n), log.get())
}

// TestDriverWakesQueueBehindWaitingWork: a busy worker's driver poll does
// not put the tasks it wakes ahead of older work waiting in the injection
// queue. They used to take the LIFO slot and the local ring, and run
// before tasks that had waited longer.
func TestDriverWakesQueueBehindWaitingWork(t *testing.T) {
	d := newFakeDriver()
	p, err := pool.New(pool.WithWorkers(1), pool.WithDriver(d), pool.WithLocalQueueSize(4))
	require.NoError(t, err)
	defer func() { require.NoError(t, p.Shutdown(context.Background())) }()
	var log runLog
	const nEvents = 5
	evs, hs := spawnEventTasks(t, p, d, nEvents, &log)

	// Hold the only worker while older work queues up, so that it is busy
	// from the moment it is released: it reaches the driver through its
	// every-driverInterval poll, with the older work still queued.
	started, release := make(chan struct{}), make(chan struct{})
	blocker := pool.Spawn(p, future.Func[struct{}](func(*future.Context) future.Poll[struct{}] {
		close(started)
		<-release
		return future.Ready(struct{}{})
	}))
	<-started
	const nOld = 300 // several driverIntervals' worth
	for i := range nOld {
		hs = append(hs, pool.Spawn(p, future.Func[struct{}](func(*future.Context) future.Poll[struct{}] {
			log.add(fmt.Sprint("r", i))
			return future.Ready(struct{}{})
		})))
	}
	d.triggerAll(evs)
	close(release)
	_, err = wait(t, blocker)
	require.NoError(t, err)
	for _, h := range hs {
		_, err := wait(t, h)
		require.NoError(t, err)
	}
	// Among the older tasks the order is not FIFO (every
	// globalQueueInterval ticks one is taken from the injection queue
	// ahead of the ring), but all of them run before the events.
	got := log.get()
	require.Len(t, got, nOld+nEvents)
	assert.ElementsMatch(t, names("r", nOld), got[:nOld])
	assert.Equal(t, names("e", nEvents), got[nOld:])
	assert.Positive(t, d.byPoll.Load(), "the events came through a busy worker's poll")
}
