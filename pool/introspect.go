package pool

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Introspection of a live pool: with WithIntrospection the pool keeps a
// registry of its unfinished tasks (introspect_registry.go), each watched
// by a wrapper around its future (introspect_wrap.go), and Tasks and Dump
// describe them. Off (the default) the pool keeps no list of its tasks
// and a spawn pays one branch.

// DefaultStuckAfter is the StuckAfter of an Introspection that sets none.
const DefaultStuckAfter = 10 * time.Second

// ErrIntrospectionOff is returned by Dump on a pool created without
// WithIntrospection.
var ErrIntrospectionOff = errors.New("pool: introspection is off (create the pool WithIntrospection)")

// Introspection configures WithIntrospection.
type Introspection struct {
	// SpawnSites records, for each task, the file:line that called Spawn
	// or SpawnFrom (the caller of BlockOn or JoinSet.Spawn for theirs).
	// It costs a walk of a few stack frames per spawn.
	SpawnSites bool
	// StuckAfter is how long a task may stay idle, pending with no wake
	// since its last poll, before Tasks and Dump flag it as possibly
	// stuck. Zero means DefaultStuckAfter.
	StuckAfter time.Duration
}

// WithIntrospection makes the pool keep a record of each task spawned
// with Spawn, SpawnFrom or BlockOn until it completes, for Tasks and Dump
// (and package pooldebug, which serves them over HTTP). It costs per task
// an allocation of 160 bytes, a short lock at spawn and at completion, and
// per poll and wake a clock read and a few atomic stores: on the order of
// 0.5 µs per task and 0.1 µs per poll (BenchmarkObserve in bench/).
// SpawnBlocking's tasks are not recorded. A task stays listed until it
// completes or is cancelled, even once nothing references it: a task
// pending on a future that lost its waker is exactly what a dump is for.
func WithIntrospection(cfg Introspection) Option {
	return func(c *config) error {
		if cfg.StuckAfter < 0 {
			return fmt.Errorf("pool: WithIntrospection: negative StuckAfter %v", cfg.StuckAfter)
		}
		c.intro = newRegistry(cfg) // the option runs once per New: a registry per pool
		return nil
	}
}

// Introspection returns the configuration of WithIntrospection, with
// StuckAfter defaulted, and whether the pool was created with it.
func (p *Pool) Introspection() (Introspection, bool) {
	if p.cfg.intro == nil {
		return Introspection{}, false
	}
	return p.cfg.intro.cfg, true
}

// TaskState is where a task is in its cycle of polls.
type TaskState uint8

const (
	// TaskScheduled: spawned or woken, waiting in a queue for its poll.
	TaskScheduled TaskState = iota
	// TaskRunning: a worker is polling it.
	TaskRunning
	// TaskIdle: pending, not woken since its last poll.
	TaskIdle
)

// String returns "scheduled", "running" or "idle".
func (s TaskState) String() string {
	switch s {
	case TaskScheduled:
		return "scheduled"
	case TaskRunning:
		return "running"
	case TaskIdle:
		return "idle"
	}
	return fmt.Sprintf("TaskState(%d)", uint8(s))
}

// MarshalText renders s as String does, for JSON.
func (s TaskState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses what MarshalText wrote.
func (s *TaskState) UnmarshalText(b []byte) error {
	for _, c := range []TaskState{TaskScheduled, TaskRunning, TaskIdle} {
		if string(b) == c.String() {
			*s = c
			return nil
		}
	}
	return fmt.Errorf("pool: unknown task state %q", b)
}

// TaskInfo describes one unfinished task (see Pool.Tasks).
type TaskInfo struct {
	// ID numbers the pool's tasks in spawn order, from 1.
	ID    uint64
	State TaskState
	// Func, File and Line are the spawn site: the function that spawned
	// the task and the line of the call. Empty without
	// Introspection.SpawnSites.
	Func, File string
	Line       int
	// Polls counts the polls begun; Wakes the wakes received.
	Polls, Wakes uint64
	// Age is the time since spawn. SincePoll is the time since the last
	// poll began and SinceWake since the last wake; both are negative
	// when there was none.
	Age, SincePoll, SinceWake time.Duration
	// Stuck flags a task idle for longer than StuckAfter: pending, with
	// no wake since its last poll. It is a hint, not a verdict: a task
	// awaiting a quiet connection or a long timer looks the same as one
	// whose future lost its waker.
	Stuck bool
}

// Tasks returns a snapshot of the unfinished tasks, sorted by ID, or nil
// on a pool without WithIntrospection. After Shutdown, tasks it cancelled
// stay listed until their handle is next looked at, as in Stats.Live.
func (p *Pool) Tasks() []TaskInfo {
	if p.cfg.intro == nil {
		return nil
	}
	return p.cfg.intro.snapshot()
}

// info describes r at registry time now, but for its spawn site.
func (r *taskRecord) info(now int64, stuckAfter time.Duration) TaskInfo {
	since := func(t int64) time.Duration {
		if t == 0 {
			return -1
		}
		return time.Duration(now - t)
	}
	running := r.running.Load()
	lastPoll, lastWake := r.lastPoll.Load(), r.lastWake.Load()
	ti := TaskInfo{
		ID: r.id, Polls: r.polls.Load(), Wakes: r.wakes.Load(),
		Age: time.Duration(now - r.spawned), SincePoll: since(lastPoll), SinceWake: since(lastWake),
	}
	switch {
	case running:
		ti.State = TaskRunning
	case lastPoll == 0 || lastWake >= lastPoll:
		ti.State = TaskScheduled
	default:
		ti.State = TaskIdle
		ti.Stuck = ti.SincePoll > stuckAfter
	}
	return ti // the site is filled in by snapshot
}

// Dump writes a description of the pool's unfinished tasks to w: a header
// line, then one line per task, by ID, such as
//
//	task 7 idle polls=2 wakes=1 age=12.5s since-poll=12.1s since-wake=12.3s site=api/server.go:88 (main.serve) possibly stuck
//
// It returns ErrIntrospectionOff on a pool without WithIntrospection, or
// the error of w.
func (p *Pool) Dump(w io.Writer) error {
	if p.cfg.intro == nil {
		return ErrIntrospectionOff
	}
	tasks := p.Tasks()
	stuck := 0
	for _, t := range tasks {
		if t.Stuck {
			stuck++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "pool %q: %d tasks, %d possibly stuck (idle over %v)\n",
		p.cfg.name, len(tasks), stuck, p.cfg.intro.cfg.StuckAfter)
	for _, t := range tasks {
		b.WriteString(t.String())
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// String renders t as one line of Dump.
func (t TaskInfo) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "task %d %s polls=%d wakes=%d age=%s since-poll=%s since-wake=%s",
		t.ID, t.State, t.Polls, t.Wakes, fmtSince(t.Age), fmtSince(t.SincePoll), fmtSince(t.SinceWake))
	if t.File != "" {
		fmt.Fprintf(&b, " site=%s:%d (%s)", shortFile(t.File), t.Line, shortFunc(t.Func))
	}
	if t.Stuck {
		b.WriteString(" possibly stuck")
	}
	return b.String()
}

func fmtSince(d time.Duration) string {
	if d < 0 {
		return "never"
	}
	return d.Round(time.Millisecond).String()
}

// shortFunc drops the import path: "pkg.Func".
func shortFunc(fn string) string {
	if i := strings.LastIndexByte(fn, '/'); i >= 0 {
		return fn[i+1:]
	}
	return fn
}
