package pooltest_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/joinset"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// These tests run joinset.JoinSet on the deterministic executor (through
// joinset.NewOn and pooltest.SpawnJoin) over many schedules: children
// that finish in every order, some waiting on gates that another task
// opens, spawns while Next waits, Next futures dropped while Pending,
// aborts from inside a child's poll, spurious polls and late wakes.
//
// Every child is a jsKid that records what happened to it, so the tests
// check each child against the result the set reported for it.

// jsIdle is the idle timeout of these runs: every wake comes from inside
// the run, so a run with nothing ready for this long is deadlocked.
var jsIdle = pooltest.IdleTimeout(50 * time.Millisecond)

// runJS runs body over seeds schedules of uniform random picks, then over
// seeds/2 under PCT, which starves a task for long stretches (a child, or
// the collector while children pile up in the ready queue), then over
// seeds/2 with a cooperative budget so tight (tight is true) that the set
// runs out of it in most polls: handles then wake their entries
// themselves, and Next yields. Three units: a Pending poll gives its unit
// back (future.CoopRefund), so it takes a Ready Next (the set's unit and
// its handle's) before a later handle poll finds the budget spent; with
// two, the next Next itself would find it spent, before any handle.
func runJS(t *testing.T, body func(s *pooltest.Sched, tight bool)) {
	t.Helper()
	loose := func(s *pooltest.Sched) { body(s, false) }
	t.Run("random", func(t *testing.T) { pooltest.RunSeeds(t, seeds, loose, jsIdle) })
	t.Run("pct", func(t *testing.T) { pooltest.RunSeeds(t, seeds/2, loose, jsIdle, pooltest.PCT(3, 100)) })
	t.Run("budget", func(t *testing.T) {
		pooltest.RunSeeds(t, seeds/2, func(s *pooltest.Sched) { body(s, true) }, jsIdle, pooltest.Budget(3))
	})
}

// jsWorld is the state of one run. Everything in it is touched on the
// loop goroutine only.
type jsWorld struct {
	s        *pooltest.Sched
	set      *joinset.JoinSet[int]
	kids     []*jsKid
	spawned  int          // kids handed to the set
	returned int          // results Next has returned
	order    []int        // ids of the kids whose results Next returned, in order
	seq      int          // completions so far
	aborted  bool         // AbortAll or AbortOnError fired
	atAbort  int          // seq when it fired
	abortErr bool         // the set has AbortOnError
	reg      map[int]bool // kid id -> the set waits for its handle's wake
	arrivals int          // completion wakes that reached the set
	outOfBud int          // handle polls that were Pending for want of budget
	track    bool         // maintain reg and check Len in every kid poll
}

func newJSWorld(s *pooltest.Sched) *jsWorld {
	return &jsWorld{s: s, reg: map[int]bool{}}
}

// jsKid is a child task: it waits for its gate (if any), yields some
// times, then is Ready with its id and its error (if it fails).
type jsKid struct {
	w      *jsWorld
	id     int
	gate   *gate
	yields int
	err    error
	// abortAll makes the kid call AbortAll in its last poll, then return
	// Pending (so it is aborted) or finish, as pending decides.
	abortAll, aborter, pending bool

	polls           int
	pollsAfterAbort int
	cancels         int
	comp            int          // its completion number, 0 until Ready
	arr             int          // when its completion wake reached the set, 0 before
	regAtArr        map[int]bool // a copy of w.reg then
	afterAbort      bool         // spawned after the set aborted
}

type kidError struct{ id int }

func (e kidError) Error() string { return fmt.Sprintf("kid %d failed", e.id) }

func (k *jsKid) Poll(cx *future.Context) future.Poll[future.Result[int]] {
	w := k.w
	require.Zero(w.s, k.comp, "kid %d polled after Ready", k.id)
	require.Zero(w.s, k.cancels, "kid %d polled after Cancel", k.id)
	k.polls++
	if w.aborted && !k.afterAbort {
		k.pollsAfterAbort++
	}
	if w.track {
		require.Equal(w.s, w.spawned-w.returned, w.set.Len(), "Len in a poll of kid %d", k.id)
	}
	if k.gate != nil && k.gate.Poll(cx).IsPending() {
		return future.Pending[future.Result[int]]()
	}
	if k.yields > 0 {
		k.yields--
		cx.Waker().Wake()
		return future.Pending[future.Result[int]]()
	}
	if k.abortAll {
		k.abortAll = false
		w.abort()
		w.set.AbortAll() // aborts this kid too, mid-poll
		if k.pending {
			return future.Pending[future.Result[int]]()
		}
	}
	w.seq++
	k.comp = w.seq
	return future.Ready(future.Result[int]{Value: k.id, Err: k.err})
}

// Cancel records that the executor cancelled the kid (an abort).
func (k *jsKid) Cancel() { k.cancels++ }

// makeKids makes n kids with random gates, yields and failures (failRate
// in [0,1]); the gates are opened by an opener task in a random order.
func (w *jsWorld) makeKids(n int, failRate float64) {
	rng := w.s.Rand()
	var gates []*gate
	for range n {
		k := &jsKid{w: w, id: len(w.kids) + 1, yields: rng.IntN(4)}
		if rng.IntN(2) == 0 {
			k.gate = &gate{}
			gates = append(gates, k.gate)
		}
		if rng.Float64() < failRate {
			k.err = kidError{k.id}
		}
		w.kids = append(w.kids, k)
	}
	if len(gates) > 0 {
		order := rng.Perm(len(gates))
		goTask(w.s, func(a *async.Awaiter) struct{} {
			for _, i := range order {
				yieldN(w.s, a, 4)
				gates[i].Open(struct{}{})
			}
			return struct{}{}
		})
	}
}

// abort notes that the set is being aborted, now.
func (w *jsWorld) abort() {
	if !w.aborted {
		w.aborted, w.atAbort = true, w.seq
	}
}

// spawn hands k to the set.
func (w *jsWorld) spawn(k *jsKid) {
	k.afterAbort = w.aborted
	w.set.Spawn(k)
	w.spawned++
}

// spawnSome spawns a random part of kids now, from the body, and the rest
// from a spawner task at random moments, while the set is being drained.
func (w *jsWorld) spawnSome(kids []*jsKid) {
	split := w.s.Rand().IntN(len(kids) + 1)
	for _, k := range kids[:split] {
		w.spawn(k)
	}
	late := kids[split:]
	if len(late) == 0 {
		return
	}
	goTask(w.s, func(a *async.Awaiter) struct{} {
		for _, k := range late {
			yieldN(w.s, a, 5)
			w.spawn(k)
		}
		return struct{}{}
	})
}

// trackedHandle is the handle of a kid as the Next test's executor gives
// it to the set: pooltest's, between which and the set it notes whether
// the set waits for the handle's wake (its last poll was Pending and
// nothing woke it since) and when the kid's completion wake reaches the
// set.
type trackedHandle struct {
	*pooltest.JoinHandle[future.Result[int]]
	w       *jsWorld
	k       *jsKid
	entry   future.Waker // the set's waker for this handle
	cx      future.Context
	polling bool
	woken   bool // during the current poll
}

func (h *trackedHandle) Poll(cx *future.Context) future.Poll[future.Result[future.Result[int]]] {
	h.entry = cx.Waker()
	h.cx = cx.With(h)
	h.polling, h.woken = true, false
	p := h.JoinHandle.Poll(&h.cx)
	h.polling = false
	h.w.reg[h.k.id] = !p.IsReady() && !h.woken
	if !p.IsReady() && h.woken {
		h.w.outOfBud++ // SpawnJoin's handle wakes in its poll only then
	}
	return p
}

// Wake notes the wake, then passes it on to the set.
func (h *trackedHandle) Wake() {
	w, k := h.w, h.k
	if h.polling {
		h.woken = true
	}
	if k.comp != 0 && k.arr == 0 {
		w.arrivals++
		k.arr = w.arrivals
		k.regAtArr = make(map[int]bool, len(w.reg))
		for id, r := range w.reg {
			k.regAtArr[id] = r
		}
	}
	w.reg[k.id] = false
	h.entry.Wake()
}

// spawnTracked is the spawn function of the Next test's sets: NewOn with
// an executor of the test's own making.
func spawnTracked(w *jsWorld, f future.Future[future.Result[int]]) *trackedHandle {
	return &trackedHandle{JoinHandle: pooltest.SpawnJoin(w.s, f), w: w, k: f.(*jsKid)}
}

// got records a result Next returned: it must be the result of a kid that
// finished and was not reported before, or an abort.
func (w *jsWorld) got(r future.Result[int]) {
	w.returned++
	require.Equal(w.s, w.spawned-w.returned, w.set.Len(), "Len after a result")
	if errors.Is(r.Err, pool.ErrAborted) {
		return
	}
	require.Positive(w.s, r.Value, "a result with no kid: %+v", r)
	require.LessOrEqual(w.s, r.Value, len(w.kids), "a result with no kid: %+v", r)
	k := w.kids[r.Value-1]
	require.NotZero(w.s, k.comp, "kid %d reported before it finished", k.id)
	require.NotContains(w.s, w.order, k.id, "kid %d reported twice", k.id)
	if k.err != nil {
		require.ErrorIs(w.s, r.Err, k.err)
	} else {
		require.NoError(w.s, r.Err)
	}
	w.order = append(w.order, k.id)
}

// checkAborted checks every kid against the abort: one that finished was
// reported with its own result, one that did not was cancelled once,
// after which nothing polled it, and as many abort results as
// cancelled kids were reported.
func (w *jsWorld) checkAborted(abortResults int) {
	cancelled := 0
	for _, k := range w.kids {
		if k.comp != 0 {
			require.Zero(w.s, k.cancels, "kid %d finished and was cancelled", k.id)
			require.Contains(w.s, w.order, k.id, "finished kid %d not reported", k.id)
			continue
		}
		cancelled++
		require.Equal(w.s, 1, k.cancels, "kid %d was aborted but its Cancel ran %d times", k.id, k.cancels)
		require.NotContains(w.s, w.order, k.id)
	}
	require.Equal(w.s, cancelled, abortResults, "abort results reported")
}

// tryPoll is a future that polls f once and is Ready with its value, or
// with ok false if f was Pending: the caller then drops f.
func tryPoll[T any](f future.Future[T]) future.Future[future.Pair[T, bool]] {
	return future.Func[future.Pair[T, bool]](func(cx *future.Context) future.Poll[future.Pair[T, bool]] {
		v, ok := f.Poll(cx).Value()
		return future.Ready(future.Pair[T, bool]{First: v, Second: ok})
	})
}

// drain is the collecting task: it awaits Next until total results came
// (yielding while the set is empty but kids are still to come), and drops
// some Next futures while they are Pending. It returns how many results
// were aborts.
func (w *jsWorld) drain(total int) *pooltest.Handle[int] {
	return goTask(w.s, func(a *async.Awaiter) int {
		aborts := 0
		for w.returned < total {
			if w.set.Len() == 0 {
				async.Await(a, future.YieldNow())
				continue
			}
			var r future.Result[int]
			if w.s.Rand().IntN(4) == 0 {
				p := async.Await(a, tryPoll[future.Result[int]](w.set.Next()))
				if !p.Second {
					async.Await(a, future.YieldNow()) // the Pending Next is dropped
					continue
				}
				r = p.First
			} else {
				r = async.Await(a, future.Future[future.Result[int]](w.set.Next()))
			}
			if errors.Is(r.Err, pool.ErrAborted) {
				aborts++
			}
			if w.abortErr && r.Err != nil && !w.aborted {
				w.abort() // PollNext aborted the rest before it returned r
			}
			w.got(r)
		}
		r := async.Await(a, future.Future[future.Result[int]](w.set.Next()))
		require.ErrorIs(w.s, r.Err, joinset.ErrEmpty)
		require.Zero(w.s, w.set.Len())
		return aborts
	})
}

func TestJoinSetNextReportsEachResultOnceInWakeOrder(t *testing.T) {
	ordered := 0  // pairs of kids whose order the runs checked
	outOfBud := 0 // handle polls the budget cut short
	runJS(t, func(s *pooltest.Sched, tight bool) {
		w := newJSWorld(s)
		w.track = true
		w.set = joinset.NewOn[int](w, spawnTracked)
		n := 1 + s.Rand().IntN(8)
		w.makeKids(n, 0.3)
		w.spawnSome(w.kids)
		h := w.drain(n)
		s.Wait()
		aborts, _ := h.Value()
		require.Zero(s, aborts)
		require.Len(s, w.order, n, "every kid reported")
		// Completion order, exactly: the set reports kids in the order
		// their completion wakes reach it (SpawnJoin delivers some late);
		// so of two kids it was waiting for when the first one's wake
		// came, that one is reported first. (Kids that finish before the
		// set first looks at them come in the order it looks: spawn
		// order.)
		pos := make(map[int]int, n)
		for i, id := range w.order {
			pos[id] = i
		}
		outOfBud += w.outOfBud
		if tight {
			return // a handle out of budget goes to the back of the queue
		}
		for _, a := range w.kids {
			for _, b := range w.kids {
				if a.arr != 0 && a.arr < b.arr && a.regAtArr[a.id] && a.regAtArr[b.id] {
					ordered++
					require.Less(s, pos[a.id], pos[b.id],
						"kid %d's completion reached the set before kid %d's while it waited for both, but it was reported after it", a.id, b.id)
				}
			}
		}
	})
	require.Positive(t, ordered, "no run had two completions reach the set while it waited for both")
	require.Positive(t, outOfBud, "the budget never ran out in a handle's poll")
}

func TestJoinSetAbortAllAbortsTheRest(t *testing.T) {
	byKid := 0
	runJS(t, func(s *pooltest.Sched, tight bool) {
		w := newJSWorld(s)
		w.track = true
		w.set = joinset.NewOn[int](s, pooltest.SpawnJoin)
		n := 1 + s.Rand().IntN(8)
		w.makeKids(n, 0.2)
		if s.Rand().IntN(2) == 0 {
			// A kid aborts the set, itself included, in the middle of its
			// poll, then finishes that poll Pending or Ready.
			k := w.kids[s.Rand().IntN(n)]
			k.abortAll, k.aborter, k.pending = true, true, s.Rand().IntN(2) == 0
			byKid++
		} else {
			goTask(s, func(a *async.Awaiter) struct{} {
				yieldN(s, a, 10)
				w.abort()
				w.set.AbortAll()
				return struct{}{}
			})
		}
		w.spawnSome(w.kids)
		h := w.drain(n)
		s.Wait()
		aborts, _ := h.Value()
		w.checkAborted(aborts)
		for _, k := range w.kids {
			require.Zero(s, k.pollsAfterAbort, "kid %d polled after AbortAll", k.id)
			if k.afterAbort {
				require.NotZero(s, k.comp, "kid %d spawned after AbortAll was aborted", k.id)
			}
			if k.aborter && !k.pending {
				require.NotZero(s, k.comp, "kid %d aborted itself in a poll that was Ready: it keeps its value", k.id)
			}
		}
	})
	require.Positive(t, byKid)
}

func TestJoinSetAbortOnErrorStopsAtTheFirstError(t *testing.T) {
	failed := 0
	runJS(t, func(s *pooltest.Sched, tight bool) {
		w := newJSWorld(s)
		w.track = true
		w.abortErr = true
		w.set = joinset.NewOn[int](s, pooltest.SpawnJoin, joinset.AbortOnError())
		n := 1 + s.Rand().IntN(8)
		w.makeKids(n, 0.3)
		w.spawnSome(w.kids)
		h := w.drain(n)
		s.Wait()
		aborts, _ := h.Value()
		w.checkAborted(aborts)
		first := -1 // index in order of the first error
		for i, id := range w.order {
			if w.kids[id-1].err != nil {
				first = i
				break
			}
		}
		if first < 0 {
			require.False(s, w.aborted, "aborted with no error")
			require.Zero(s, aborts)
			return
		}
		failed++
		require.True(s, w.aborted)
		for _, k := range w.kids {
			require.Zero(s, k.pollsAfterAbort, "kid %d polled after the first error", k.id)
			if k.comp != 0 {
				require.LessOrEqual(s, k.comp, w.atAbort, "kid %d finished after the abort", k.id)
			}
			if k.afterAbort {
				require.Zero(s, k.polls, "kid %d spawned after the first error ran", k.id)
				require.Equal(s, 1, k.cancels, "kid %d spawned after the first error was not aborted", k.id)
			}
		}
	})
	require.Positive(t, failed, "no run had an error")
}

func TestJoinSetJoinAllCollectsAllOrStopsAtAnError(t *testing.T) {
	runJS(t, func(s *pooltest.Sched, tight bool) {
		w := newJSWorld(s)
		w.set = joinset.NewOn[int](s, pooltest.SpawnJoin)
		n := 1 + s.Rand().IntN(8)
		w.makeKids(n, float64(s.Rand().IntN(2))*0.3)
		for _, k := range w.kids {
			w.spawn(k)
		}
		vals, err := pooltest.BlockOn(s, w.set.JoinAll()).Get()
		require.Zero(s, w.set.Len())
		// No kid outlives JoinAll: each finished or was cancelled.
		var want []int
		anyErr := false
		for _, k := range w.kids {
			require.True(s, k.comp != 0 || k.cancels == 1, "kid %d outlived JoinAll", k.id)
			want = append(want, k.id)
			anyErr = anyErr || k.err != nil
		}
		if !anyErr {
			require.NoError(s, err)
			slices.Sort(vals)
			require.Equal(s, want, vals)
			return
		}
		var ke kidError
		require.ErrorAs(s, err, &ke, "JoinAll of failing kids")
		k := w.kids[ke.id-1]
		require.Error(s, k.err)
		require.NotZero(s, k.comp, "kid %d reported failed before it finished", k.id)
	})
}
