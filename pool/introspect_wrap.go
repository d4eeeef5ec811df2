package pool

import (
	"runtime/trace"
	"sync/atomic"

	"github.com/spindle-rt/spindle/future"
)

// A task spawned while introspection (WithIntrospection) or the execution
// tracer is on gets its future wrapped in a tracked future, whose record
// watches the task from the outside: the pool's own task, state word and
// worker loop are untouched, and a pool without either pays one branch
// per spawn (observed).
//
// The record is also the waker the inner future sees: it notes the wake,
// then forwards it to the task (Wake, or WakeLocal so that a wake from
// inside a poll still lands on the current worker). It answers hdr() with
// the task's header, so a JoinHandle awaited from a tracked task still
// knows its joiner is a task of the pool.
//
// The life of a record, as Tasks reports it (State):
//
//	spawn            -> scheduled   linked in the registry, queued
//	poll begins      -> running     polls+1, lastPoll = now
//	wake             -> scheduled   if lastWake >= lastPoll (also mid-poll)
//	poll Pending     -> idle        unless woken since the poll began
//	poll Ready/panic -> gone        unlinked, trace task ended
//	Cancel           -> gone        (Abort, Shutdown), then the inner Cancel
//
// Every step but the wake runs under the task's poll lock (taskstate.go), so
// done and the trace fields need no synchronisation; what Tasks reads from
// another goroutine is atomic.

type taskRecord struct {
	h   *header   // the task; wakes go to h.self()
	reg *registry // nil when only the tracer asked for the wrapper
	id  uint64    // from reg, 0 without it
	// pcs are the return addresses above Spawn (introspect_site.go), zero
	// unless spawn sites are captured.
	pcs     [sitePCs]uintptr
	spawned int64 // registry time

	polls, wakes       atomic.Uint64
	lastPoll, lastWake atomic.Int64 // registry times, 0 = never

	prev, next *taskRecord // registry shard list, under its lock
	tr         traceTask   // trace.go; zero when not traced

	running atomic.Bool
	linked  bool // under the shard lock
	done    bool // finish ran
}

// tracked is the wrapper of a task's future (160 bytes with the record).
type tracked[T any] struct {
	rec   taskRecord
	inner future.Future[T]
}

// observed reports whether a spawn on p must be wrapped: one load of the
// config and one of the tracer's flag.
func (p *Pool) observed() bool { return p.cfg.intro != nil || trace.IsEnabled() }

// instrument wraps the future of t, which is not queued yet. parent is
// the Context of the spawning task (SpawnFrom) or nil. It is called only
// from Spawn and SpawnFrom (captureSite counts on it).
func instrument[T any](p *Pool, t *task[T], parent *future.Context) {
	f := &tracked[T]{inner: t.fut}
	f.rec.watch(p, &t.h, parent)
	t.fut = f
}

// watch starts r's watch over task h of p: spawn site, registry, trace
// task. It must be called straight from instrument or observeBlocking,
// which are called straight from a spawn function (captureSite counts the
// frames).
func (r *taskRecord) watch(p *Pool, h *header, parent *future.Context) {
	r.h = h
	r.reg = p.cfg.intro
	tracing := trace.IsEnabled()
	if tracing || (r.reg != nil && r.reg.cfg.SpawnSites) {
		r.captureSite()
	}
	if r.reg != nil {
		r.reg.add(r)
	}
	if tracing {
		r.startTrace(parent)
	}
}

// Poll polls the inner future with the record as its waker. cx is the
// worker's own Context (task.go: run), which the pool lends its task's
// future for the poll: swapping its waker for the poll and back saves
// the wrapper a Context of its own (56 bytes) and its copy per poll.
func (f *tracked[T]) Poll(cx *future.Context) (out future.Poll[T]) {
	r := &f.rec
	region := r.enter()
	outer := cx.Waker()
	finished := true // stays true if the inner Poll panics: the task ends
	defer func() {
		cx.SetWaker(outer)
		r.leave(region, finished)
	}()
	cx.SetWaker(r)
	out = f.inner.Poll(cx)
	finished = out.IsReady()
	return out
}

// Cancel implements future.Canceler: the task is abandoned (Abort,
// Shutdown), so it leaves the registry, then the inner future releases
// what it holds.
func (f *tracked[T]) Cancel() {
	f.rec.finish()
	future.Cancel(f.inner)
}

func (r *taskRecord) enter() *trace.Region {
	r.polls.Add(1)
	if r.reg != nil {
		r.running.Store(true)
		r.lastPoll.Store(r.reg.now())
	}
	return r.pollRegion()
}

func (r *taskRecord) leave(region *trace.Region, finished bool) {
	if region != nil {
		region.End()
	}
	if r.reg != nil {
		r.running.Store(false)
	}
	if finished {
		r.finish()
	}
}

// finish takes the record out of the registry and ends its trace task,
// once.
func (r *taskRecord) finish() {
	if r.done {
		return
	}
	r.done = true
	if r.reg != nil {
		r.reg.remove(r)
	}
	r.endTrace()
}

// Wake notes the wake and schedules the task.
func (r *taskRecord) Wake() {
	r.noteWake()
	r.h.self().Wake()
}

// WakeLocal notes the wake and schedules the task from inside a poll on
// worker ext.
func (r *taskRecord) WakeLocal(ext any) {
	r.noteWake()
	r.h.self().WakeLocal(ext)
}

// The record passes WakeFrom's local wakes on (task.go: WakeLocal).
var _ future.LocalWaker = (*taskRecord)(nil)

// hdr makes the record count as its task's waker for JoinHandle
// (joinhandle.go: owns, sameWaker).
func (r *taskRecord) hdr() *header { return r.h }

func (r *taskRecord) noteWake() {
	if r.reg != nil {
		r.wakes.Add(1)
		r.lastWake.Store(r.reg.now())
	}
}
