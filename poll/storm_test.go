package poll_test

// The abort storm of issue 12: tasks that hold permits, lock guards,
// timers and sockets at random stages of combinator chains (and async
// bodies with defer) are aborted at random moments; right afterwards,
// with no GC on the way, everything must be back. This file builds the
// tasks; storm_pooltest_test.go and storm_pool_test.go run them.
//
// Every resource a stage takes is counted in a ledger when taken and when
// given back. A task's future is wrapped in an owner probe that marks
// when it is being polled or cancelled; a release outside those
// sections, a second release of the same resource, or a poll that
// overlaps another poll or a Cancel of the same task is a violation.

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/stream"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/poll"
)

// The storms' sizes: 100,000 tasks each, also under -race (about a
// minute for both on two CPUs).
const (
	stormSeeds     = 1_000
	stormSeedTasks = 100
	stormPoolTasks = 100_000
)

// ledger counts what the storm's tasks take and give back.
type ledger struct {
	taken, given atomic.Int64
	onCancel     atomic.Int64 // given back by a Cancel (the rest by a poll)
	mu           sync.Mutex
	violations   []string
	kinds        map[string]int // taken, by kind
}

func (l *ledger) violate(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.violations) < 10 {
		l.violations = append(l.violations, fmt.Sprintf(format, args...))
	}
}

// String says how many resources of each kind were taken.
func (l *ledger) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return fmt.Sprint(l.kinds)
}

// check returns an error describing what is wrong with the ledger.
func (l *ledger) check() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.violations) > 0 {
		return fmt.Errorf("violations: %q", l.violations)
	}
	if t, g := l.taken.Load(), l.given.Load(); t != g {
		return fmt.Errorf("%d resources taken, %d given back", t, g)
	}
	return nil
}

// token is one resource taken.
type token struct {
	what  string
	given atomic.Bool
}

// owner marks the sections in which a task's future runs code: 1 while it
// is polled, 2 while it is cancelled, 0 otherwise.
type owner struct{ state atomic.Int32 }

func (l *ledger) take(what string) *token {
	l.taken.Add(1)
	l.mu.Lock()
	if l.kinds == nil {
		l.kinds = make(map[string]int)
	}
	l.kinds[what]++
	l.mu.Unlock()
	return &token{what: what}
}

// give records the release of t, which must happen inside a poll or a
// Cancel of the task o, once.
func (l *ledger) give(o *owner, t *token) {
	switch o.state.Load() {
	case 0:
		l.violate("%s released outside its task's poll and Cancel", t.what)
	case 2:
		l.onCancel.Add(1)
	}
	if t.given.Swap(true) {
		l.violate("%s released twice", t.what)
		return
	}
	l.given.Add(1)
}

// owned is the task's future under the owner probe.
type owned[T any] struct {
	f future.Future[T]
	o *owner
	l *ledger
}

func (w *owned[T]) Poll(cx *future.Context) future.Poll[T] {
	if !w.o.state.CompareAndSwap(0, 1) {
		w.l.violate("poll while the task is polled or cancelled (state %d)", w.o.state.Load())
	}
	p := w.f.Poll(cx)
	w.o.state.Store(0)
	return p
}

func (w *owned[T]) Cancel() {
	if !w.o.state.CompareAndSwap(0, 2) {
		w.l.violate("Cancel while the task is polled or cancelled (state %d)", w.o.state.Load())
	}
	future.Cancel(w.f)
	w.o.state.Store(0)
}

// stormEnv is what the tasks of a storm share.
type stormEnv struct {
	sems    []*tasksync.Semaphore
	mus     []*tasksync.Mutex
	never   *tasksync.Notify // never notified: a wait only an abort ends
	addr    string           // the listener's, or "" for no sockets
	l       *poll.Listener
	led     *ledger
	permits int
	// sleep is the longest sleep a stage takes.
	sleep time.Duration
}

func newStormEnv(permits, mutexes int, l *poll.Listener) *stormEnv {
	e := &stormEnv{never: new(tasksync.Notify), led: new(ledger), permits: permits, l: l, sleep: 2 * time.Millisecond}
	for range 2 {
		e.sems = append(e.sems, tasksync.NewSemaphore(permits))
	}
	for range mutexes {
		e.mus = append(e.mus, tasksync.NewMutex())
	}
	if l != nil {
		e.addr = l.Addr().String()
	}
	return e
}

// released returns an error unless every permit is back, no lock is held
// and the ledger balances.
func (e *stormEnv) released() error {
	for i, s := range e.sems {
		if n := s.Available(); n != e.permits {
			return fmt.Errorf("semaphore %d: %d of %d permits available", i, n, e.permits)
		}
	}
	for i, m := range e.mus {
		g, ok := m.TryLock()
		if !ok {
			return fmt.Errorf("mutex %d still locked", i)
		}
		g.Unlock()
	}
	return e.led.check()
}

type res = future.Result[int]

// stormTask builds one task: a chain of depth stages from rng, under the
// owner probe.
func (e *stormEnv) stormTask(rng *rand.Rand, depth int) future.Future[res] {
	o := new(owner)
	b := &builder{e: e, o: o, rng: rng}
	return &owned[res]{f: b.chain(depth), o: o, l: e.led}
}

type builder struct {
	e   *stormEnv
	o   *owner
	rng *rand.Rand
}

func (b *builder) chain(depth int) future.Future[res] {
	if depth == 0 {
		return b.leaf()
	}
	inner := b.chain(depth - 1)
	e, o := b.e, b.o
	switch b.rng.IntN(8) {
	case 0: // a permit for the rest of the chain
		type held struct {
			p *tasksync.Permit
			t *token
		}
		sem := e.sems[b.rng.IntN(len(e.sems))]
		return future.Using(future.MapOk(sem.Acquire(1), func(p *tasksync.Permit) held {
			return held{p, e.led.take("permit")}
		}), func(held) future.Future[res] { return inner }, func(h held) {
			e.led.give(o, h.t)
			h.p.Release()
		})
	case 1: // a lock guard held by a stage
		mu := e.mus[b.rng.IntN(len(e.mus))]
		return future.Then(mu.Lock(), func(g *tasksync.MutexGuard) future.Future[res] {
			t := e.led.take("guard")
			return future.Finally(inner, func() {
				e.led.give(o, t)
				g.Unlock()
			})
		})
	case 2: // a race: the loser is cancelled
		return future.Map(future.Race(inner, b.leaf()), func(r future.Raced[res]) res { return r.Value })
	case 3: // a join that fails early cancels the other
		return future.MapOk(future.TryJoin(inner, b.leaf()), func(vs []int) int { return vs[0] + vs[1] })
	case 4: // a deadline (a timer)
		return poll.TryTimeout(inner, time.Duration(b.rng.Int64N(int64(e.sleep)+1)))
	case 5: // a later stage, made when the first is done
		next := b.leaf()
		return future.AndThen(inner, func(int) future.Future[res] { return next })
	case 6: // an async body holding a permit in a defer
		sem := e.sems[b.rng.IntN(len(e.sems))]
		return async.Try(func(a *async.Awaiter) (int, error) {
			p, err := async.TryAwait(a, sem.Acquire(1))
			if err != nil {
				return 0, err
			}
			t := e.led.take("async permit")
			defer func() {
				e.led.give(o, t)
				p.Release()
			}()
			return async.TryAwait(a, inner)
		})
	default:
		return future.Map(inner, func(r res) res { return r })
	}
}

// leaf is a stage that waits: a few yields, a sleep, a wait only an abort
// ends, or, with sockets, a connection held while reading from it.
func (b *builder) leaf() future.Future[res] {
	e, o := b.e, b.o
	if e.addr != "" && b.rng.IntN(8) == 0 {
		switch b.rng.IntN(3) {
		case 0: // a dialled connection, read until an abort
			return b.useConn(poll.Dial("tcp", e.addr), "dialled conn", o)
		case 1: // an accepted one
			return b.useConn(e.l.Accept(), "accepted conn", o)
		default: // a listener of the stage's own, accepting until an abort
			return b.useListener(o)
		}
	}
	switch b.rng.IntN(5) {
	case 0:
		return yieldThen(b.rng.IntN(4), 1)
	case 1:
		d := time.Duration(b.rng.Int64N(int64(e.sleep) + 1))
		return future.Map(future.Future[struct{}](poll.Sleep(d)), func(struct{}) res { return future.Ok(1) })
	case 2:
		return future.Map(e.never.Notified(), func(struct{}) res { return future.Ok(1) })
	case 3: // a few ticks of an interval, through stream adapters
		n := 1 + b.rng.IntN(3)
		period := time.Duration(1 + b.rng.Int64N(int64(e.sleep)))
		return future.Map(stream.Collect(stream.Take(stream.Endless(poll.Interval(period)), n)),
			func([]time.Time) res { return future.Ok(1) })
	default:
		return future.Done(future.Err[int](errStorm))
	}
}

// useConn holds the connection c yields while it reads from it (nobody
// writes: only an abort or the deadline of a Timeout stage ends it).
func (b *builder) useConn(c future.Future[future.Result[*poll.Conn]], what string, o *owner) future.Future[res] {
	e := b.e
	type held struct {
		c *poll.Conn
		t *token
	}
	return future.Using(future.MapOk(c, func(c *poll.Conn) held { return held{c, e.led.take(what)} }),
		func(h held) future.Future[res] { return h.c.Read(make([]byte, 1)) },
		func(h held) {
			e.led.give(o, h.t)
			h.c.Close()
		})
}

// useListener opens a listener when first polled and accepts on it; no
// one dials it.
func (b *builder) useListener(o *owner) future.Future[res] {
	e := b.e
	type held struct {
		l *poll.Listener
		t *token
	}
	return future.Using(future.Lazy(func() future.Result[held] {
		l, err := poll.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return future.Err[held](err)
		}
		return future.Ok(held{l, e.led.take("listener")})
	}), func(h held) future.Future[res] {
		return future.MapOk(h.l.Accept(), func(c *poll.Conn) int {
			c.Close()
			return 1
		})
	}, func(h held) {
		e.led.give(o, h.t)
		h.l.Close()
	})
}

var errStorm = fmt.Errorf("a stage failed")

// yieldThen yields n times, then is Ok(v).
func yieldThen(n, v int) future.Future[res] {
	return future.Func[res](func(cx *future.Context) future.Poll[res] {
		if n == 0 {
			return future.Ready(future.Ok(v))
		}
		n--
		cx.Waker().Wake()
		return future.Pending[res]()
	})
}
