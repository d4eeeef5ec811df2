package pooltest

// Abortable tasks, for code written against pool.JoinHandle (a future of
// the task's Result, with Abort) and for joinset.NewOn.
//
// An abortable task is an ordinary task whose future is wrapped: the
// wrapper keeps the waker of its latest poll, Abort sets a flag and wakes
// it, and the wrapper's next poll cancels the inner future instead of
// polling it. So an abort takes effect at a step the seed chooses, as on a
// pool, where an abort races with the task's worker:
//
//	running ──Abort──▶ the current poll finishes; Ready keeps its value,
//	                   Pending is followed by the cancelling poll
//	pending ──Abort──▶ woken; its next poll cancels it
//	done    ──Abort──▶ nothing
//
// The handle also models when a joiner hears of completion. On a pool a
// finishing task marks itself complete, then wakes its joiner's waker: a
// joiner polling in between sees the result at once and is woken after
// it took it (and maybe after it moved on). Here the task wakes a relay,
// which, with the LateWakes probability, hands the joiner's wake to a
// courier task that delivers it some steps later, the result being
// visible meanwhile; otherwise it wakes the joiner at once. And with the
// SpuriousPolls probability the poll that returns the result also wakes
// the joiner, as a completion wake landing while the joiner reads the
// result does on a pool (the waker contract allows any extra wake).
//
// Like pool.JoinHandle, a poll consumes a unit of the cooperative budget
// first (future.Coop), so a set draining many results yields, and gives it
// back when it returns Pending (future.CoopRefund).

import (
	"sync"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
)

// JoinHandle is the handle of a task spawned with SpawnJoin. Like
// pool.JoinHandle it is a future.Future of the task's Result (the task's
// value, or pool.ErrAborted) and can abort the task; like Handle it
// reports Done, Value and ID. A *JoinHandle[U] is a joinset.Handle[U].
type JoinHandle[T any] struct {
	h     *Handle[future.Result[T]]
	a     *abortable[T]
	relay joinRelay
	cx    future.Context // the joiner's Context with the relay as waker
}

// Poll is Ready with the task's Result once the task has finished, as
// Handle.Poll is. Like pool.JoinHandle.Poll it first consumes a unit of
// the cooperative budget (given back if it returns Pending), and the wake that tells the joiner of the
// task's completion may come late, or come again after Ready (see the top
// of join.go). Polling it again after Ready panics with a
// *future.MisuseError.
func (h *JoinHandle[T]) Poll(cx *future.Context) future.Poll[future.Result[T]] {
	if h.h.polled {
		future.PanicPolledAfterReady(h)
	}
	if !future.Coop(cx) {
		return future.Pending[future.Result[T]]()
	}
	h.relay.joiner = cx.Waker()
	h.cx = cx.With(&h.relay)
	p := h.h.Poll(&h.cx)
	if p.IsPending() {
		future.CoopRefund(cx) // no progress: not charged, as pool's
	}
	if p.IsReady() {
		h.relay.joiner = nil
		s := h.relay.s
		if sp := s.opts.spurious; sp > 0 && s.rng.Float64() < sp {
			cx.Waker().Wake()
		}
	}
	return p
}

// joinRelay is the waker a JoinHandle gives its task's Handle: it passes
// the task's completion wake on to the joiner, now or through a courier.
// The Handle wakes it on the loop goroutine only, where the run's random
// generator may be used.
type joinRelay struct {
	s      *Sched
	joiner future.Waker // the waker of the JoinHandle's latest poll
}

// Wake delivers the joiner's wake, maybe late.
func (r *joinRelay) Wake() {
	w := r.joiner
	if w == nil {
		return
	}
	s := r.s
	if p := s.opts.lateWakes; p > 0 && s.rng.Float64() < p {
		steps := 1 + s.rng.IntN(3)
		Spawn(s, future.Func[struct{}](func(cx *future.Context) future.Poll[struct{}] {
			if steps > 0 {
				steps--
				cx.Waker().Wake()
				return future.Pending[struct{}]()
			}
			w.Wake()
			return future.Ready(struct{}{})
		}))
		return
	}
	w.Wake()
}

// Done reports whether the task has finished (aborted tasks included).
func (h *JoinHandle[T]) Done() bool { return h.h.Done() }

// Value returns the task's Result and true once it has finished.
func (h *JoinHandle[T]) Value() (future.Result[T], bool) { return h.h.Value() }

// ID returns the task's id, as Handle.ID does.
func (h *JoinHandle[T]) ID() uint64 { return h.h.ID() }

// SpawnJoin adds f to s as a new task that can be aborted, and returns
// its handle. It may be called where Spawn may. The handle explores late
// and extra wakes of its joiner (see JoinHandle.Poll); a late wake is
// carried by a short-lived courier task, which takes the next task id.
// LateWakes(0) and SpuriousPolls(0) turn them off. Its signature fits
// joinset.NewOn:
//
//	set := joinset.NewOn[int](s, pooltest.SpawnJoin)
func SpawnJoin[T any](s *Sched, f future.Future[T]) *JoinHandle[T] {
	if f == nil {
		panic(&future.MisuseError{Future: "pooltest.SpawnJoin", Err: future.ErrNilFuture})
	}
	a := &abortable[T]{f: f}
	h := &JoinHandle[T]{h: Spawn[future.Result[T]](s, a), a: a}
	h.relay.s = s
	return h
}

// Abort cancels the task, as pool.JoinHandle.Abort does: its future is not
// polled again (a poll that is running finishes, and keeps its value if it
// is Ready), its Cancel, if it has one, is called once after its last
// poll, and the handle is Ready with an error for which
// errors.Is(err, pool.ErrAborted) holds. Aborting a finished task does
// nothing. Any goroutine may call it, any number of times.
func (h *JoinHandle[T]) Abort() { h.a.abort() }

// abortable is the future of an abortable task: f, until it is aborted.
type abortable[T any] struct {
	f    future.Future[T]
	done bool // f returned Ready or was cancelled; the loop's alone

	mu      sync.Mutex   // Abort may come from any goroutine
	aborted bool         // set once, by abort
	waker   future.Waker // the latest poll's, while not done
}

// Poll polls f, or, once aborted, cancels it and is Ready with
// pool.ErrAborted.
func (a *abortable[T]) Poll(cx *future.Context) future.Poll[future.Result[T]] {
	a.mu.Lock()
	aborted := a.aborted
	a.waker = cx.Waker()
	a.mu.Unlock()
	if aborted {
		a.finish()
		future.Cancel(a.f)
		return future.Ready(future.Err[T](pool.ErrAborted))
	}
	v, ok := a.f.Poll(cx).Value()
	if !ok {
		return future.Pending[future.Result[T]]()
	}
	a.finish()
	return future.Ready(future.Ok(v))
}

// Cancel cancels f if it has not finished: the scheduler calls it for the
// tasks a failed run abandons.
func (a *abortable[T]) Cancel() {
	if !a.done {
		a.finish()
		future.Cancel(a.f)
	}
}

func (a *abortable[T]) finish() {
	a.done = true
	a.mu.Lock()
	a.waker = nil
	a.mu.Unlock()
}

// abort marks the task aborted and wakes its latest poll. Before the first
// poll there is no waker, and none is needed: a spawned task is polled.
func (a *abortable[T]) abort() {
	a.mu.Lock()
	if a.aborted {
		a.mu.Unlock()
		return
	}
	a.aborted = true
	w := a.waker
	a.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}
