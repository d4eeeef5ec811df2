// Package joinset runs a group of tasks on an executor and collects their
// results as they finish (tokio's JoinSet): Spawn adds tasks, Next is a
// future of the next result in completion order, TryNext takes one that is
// ready without waiting, JoinAll waits for all of them, AbortAll cancels
// the rest. With AbortOnError, the first task that fails aborts all the
// others. A loop that also waits on other things reaps its tasks with a
// Next case in future.SelectN (see poll's Listener.Accept example).
//
// New makes a set on a *pool.Pool. NewOn makes one on any executor that
// can spawn a task and hand back an abortable handle of its result, such
// as the deterministic executor of package pooltest, which explores the
// set's schedules seed by seed:
//
//	s := joinset.NewOn[int](sched, pooltest.SpawnJoin)
package joinset

// A JoinSet polls its tasks' JoinHandles itself, like futures-rs's
// FuturesUnordered: each task has an entry that is the waker given to its
// handle, so a finishing task queues exactly its own entry and wakes the
// one future waiting in Next; Next polls only the queued entries, oldest
// first.
//
// Entry life (transitions under mu; the poll itself outside it):
//
//	spawned --> queued in ready (polled once by Next to register its waker)
//	queued --Next pops--> polling
//	polling --Pending--> idle --task wakes entry--> queued
//	polling --Pending, woken meanwhile--> queued (behind the others)
//	polling --Ready--> removed from the set (h nil); result returned
//	removed --woken during that last poll--> queued; dropped when popped
//
// Invariant: an entry is in ready at most once (the queued flag), so
// ready holds at most Len() live entries. The last transition exists
// because a handle may wake its entry during the very poll that returns
// its result: a spurious wake, which the waker contract allows (on a
// pool, a completion or Shutdown's cancellation racing with the poll).
//
// The set sees its executor only through spawn, a function value fixed at
// construction, and the Handle interface of what it returns: on a pool
// that is *pool.JoinHandle behind an interface (a pointer, so no
// allocation), one indirect call per spawn and per handle poll.

import (
	"errors"
	"sync"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
)

// ErrEmpty is the error Next is Ready with when the set holds no task.
var ErrEmpty = errors.New("joinset: no tasks")

// Option configures a JoinSet.
type Option func(*options)

type options struct{ abortOnError bool }

// AbortOnError makes the first task result with an error abort every other
// task in the set, and every task spawned after it. The aborted tasks'
// results, reported by Next, carry the executor's abort error:
// pool.ErrAborted on a pool, and under pooltest.
func AbortOnError() Option { return func(o *options) { o.abortOnError = true } }

// JoinSet is a group of tasks of one result type running on an executor. Next
// and JoinAll are awaited by one task (or goroutine) at a time; Spawn,
// AbortAll and Len may be called from anywhere.
//
// Go has no destructors: a JoinSet that is dropped does not abort its
// tasks. Call AbortAll (or await JoinAll) before letting it go.
type JoinSet[T any] struct {
	spawn func(cx *future.Context, f future.Future[future.Result[T]]) Handle[future.Result[T]]
	opt   options

	mu     sync.Mutex
	all    []*entry[T]   // every task not yet returned by Next; e.idx is e's index
	ready  readyQueue[T] // entries woken since Next last polled them
	waker  future.Waker  // the waker of Next's last Pending poll
	failed bool          // AbortOnError fired
}

// ErrNilPool is the error of the *future.MisuseError New panics with when
// given no pool.
var ErrNilPool = errors.New("joinset: nil pool")

// ErrNilSpawn is the error of the *future.MisuseError NewOn panics with
// when given no spawn function.
var ErrNilSpawn = future.ErrNilFunc

// Handle is a spawned task as a JoinSet holds it: a future of the task's
// result, or of the executor's error for it (aborted, panicked, executor
// closed), and a way to abort the task. Abort must be callable from any
// goroutine at any time, also after the task finished (it then does
// nothing), and must make a task that has not finished complete with an
// error. *pool.JoinHandle[U] is a Handle[U], and so is
// *pooltest.JoinHandle[U].
type Handle[U any] interface {
	future.Future[future.Result[U]]
	Abort()
}

// New returns an empty JoinSet whose tasks run on p.
func New[T any](p *pool.Pool, opts ...Option) *JoinSet[T] {
	if p == nil {
		panic(&future.MisuseError{Future: "joinset.New", Err: ErrNilPool})
	}
	return newSet(func(cx *future.Context, f future.Future[future.Result[T]]) Handle[future.Result[T]] {
		if cx == nil {
			return pool.Spawn(p, f)
		}
		return pool.SpawnFrom(cx, f)
	}, opts)
}

// NewOn returns an empty JoinSet whose tasks run on the executor exec:
// each Spawn calls spawn(exec, f). An executor's own generic spawn
// function usually fits as it is, with the set's type given and the rest
// inferred:
//
//	joinset.NewOn[int](p, pool.Spawn)              // like New(p)
//	joinset.NewOn[int](sched, pooltest.SpawnJoin)  // deterministic tests
//
// spawn may be called from any goroutine and from inside tasks, as Spawn
// may. SpawnFrom on such a set is Spawn: spawn gets no Context.
func NewOn[T any, E any, H Handle[future.Result[T]]](exec E, spawn func(E, future.Future[future.Result[T]]) H, opts ...Option) *JoinSet[T] {
	if spawn == nil {
		panic(&future.MisuseError{Future: "joinset.NewOn", Err: ErrNilSpawn})
	}
	return newSet(func(_ *future.Context, f future.Future[future.Result[T]]) Handle[future.Result[T]] {
		return spawn(exec, f)
	}, opts)
}

func newSet[T any](spawn func(*future.Context, future.Future[future.Result[T]]) Handle[future.Result[T]], opts []Option) *JoinSet[T] {
	s := &JoinSet[T]{spawn: spawn}
	for _, o := range opts {
		o(&s.opt)
	}
	return s
}

// entry is one task of the set and the waker given to its handle.
type entry[T any] struct {
	s      *JoinSet[T]
	h      Handle[future.Result[T]] // nil once Next returned its result
	idx    int32                    // in s.all
	queued bool
	cx     future.Context // Next's Context with this entry as waker
}

// Wake queues the entry for Next and wakes Next.
func (e *entry[T]) Wake() { e.wake(nil) }

// WakeLocal is Wake from a poll on the worker ext: Next's task is woken
// locally when its waker supports it.
func (e *entry[T]) WakeLocal(ext any) { e.wake(ext) }

func (e *entry[T]) wake(ext any) {
	s := e.s
	s.mu.Lock()
	if e.queued || e.h == nil {
		s.mu.Unlock()
		return
	}
	e.queued = true
	s.ready.push(e)
	w := s.waker
	s.waker = nil
	s.mu.Unlock()
	if w == nil {
		return
	}
	if lw, ok := w.(future.LocalWaker); ok && ext != nil {
		lw.WakeLocal(ext)
		return
	}
	w.Wake()
}

// Spawn runs f on the set's executor as a task of the set. On a pool, call
// it from goroutines; from inside a task SpawnFrom keeps the new task on
// the current worker.
func (s *JoinSet[T]) Spawn(f future.Future[future.Result[T]]) {
	s.add(s.spawn(nil, f))
}

// SpawnFrom is Spawn from inside a task polled with cx. On a set made by
// New it spawns with pool.SpawnFrom; on one made by NewOn it is Spawn.
func (s *JoinSet[T]) SpawnFrom(cx *future.Context, f future.Future[future.Result[T]]) {
	s.add(s.spawn(cx, f))
}

// SpawnOk is Spawn for a task that cannot fail by itself (it can still
// panic or be aborted).
func (s *JoinSet[T]) SpawnOk(f future.Future[T]) { s.Spawn(okOf("joinset.SpawnOk", f)) }

// SpawnOkFrom is SpawnOk from inside a task polled with cx, as SpawnFrom
// is Spawn.
func (s *JoinSet[T]) SpawnOkFrom(cx *future.Context, f future.Future[T]) {
	s.SpawnFrom(cx, okOf("joinset.SpawnOkFrom", f))
}

// okOf wraps f in an Ok Result, refusing a nil f where the caller can see
// it rather than in the task.
func okOf[T any](name string, f future.Future[T]) okFuture[T] {
	if f == nil {
		panic(&future.MisuseError{Future: name, Err: future.ErrNilFuture})
	}
	return okFuture[T]{f}
}

type okFuture[T any] struct{ f future.Future[T] }

// Poll wraps the task's value in an Ok Result.
func (o okFuture[T]) Poll(cx *future.Context) future.Poll[future.Result[T]] {
	if v, ok := o.f.Poll(cx).Value(); ok {
		return future.Ready(future.Ok(v))
	}
	return future.Pending[future.Result[T]]()
}

func (s *JoinSet[T]) add(h Handle[future.Result[T]]) {
	e := &entry[T]{s: s, h: h, queued: true}
	s.mu.Lock()
	e.idx = int32(len(s.all))
	s.all = append(s.all, e)
	s.ready.push(e)
	failed := s.failed
	w := s.waker
	s.waker = nil
	s.mu.Unlock()
	if failed {
		h.Abort()
	}
	if w != nil {
		w.Wake()
	}
}

// Len returns how many tasks Next has yet to return.
func (s *JoinSet[T]) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.all)
}

// AbortAll aborts every task of the set. Their results stay to be
// collected by Next (the executor's abort error, pool.ErrAborted on a pool,
// for those that had not finished).
func (s *JoinSet[T]) AbortAll() {
	s.mu.Lock()
	hs := make([]Handle[future.Result[T]], 0, len(s.all))
	for _, e := range s.all {
		hs = append(hs, e.h)
	}
	s.mu.Unlock()
	// Outside the lock: an abort completes the task, which wakes its
	// entry, which takes the lock.
	for _, h := range hs {
		h.Abort()
	}
}

// PollNext is the poll function of Next.
func (s *JoinSet[T]) PollNext(cx *future.Context) future.Poll[future.Result[T]] {
	if !future.Coop(cx) {
		return future.Pending[future.Result[T]]()
	}
	if res, ok, _ := s.next(cx, true); ok {
		return future.Ready(res)
	}
	future.CoopRefund(cx) // no progress: not charged
	return future.Pending[future.Result[T]]()
}

// TryNext returns the result of a task that has finished, without
// waiting (tokio's try_join_next): ok is false when no task has finished
// since the last Next or TryNext, or when the set is empty (Len tells
// which). Call it where Next would be awaited; a loop that does other work
// calls it to reap the tasks that are done as it goes, so that their
// results are not held until the end:
//
//	for r, ok := set.TryNext(); ok; r, ok = set.TryNext() {
//		// handle r
//	}
//
// Results come in the order Next would return them.
func (s *JoinSet[T]) TryNext() (future.Result[T], bool) {
	var cx future.Context // no executor, driver or budget: wakes go to the entries
	res, ok, empty := s.next(&cx, false)
	return res, ok && !empty
}

// next polls the entries queued now, oldest first, until one is Ready, and
// returns its result and true; empty reports a set with no task. When wait
// is true, cx's waker is woken when an entry is queued later.
func (s *JoinSet[T]) next(cx *future.Context, wait bool) (res future.Result[T], ok, empty bool) {
	s.mu.Lock()
	if len(s.all) == 0 {
		s.mu.Unlock()
		return future.Err[T](ErrEmpty), true, true
	}
	if wait {
		s.waker = cx.Waker() // before polling, so that no wake is missed
	}
	// One at a time, oldest first, the lock released around each poll:
	// a handle's poll may wake its own entry (an exhausted budget does).
	// Only the entries queued now are taken, so such wakes end the loop.
	for n := s.ready.len(); n > 0; n-- {
		e := s.ready.pop()
		e.queued = false
		if e.h == nil {
			continue // returned already; woken during its last poll
		}
		s.mu.Unlock()
		e.cx = cx.With(e)
		r, ok := e.h.Poll(&e.cx).Value()
		s.mu.Lock()
		if !ok {
			continue
		}
		s.remove(e)
		e.h = nil
		res = future.Result[T]{Value: r.Value.Value, Err: r.Err}
		if res.Err == nil {
			res.Err = r.Value.Err
		}
		abort := res.Err != nil && s.opt.abortOnError && !s.failed
		if abort {
			s.failed = true
		}
		s.mu.Unlock()
		if abort {
			s.AbortAll()
		}
		return res, true, false
	}
	s.mu.Unlock()
	return future.Result[T]{}, false, false
}

// Next returns a future of the result of the next task to finish: its
// value, or its error (the task's own, or the executor's: on a pool
// pool.ErrAborted, a *pool.PanicError, pool.ErrClosed). It is
// Ready(Err(ErrEmpty)) when the set has no task left.
//
// Completion order, precisely: results come in the order the tasks'
// wakes reach the set. Of two tasks Next was waiting for, the one whose
// completion wake came first is returned first; tasks that finished
// before Next first looked at them come in the order they were spawned.
//
// Next is cancel-safe: a NextFuture dropped while Pending loses no result;
// the next call to Next returns it.
func (s *JoinSet[T]) Next() *NextFuture[T] { return &NextFuture[T]{s: s} }

// NextFuture is the future returned by Next.
type NextFuture[T any] struct {
	s    *JoinSet[T]
	done bool
}

// Poll implements future.Future.
func (f *NextFuture[T]) Poll(cx *future.Context) future.Poll[future.Result[T]] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	p := f.s.PollNext(cx)
	f.done = p.IsReady()
	return p
}

// JoinAll returns a future that waits for every task of the set and is
// Ready with their values in completion order. On the first error it
// aborts the remaining tasks, waits until they are all gone (no task
// outlives the call), and is Ready with that error.
func (s *JoinSet[T]) JoinAll() future.Future[future.Result[[]T]] {
	return &joinAll[T]{s: s}
}

type joinAll[T any] struct {
	s     *JoinSet[T]
	vals  []T
	first error
	done  bool
}

// Poll collects results until the set is empty.
func (j *joinAll[T]) Poll(cx *future.Context) future.Poll[future.Result[[]T]] {
	if j.done {
		future.PanicPolledAfterReady(j)
	}
	for {
		r, ok := j.s.PollNext(cx).Value()
		if !ok {
			return future.Pending[future.Result[[]T]]()
		}
		switch {
		case errors.Is(r.Err, ErrEmpty):
			j.done = true
			if j.first != nil {
				return future.Ready(future.Err[[]T](j.first))
			}
			return future.Ready(future.Ok(j.vals))
		case r.Err != nil:
			if j.first == nil {
				j.first = r.Err
				j.s.AbortAll()
			}
		case j.first == nil:
			j.vals = append(j.vals, r.Value)
		}
	}
}

// remove takes e out of s.all by moving the last entry into its place:
// the set has no order, and an index in the entry instead of list links
// keeps an entry in a smaller size class. Under s.mu.
func (s *JoinSet[T]) remove(e *entry[T]) {
	last := len(s.all) - 1
	moved := s.all[last]
	s.all[e.idx] = moved
	moved.idx = e.idx
	s.all[last] = nil
	s.all = s.all[:last]
	if c := cap(s.all); c > 256 && last < c/4 {
		// A burst is over: let its array go (amortised O(1) per remove).
		s.all = append(make([]*entry[T], 0, 2*last), s.all...)
	}
}
