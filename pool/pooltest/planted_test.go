package pooltest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// This file plants bugs in small copies of tasksync's Notify and Mutex and
// checks that the deterministic executor finds each one, that the failing
// seed replays the same failure, and that the correct copy and the real
// primitive pass the very same seeds. The copies are single-goroutine
// (no locks): they only ever run under pooltest.

// notifier is what the ping-pong body needs from a Notify.
type notifier interface {
	NotifyOne()
	Notified() future.Future[struct{}]
}

// realNotify adapts tasksync.Notify.
type realNotify struct{ tasksync.Notify }

func (n *realNotify) Notified() future.Future[struct{}] { return n.Notify.Notified() }

// copyNotify is a copy of Notify's NotifyOne/Notified protocol with
// optional planted bugs.
type copyNotify struct {
	permit  bool
	waiters []*copyNotified
	// forgetRewaker keeps the waker of the first Pending poll only: the
	// future breaks rule 2 of the waker contract.
	forgetRewaker bool
	// dropPermit loses a NotifyOne made while nobody waits: a lost wakeup.
	dropPermit bool
}

type copyNotified struct {
	n        *copyNotify
	waker    future.Waker
	queued   bool
	notified bool
	done     bool
}

func (n *copyNotify) NotifyOne() {
	if len(n.waiters) > 0 {
		w := n.waiters[0]
		n.waiters = n.waiters[1:]
		w.queued, w.notified = false, true
		w.waker.Wake()
		return
	}
	if !n.dropPermit {
		n.permit = true
	}
}

func (n *copyNotify) Notified() future.Future[struct{}] { return &copyNotified{n: n} }

func (f *copyNotified) Poll(cx *future.Context) future.Poll[struct{}] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	switch {
	case f.notified:
	case !f.queued && f.n.permit:
		f.n.permit = false
	case !f.queued:
		f.queued = true
		f.waker = cx.Waker()
		f.n.waiters = append(f.n.waiters, f)
		return future.Pending[struct{}]()
	default:
		if !f.n.forgetRewaker {
			f.waker = cx.Waker()
		}
		return future.Pending[struct{}]()
	}
	f.done = true
	return future.Ready(struct{}{})
}

// pingPong runs rounds of NotifyOne handshakes between two tasks; with a
// correct Notify it always completes.
func pingPong(newNotify func() notifier) func(s *pooltest.Sched) {
	return func(s *pooltest.Sched) {
		ping, pong := newNotify(), newNotify()
		const rounds = 3
		count := 0
		goTask(s, func(a *async.Awaiter) struct{} {
			for range rounds {
				yieldN(s, a, 3)
				ping.NotifyOne()
				async.Await(a, pong.Notified())
			}
			return struct{}{}
		})
		goTask(s, func(a *async.Awaiter) struct{} {
			for range rounds {
				async.Await(a, ping.Notified())
				count++
				yieldN(s, a, 3)
				pong.NotifyOne()
			}
			return struct{}{}
		})
		s.Wait()
		require.Equal(s, rounds, count)
	}
}

// findAndReplay checks that buggy fails on some seed of the first n, that
// running that seed again fails with the same messages, and that every
// correct implementation passes all the seeds up to it.
func findAndReplay(t *testing.T, n int, buggy func(*pooltest.Sched), want string, correct ...func(*pooltest.Sched)) {
	t.Helper()
	for _, mode := range []struct {
		name string
		opts []pooltest.Option
	}{
		{"random", nil},
		{"pct", []pooltest.Option{pooltest.PCT(3, 60)}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			findAndReplayWith(t, n, append(mode.opts, pooltest.IdleTimeout(5*time.Millisecond)), buggy, want, correct...)
		})
	}
}

func findAndReplayWith(t *testing.T, n int, opts []pooltest.Option, buggy func(*pooltest.Sched), want string, correct ...func(*pooltest.Sched)) {
	t.Helper()
	f := pooltest.Explore(pooltest.Seeds(1, n), buggy, opts...)
	require.NotNil(t, f, "the planted bug survived %d schedules", n)
	assert.Contains(t, f.Error(), want)
	t.Logf("planted bug found by seed %d:\n%s", f.Seed, f.Error())

	again := pooltest.Explore([]uint64{f.Seed}, buggy, opts...)
	require.NotNil(t, again, "seed %d did not fail again", f.Seed)
	assert.Equal(t, f.Messages, again.Messages, "seed %d failed differently the second time", f.Seed)
	assert.Equal(t, f.Trace, again.Trace, "seed %d scheduled differently the second time", f.Seed)
	assert.NotEmpty(t, f.Trace)

	for i, body := range correct {
		assert.Nil(t, pooltest.Explore(pooltest.Seeds(1, int(f.Seed)+200), body, opts...),
			"correct implementation %d failed", i)
	}
}

func TestPlantedStaleWakerIsFoundAndReplays(t *testing.T) {
	findAndReplay(t, 2000,
		pingPong(func() notifier { return &copyNotify{forgetRewaker: true} }),
		"deadlock: ",
		pingPong(func() notifier { return &copyNotify{} }),
		pingPong(func() notifier { return &realNotify{} }))
}

func TestPlantedLostWakeupIsFoundAndReplays(t *testing.T) {
	findAndReplay(t, 2000,
		pingPong(func() notifier { return &copyNotify{dropPermit: true} }),
		"deadlock: 2 tasks pending",
		pingPong(func() notifier { return &copyNotify{} }),
		pingPong(func() notifier { return &realNotify{} }))
}

// copyMutex is a copy of a mutex's lock protocol with an optional
// check-then-act race: its lock future sees the mutex free in one poll,
// yields (to be "fair"), and takes it in a later poll without looking
// again.
type copyMutex struct {
	locked    bool
	waiters   []future.Waker
	checkThen bool
}

type copyLock struct {
	m       *copyMutex
	sawFree bool
}

func (f *copyLock) Poll(cx *future.Context) future.Poll[func()] {
	m := f.m
	if f.sawFree || !m.locked {
		if m.checkThen && !f.sawFree {
			f.sawFree = true
			cx.Waker().Wake()
			return future.Pending[func()]()
		}
		m.locked = true
		return future.Ready(m.unlock)
	}
	m.waiters = append(m.waiters, cx.Waker())
	return future.Pending[func()]()
}

func (m *copyMutex) unlock() {
	m.locked = false
	ws := m.waiters
	m.waiters = nil
	for _, w := range ws {
		w.Wake()
	}
}

// locker makes the lock function of one run's mutex; the lock future's
// value is the unlock function.
type locker func() func() future.Future[func()]

func copyLocker(checkThen bool) locker {
	return func() func() future.Future[func()] {
		m := &copyMutex{checkThen: checkThen}
		return func() future.Future[func()] { return &copyLock{m: m} }
	}
}

func realLocker() func() future.Future[func()] {
	m := tasksync.NewMutex()
	return func() future.Future[func()] {
		return future.Map(future.Future[*tasksync.MutexGuard](m.Lock()), func(g *tasksync.MutexGuard) func() { return g.Unlock })
	}
}

// exclusion has tasks take a lock around a read-modify-write that spans
// suspensions.
func exclusion(newLock locker) func(s *pooltest.Sched) {
	return func(s *pooltest.Sched) {
		lock := newLock()
		inside, counter := 0, 0
		const tasks, rounds = 3, 2
		for range tasks {
			goTask(s, func(a *async.Awaiter) struct{} {
				for range rounds {
					yieldN(s, a, 2)
					unlock := async.Await(a, lock())
					inside++
					require.Equal(s, 1, inside, "two tasks hold the mutex")
					c := counter
					yieldN(s, a, 2)
					counter = c + 1
					inside--
					unlock()
				}
				return struct{}{}
			})
		}
		s.Wait()
		require.Equal(s, tasks*rounds, counter)
	}
}

func TestPlantedCheckThenActIsFoundAndReplays(t *testing.T) {
	findAndReplay(t, 2000,
		exclusion(copyLocker(true)),
		"two tasks hold the mutex",
		exclusion(copyLocker(false)),
		exclusion(realLocker))
}
