package pooltest_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/pool/joinset"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// This file plants bugs in a small copy of JoinSet's Next protocol (the
// FIFO of woken entries, the one waker of Next) and checks that
// the deterministic executor finds each, that the failing seed replays
// the same failure, and that the correct copy and the real JoinSet pass
// the very same seeds. The copy is single-goroutine (no lock): it only
// ever runs under pooltest. findAndReplay is in planted_test.go.

// joinSetLike is what the collecting body needs from a JoinSet.
type joinSetLike interface {
	Spawn(s *pooltest.Sched, f future.Future[int])
	Next() future.Future[future.Result[int]]
}

// realJoinSet adapts joinset.JoinSet, on the run's scheduler.
type realJoinSet struct{ set *joinset.JoinSet[int] }

func (r *realJoinSet) Spawn(s *pooltest.Sched, f future.Future[int]) {
	if r.set == nil {
		r.set = joinset.NewOn[int](s, pooltest.SpawnJoin)
	}
	r.set.SpawnOk(f)
}

func (r *realJoinSet) Next() future.Future[future.Result[int]] { return r.set.Next() }

// copySet is a copy of joinset's Next protocol with optional planted bugs.
type copySet struct {
	n     int          // entries not yet returned
	ready []*copyEntry // woken entries, in wake order
	waker future.Waker // Next's, from its latest Pending poll
	// registerOnce keeps Next's waker only when it has none: the waker
	// of an earlier poll survives a later poll, against rule 2 of the
	// waker contract.
	registerOnce bool
	// registerWhenIdle stores Next's waker only when no entry is queued,
	// as if queued entries made it needless: when they are all Pending,
	// their later wakes find no waker to pass on.
	registerWhenIdle bool
	// keepReturned polls an entry it finds in the queue after returning
	// its result, instead of dropping it: a handle that woke its entry
	// during the poll that returned the result (a legal extra wake) is
	// polled after Ready.
	keepReturned bool
}

type copyEntry struct {
	s      *copySet
	h      *pooltest.JoinHandle[int]
	queued bool
	live   bool
	cx     future.Context
}

// Wake queues the entry and wakes Next, as joinset's entry.wake does.
func (e *copyEntry) Wake() {
	if e.queued || !e.live {
		return
	}
	e.queued = true
	e.s.ready = append(e.s.ready, e)
	if w := e.s.waker; w != nil {
		e.s.waker = nil
		w.Wake()
	}
}

func (c *copySet) Spawn(s *pooltest.Sched, f future.Future[int]) {
	e := &copyEntry{s: c, h: pooltest.SpawnJoin(s, f), queued: true, live: true}
	c.n++
	c.ready = append(c.ready, e)
	if w := c.waker; w != nil {
		c.waker = nil
		w.Wake()
	}
}

func (c *copySet) Next() future.Future[future.Result[int]] {
	return future.Func[future.Result[int]](c.pollNext)
}

func (c *copySet) pollNext(cx *future.Context) future.Poll[future.Result[int]] {
	if c.n == 0 {
		return future.Ready(future.Err[int](joinset.ErrEmpty))
	}
	switch {
	case c.registerWhenIdle && len(c.ready) > 0:
	case !c.registerOnce || c.waker == nil:
		c.waker = cx.Waker()
	}
	for n := len(c.ready); n > 0; n-- {
		e := c.ready[0]
		c.ready = c.ready[1:]
		e.queued = false
		if !e.live && !c.keepReturned {
			continue
		}
		e.cx = cx.With(e)
		r, ok := e.h.Poll(&e.cx).Value()
		if !ok {
			continue
		}
		e.live = false
		c.n--
		return future.Ready(r)
	}
	return future.Pending[future.Result[int]]()
}

// collectAll spawns tasks that finish after random yields into a set
// and collects them with Next from a task that yields between results;
// with a correct set every value comes back.
func collectAll(newSet func() joinSetLike) func(s *pooltest.Sched) {
	return func(s *pooltest.Sched) {
		set := newSet()
		n := 2 + s.Rand().IntN(4)
		for i := range n {
			set.Spawn(s, yields(s.Rand().IntN(4), i, nil))
		}
		var got []int
		goTask(s, func(a *async.Awaiter) struct{} {
			for len(got) < n {
				yieldN(s, a, 3)
				v, err := async.Await(a, set.Next()).Get()
				require.NoError(s, err)
				got = append(got, v)
			}
			return struct{}{}
		})
		s.Wait()
		slices.Sort(got)
		for i, v := range got {
			require.Equal(s, i, v)
		}
	}
}

func TestPlantedJoinSetStaleWakerIsFoundAndReplays(t *testing.T) {
	findAndReplay(t, 2000,
		collectAll(func() joinSetLike { return &copySet{registerOnce: true} }),
		"deadlock: ",
		collectAll(func() joinSetLike { return &copySet{} }),
		collectAll(func() joinSetLike { return &realJoinSet{} }))
}

func TestPlantedJoinSetUnregisteredNextIsFoundAndReplays(t *testing.T) {
	findAndReplay(t, 2000,
		collectAll(func() joinSetLike { return &copySet{registerWhenIdle: true} }),
		"deadlock: 1 tasks pending",
		collectAll(func() joinSetLike { return &copySet{} }),
		collectAll(func() joinSetLike { return &realJoinSet{} }))
}

// The real JoinSet had this bug (it polled a nil handle) until
// SpawnJoin's extra joiner wakes found it. The failure is a panic, whose
// message holds a stack that differs from run to run, so it is compared
// by its first line.
func TestPlantedJoinSetPollOfAReturnedEntryIsFoundAndReplays(t *testing.T) {
	findAndReplayPanic(t, 2000,
		collectAll(func() joinSetLike { return &copySet{keepReturned: true} }),
		"future polled after it returned Ready",
		collectAll(func() joinSetLike { return &copySet{} }),
		collectAll(func() joinSetLike { return &realJoinSet{} }))
}

// findAndReplayPanic is findAndReplay for bugs that fail by a panic.
func findAndReplayPanic(t *testing.T, n int, buggy func(*pooltest.Sched), want string, correct ...func(*pooltest.Sched)) {
	t.Helper()
	opts := []pooltest.Option{pooltest.IdleTimeout(5 * time.Millisecond)}
	f := pooltest.Explore(pooltest.Seeds(1, n), buggy, opts...)
	require.NotNil(t, f, "the planted bug survived %d schedules", n)
	require.NotEmpty(t, f.Messages)
	assert.Contains(t, f.Messages[0], want)
	again := pooltest.Explore([]uint64{f.Seed}, buggy, opts...)
	require.NotNil(t, again, "seed %d did not fail again", f.Seed)
	assert.Equal(t, firstLines(f.Messages), firstLines(again.Messages), "seed %d failed differently the second time", f.Seed)
	assert.Equal(t, f.Trace, again.Trace, "seed %d scheduled differently the second time", f.Seed)
	for i, body := range correct {
		assert.Nil(t, pooltest.Explore(pooltest.Seeds(1, int(f.Seed)+200), body, opts...), "correct implementation %d failed", i)
	}
}

func firstLines(msgs []string) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i], _, _ = strings.Cut(m, "\n")
	}
	return out
}
