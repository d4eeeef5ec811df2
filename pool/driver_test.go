package pool_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeDriver is a future.Driver for tests: events are triggered by the
// test, and Park delivers them to the wakers registered by driverWait
// futures through WakeFrom, as the reactor does. It records how Park is
// called: never by two goroutines at once, always with a worker's Context.
type fakeDriver struct {
	mu      sync.Mutex
	waiting map[*driverWait]future.Waker
	ready   []*driverWait

	unpark     chan struct{}
	inPark     atomic.Int32
	maxInPark  atomic.Int32
	blocking   atomic.Int64 // Park(cx, -1) calls
	polls      atomic.Int64 // Park(cx, 0) calls
	noExt      atomic.Int64 // Park calls without an executor in cx
	byPoll     atomic.Int64 // events delivered by a Park(cx, 0)
	closed     atomic.Bool
	unparkCall atomic.Int64
}

func newFakeDriver() *fakeDriver {
	return &fakeDriver{waiting: map[*driverWait]future.Waker{}, unpark: make(chan struct{}, 1)}
}

func (d *fakeDriver) Park(cx *future.Context, timeout time.Duration) {
	n := d.inPark.Add(1)
	defer d.inPark.Add(-1)
	for {
		m := d.maxInPark.Load()
		if n <= m || d.maxInPark.CompareAndSwap(m, n) {
			break
		}
	}
	if cx.Ext() == nil {
		d.noExt.Add(1)
	}
	if timeout == 0 {
		d.polls.Add(1)
		if d.fire(cx) {
			d.byPoll.Add(1)
		}
		return
	}
	d.blocking.Add(1)
	if !d.fire(cx) {
		<-d.unpark // no timeout: only Unpark ends it
	}
	d.fire(cx)
}

// fire wakes the wakers of triggered events and reports whether any were.
func (d *fakeDriver) fire(cx *future.Context) bool {
	d.mu.Lock()
	var ws []future.Waker
	for _, e := range d.ready {
		if w, ok := d.waiting[e]; ok {
			ws = append(ws, w)
			delete(d.waiting, e)
		}
	}
	d.ready = d.ready[:0]
	d.mu.Unlock()
	for _, w := range ws {
		future.WakeFrom(cx, w)
	}
	return len(ws) > 0
}

func (d *fakeDriver) Unpark() {
	d.unparkCall.Add(1)
	select {
	case d.unpark <- struct{}{}:
	default:
	}
}

func (d *fakeDriver) Close() error {
	d.closed.Store(true)
	return nil
}

// trigger makes e ready; the next Park delivers it.
func (d *fakeDriver) trigger(e *driverWait) {
	d.mu.Lock()
	e.fired.Store(true)
	d.ready = append(d.ready, e)
	d.mu.Unlock()
	d.Unpark()
}

// driverWait is a future that waits for an event of the driver found in
// its Context, like a reactor's I/O future.
type driverWait struct {
	fired atomic.Bool
}

func (e *driverWait) Poll(cx *future.Context) future.Poll[struct{}] {
	d := cx.Driver().(*fakeDriver)
	d.mu.Lock()
	defer d.mu.Unlock()
	if e.fired.Load() {
		return future.Ready(struct{}{})
	}
	d.waiting[e] = cx.Waker()
	return future.Pending[struct{}]()
}

func TestDriverProtocol(t *testing.T) {
	d := newFakeDriver()
	p, err := pool.New(pool.WithWorkers(3), pool.WithDriver(d))
	require.NoError(t, err)
	n := 300 / scale
	evs := make([]*driverWait, n)
	hs := make([]*pool.JoinHandle[struct{}], n)
	for i := range evs {
		evs[i] = &driverWait{}
		hs[i] = pool.Spawn(p, future.Future[struct{}](evs[i]))
	}
	for i, e := range evs {
		d.trigger(e)
		if i%10 == 0 {
			time.Sleep(50 * time.Microsecond) // let workers go idle now and then
		}
	}
	for _, h := range hs {
		_, err := wait(t, h)
		require.NoError(t, err)
	}
	// An idle pool: a spawn from outside must unpark the worker blocked
	// in the driver (Park only returns on Unpark).
	require.Eventually(t, func() bool { return d.inPark.Load() == 1 }, 10*time.Second, 100*time.Microsecond,
		"an idle pool parks one worker in the driver")
	before := d.unparkCall.Load()
	v, err := wait(t, pool.Spawn(p, readyF(9)))
	require.NoError(t, err)
	assert.Equal(t, 9, v)
	require.NoError(t, p.Shutdown(context.Background()))
	assert.Equal(t, int32(1), d.maxInPark.Load(), "two workers in Park at once")
	assert.Positive(t, d.blocking.Load())
	assert.Greater(t, d.unparkCall.Load(), before)
	assert.Zero(t, d.noExt.Load())
	assert.True(t, d.closed.Load(), "Shutdown closes an io.Closer driver")
	st := p.Stats()
	var driverParks uint64
	for _, w := range st.PerWorker {
		driverParks += w.DriverParks
	}
	assert.Positive(t, driverParks)
}

// TestDriverPolledWhileBusy: a worker that never goes idle still collects
// driver events, through Park(cx, 0) every so many ticks.
func TestDriverPolledWhileBusy(t *testing.T) {
	d := newFakeDriver()
	p, err := pool.New(pool.WithWorkers(1), pool.WithDriver(d))
	require.NoError(t, err)
	defer func() { require.NoError(t, p.Shutdown(context.Background())) }()
	e := &driverWait{}
	he := pool.Spawn(p, future.Future[struct{}](e))
	// A busy task: yields until the event's task completed. While it
	// runs the worker always has work, so it never parks in the driver.
	var running atomic.Bool
	busy := future.Func[int](func(cx *future.Context) future.Poll[int] {
		running.Store(true)
		if he.IsFinished() {
			return future.Ready(1)
		}
		cx.Waker().Wake()
		return future.Pending[int]()
	})
	hb := pool.Spawn(p, future.Future[int](busy))
	for !running.Load() {
		time.Sleep(50 * time.Microsecond)
	}
	d.trigger(e)
	_, err = wait(t, hb)
	require.NoError(t, err)
	assert.Positive(t, d.polls.Load())
	assert.Equal(t, int64(1), d.byPoll.Load(), "the event came through a zero-timeout poll")
}
