package pool_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mailbox is a task that receives messages: a sender adds to inbox and
// wakes the task's last waker. The task is done when it has received what
// the plan sends it and sent its own share: a lost wake leaves it pending
// forever, so completing proves that every wake led to a poll.
type mailbox struct {
	inbox    atomic.Int64
	waker    atomic.Pointer[future.Waker]
	running  atomic.Bool
	overlaps *atomic.Int64
	polls    atomic.Int64

	expect   int64
	received int64
	targets  []*mailbox // whom this task sends to, one message each
	sent     int
}

// send delivers one message to m, from inside a poll (cx) or not (nil).
func (m *mailbox) send(cx *future.Context) {
	m.inbox.Add(1)
	if w := m.waker.Load(); w != nil {
		future.WakeFrom(cx, *w)
	}
}

func (m *mailbox) Poll(cx *future.Context) future.Poll[int64] {
	if m.running.Swap(true) {
		m.overlaps.Add(1) // polled by two workers at once
	}
	defer m.running.Store(false)
	m.polls.Add(1)
	w := cx.Waker()
	m.waker.Store(&w) // before reading the inbox: see send
	m.received += m.inbox.Swap(0)
	for k := 0; k < 4 && m.sent < len(m.targets); k++ {
		m.targets[m.sent].send(cx)
		m.sent++
	}
	if m.sent < len(m.targets) {
		cx.Waker().Wake() // yield, then send more
		return future.Pending[int64]()
	}
	if m.received < m.expect {
		return future.Pending[int64]()
	}
	if m.received > m.expect {
		panic("more messages than sent")
	}
	return future.Ready(m.received)
}

func TestStressWakesAcrossWorkersAndGoroutines(t *testing.T) {
	p := newPool(t, pool.WithWorkers(3), pool.WithLocalQueueSize(64))
	tasks := 2000 / scale
	perTask := 1000 / scale
	foreign, perForeign := 4, 100000/scale
	var overlaps atomic.Int64
	rng := rand.New(rand.NewPCG(1, 2))
	ms := make([]*mailbox, tasks)
	for i := range ms {
		ms[i] = &mailbox{overlaps: &overlaps}
	}
	for _, m := range ms {
		for k := 0; k < perTask; k++ {
			to := ms[rng.IntN(tasks)]
			m.targets = append(m.targets, to)
			to.expect++
		}
	}
	plans := make([][]*mailbox, foreign)
	for g := range plans {
		for k := 0; k < perForeign; k++ {
			to := ms[rng.IntN(tasks)]
			plans[g] = append(plans[g], to)
			to.expect++
		}
	}
	hs := make([]*pool.JoinHandle[int64], tasks)
	for i, m := range ms {
		hs[i] = pool.Spawn(p, future.Future[int64](m))
	}
	var wg sync.WaitGroup
	for _, plan := range plans {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, m := range plan {
				m.send(nil)
			}
		}()
	}
	wg.Wait()
	var total int64
	for i, h := range hs {
		v, err := wait(t, h)
		require.NoError(t, err)
		require.Equal(t, ms[i].expect, v)
		total += v
	}
	assert.Equal(t, int64(tasks*perTask+foreign*perForeign), total)
	assert.Zero(t, overlaps.Load(), "a task was polled by two workers at once")
	st := p.Stats()
	var polls int64
	for _, m := range ms {
		polls += m.polls.Load()
	}
	t.Logf("messages %d, task polls %d, stats %+v", total, polls, st.PerWorker)
	assert.Equal(t, 0, st.Live)
}

// TestStressPingPongChains wakes pairs of tasks back and forth from inside
// their polls (WakeFrom: the LIFO slot) while spawns arrive from outside:
// the LIFO bound must let the outside tasks run.
func TestStressPingPongChains(t *testing.T) {
	p := newPool(t, pool.WithWorkers(2))
	rounds := int64(200000 / scale)
	var overlaps atomic.Int64
	a := &mailbox{overlaps: &overlaps}
	b := &mailbox{overlaps: &overlaps}
	// a and b each send rounds messages to the other.
	for i := int64(0); i < rounds; i++ {
		a.targets = append(a.targets, b)
		b.targets = append(b.targets, a)
	}
	a.expect, b.expect = rounds, rounds
	ha := pool.Spawn(p, future.Future[int64](a))
	hb := pool.Spawn(p, future.Future[int64](b))
	// Meanwhile outside tasks must get through.
	for i := 0; i < 100; i++ {
		v, err := wait(t, pool.Spawn(p, readyF(i)))
		require.NoError(t, err)
		require.Equal(t, i, v)
	}
	va, err := wait(t, ha)
	require.NoError(t, err)
	vb, err := wait(t, hb)
	require.NoError(t, err)
	assert.Equal(t, rounds, va)
	assert.Equal(t, rounds, vb)
	assert.Zero(t, overlaps.Load())
}

// racer is a task that counts its polls and never completes by itself.
type racer struct {
	polls   atomic.Int64
	waker   atomic.Pointer[future.Waker]
	running atomic.Bool
	overlap atomic.Bool
	doneAt  int64 // complete at this poll (0: never)
}

func (r *racer) Poll(cx *future.Context) future.Poll[int] {
	if r.running.Swap(true) {
		r.overlap.Store(true)
	}
	defer r.running.Store(false)
	w := cx.Waker()
	r.waker.Store(&w)
	if n := r.polls.Add(1); r.doneAt > 0 && n >= r.doneAt {
		return future.Ready(int(n))
	}
	return future.Pending[int]()
}

func (r *racer) wake() {
	if w := r.waker.Load(); w != nil {
		(*w).Wake()
	}
}

// TestAbortRaces races Abort against wakes and completion. Either outcome
// is fine, but it must be consistent: an aborted task is never polled
// after Abort returned (unless it was in the middle of a poll), and a
// completed one keeps its value.
func TestAbortRaces(t *testing.T) {
	p := newPool(t, pool.WithWorkers(2))
	n := 2000 / scale
	aborted, completed := 0, 0
	for i := 0; i < n; i++ {
		r := &racer{doneAt: int64(1 + i%5)}
		h := pool.Spawn(p, future.Future[int](r))
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			for k := 0; k < 10; k++ {
				r.wake()
			}
		}()
		go func() {
			defer wg.Done()
			if i%3 != 0 {
				time.Sleep(time.Duration(i%7) * time.Microsecond)
			}
			h.Abort()
		}()
		wg.Wait()
		v, err := wait(t, h)
		if err != nil {
			require.ErrorIs(t, err, pool.ErrAborted)
			aborted++
			seen := r.polls.Load()
			for k := 0; k < 10; k++ {
				r.wake()
			}
			// Give workers a chance to (wrongly) poll it.
			_, _ = wait(t, pool.Spawn(p, readyF(0)))
			_, _ = wait(t, pool.Spawn(p, readyF(0)))
			// The poll in progress at Abort may still count; none after it.
			require.LessOrEqual(t, r.polls.Load(), seen, "polled after abort completed")
		} else {
			require.Equal(t, int(r.doneAt), v)
			completed++
		}
		require.False(t, r.overlap.Load())
	}
	t.Logf("aborted %d, completed %d", aborted, completed)
	assert.Equal(t, n, aborted+completed)
	// Every handle was waited for: Live counts none of them (Stats.Live).
	assert.Equal(t, 0, p.Stats().Live)
}

// TestShutdownUnderLoad shuts a pool down while tasks are pending, running
// (yielding forever) and being woken from outside: every handle completes,
// every worker exits (goleak checks after the test).
func TestShutdownUnderLoad(t *testing.T) {
	for iter := 0; iter < 20/scale+1; iter++ {
		p, err := pool.New(pool.WithWorkers(2))
		require.NoError(t, err)
		var hs []*pool.JoinHandle[int]
		var rs []*racer
		for i := 0; i < 200; i++ {
			r := &racer{}
			rs = append(rs, r)
			hs = append(hs, pool.Spawn(p, future.Future[int](r)))
			hs = append(hs, pool.Spawn(p, future.Future[int](&yieldN{n: 1 << 30})))
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				for _, r := range rs {
					r.wake()
				}
			}
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
		err = p.Shutdown(ctx)
		cancel()
		require.ErrorIs(t, err, context.DeadlineExceeded)
		close(stop)
		wg.Wait()
		for _, h := range hs {
			_, err := h.Wait(context.Background())
			require.ErrorIs(t, err, pool.ErrClosed)
		}
		// Every handle was waited for: Live counts none of them.
		assert.Equal(t, 0, p.Stats().Live)
	}
}
