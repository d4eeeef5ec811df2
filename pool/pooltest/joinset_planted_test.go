package pooltest_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/pool/joinset"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// This file plants bugs in a small copy of JoinSet's Next protocol (the
// ready queue of woken entries, the one waker of Next) and checks that
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
	// dropBatchRest forgets, when an entry of the polled batch is Ready,
	// to queue again the entries of the batch after it: their wakes were
	// consumed, their handles never polled, so they are lost.
	dropBatchRest bool
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
	if !c.registerOnce || c.waker == nil {
		c.waker = cx.Waker()
	}
	batch := c.ready
	c.ready = nil
	for _, e := range batch {
		e.queued = false
	}
	for i, e := range batch {
		e.cx = cx.With(e)
		r, ok := e.h.Poll(&e.cx).Value()
		if !ok {
			continue
		}
		if !c.dropBatchRest {
			for _, rest := range batch[i+1:] {
				if !rest.queued {
					rest.queued = true
					c.ready = append(c.ready, rest)
				}
			}
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

func TestPlantedJoinSetLostBatchIsFoundAndReplays(t *testing.T) {
	findAndReplay(t, 2000,
		collectAll(func() joinSetLike { return &copySet{dropBatchRest: true} }),
		"deadlock: 1 tasks pending",
		collectAll(func() joinSetLike { return &copySet{} }),
		collectAll(func() joinSetLike { return &realJoinSet{} }))
}
