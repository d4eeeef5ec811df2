package pool

import "github.com/spindle-rt/spindle/future"

// Spawn runs f as a new task on p and returns its handle, which is the
// task. It may be called from any goroutine; the task enters through the
// injection queue. From inside a task prefer SpawnFrom, which keeps the
// child on the current worker. On a pool that is shutting down the handle
// completes at once with ErrClosed.
func Spawn[T any](p *Pool, f future.Future[T]) *JoinHandle[T] {
	h := newHandle(p, f, "Spawn")
	// Count before checking closed; Shutdown sets closed, then counts
	// (shutdown.go: live).
	p.liveOutside.Add(1)
	if p.closed.Load() {
		p.liveOutside.Add(-1)
		return h.closed()
	}
	p.spawnedOutside.Add(1)
	if p.observed() {
		instrument(p, &h.t, nil)
	}
	h.t.h.state.v.Store(stScheduled)
	p.scheduleRemote(&h.t.h)
	return h
}

// SpawnFrom runs f as a new task on the pool of the task being polled with
// cx, pushing it onto the current worker's local queue: no lock, and the
// child is likely to run on the same thread, where its data is hot. It
// panics with a *future.MisuseError wrapping ErrNotInPool if cx is not the
// Context of a poll by a pool worker.
func SpawnFrom[T any](cx *future.Context, f future.Future[T]) *JoinHandle[T] {
	var w *worker
	if cx != nil {
		w, _ = cx.Ext().(*worker)
	}
	if w == nil {
		panic(&future.MisuseError{Future: "pool.SpawnFrom", Err: ErrNotInPool})
	}
	h := newHandle(w.p, f, "SpawnFrom")
	w.shared.live.Add(1)
	if w.p.closed.Load() {
		w.shared.live.Add(-1)
		return h.closed()
	}
	w.own.stats.spawned++
	if w.p.observed() {
		instrument(w.p, &h.t, cx)
	}
	h.t.h.state.v.Store(stScheduled)
	w.pushLocal(&h.t.h)
	return h
}

func newHandle[T any](p *Pool, f future.Future[T], who string) *JoinHandle[T] {
	if f == nil {
		panic(&future.MisuseError{Future: "pool." + who, Err: ErrNilFuture})
	}
	future.Adopt(f) // adopt.go
	h := &JoinHandle[T]{}
	h.t.fut = f
	h.t.h.setSelf(&h.t)
	h.t.h.pool = p
	return h
}

// closed completes a handle that was never scheduled with ErrClosed.
func (h *JoinHandle[T]) closed() *JoinHandle[T] {
	h.t.fut = &errBox[T]{ErrClosed}
	h.t.h.state.v.Store(stComplete)
	return h
}
