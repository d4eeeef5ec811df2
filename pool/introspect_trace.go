package pool

import (
	"context"
	"runtime/trace"
	"strconv"

	"github.com/spindle-rt/spindle/future"
)

// Go execution tracer integration (part of introspection: see doc.go). While runtime/trace is on, each task
// spawned is wrapped (introspect_wrap.go) and gets a runtime/trace task
// named after its spawn site, "spindle: file.go:42"; each of its polls
// runs inside a region "poll" of that task. `go tool trace` then lists
// the tasks by site and shows each poll on the worker thread that ran it.
// The trace task begins at spawn and ends when the future is Ready,
// panics or is cancelled. A task spawned with SpawnFrom from a traced
// task is its child.
//
// Off, this costs one atomic load per spawn (trace.IsEnabled, in
// observed) and nothing per poll. Tasks spawned before the trace started
// are not wrapped and so not traced, except under WithIntrospection,
// whose wrapper begins the trace task at the first poll after tracing
// began (named "spindle: task" if Introspection.SpawnSites is off, since
// the site was not recorded at spawn). A trace task outlives the trace it began in: if tracing stops
// and starts again, a task's later polls are regions of a task whose
// beginning is in the earlier trace.

// traceTask is a task's runtime/trace task and the context carrying it.
type traceTask struct {
	ctx  context.Context
	task *trace.Task
}

// startTrace begins r's trace task, as a child of the trace task of the
// task being polled with parent, if there is one.
func (r *taskRecord) startTrace(parent *future.Context) {
	ctx := context.Background()
	if parent != nil {
		// parent is the Context of the running task's poll, on this
		// goroutine: its record is ours to read.
		if pr, ok := parent.Waker().(*taskRecord); ok && pr.tr.task != nil {
			ctx = pr.tr.ctx
		}
	}
	r.tr.ctx, r.tr.task = trace.NewTask(ctx, r.site().traceName)
	if r.reg != nil {
		// The id Dump prints, to find a task of the dump in the trace.
		trace.Log(r.tr.ctx, "spindle.task", strconv.FormatUint(r.id, 10))
	}
}

// pollRegion begins the region of one poll, or returns nil when the task
// is not traced.
func (r *taskRecord) pollRegion() *trace.Region {
	if r.tr.task == nil {
		if !trace.IsEnabled() {
			return nil
		}
		r.startTrace(nil)
	}
	return trace.StartRegion(r.tr.ctx, "poll")
}

// endTrace ends r's trace task, if it has one.
func (r *taskRecord) endTrace() {
	if r.tr.task != nil {
		r.tr.task.End()
		r.tr = traceTask{}
	}
}
