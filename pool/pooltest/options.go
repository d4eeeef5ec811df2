package pooltest

import (
	"time"

	"github.com/spindle-rt/spindle/future"
)

// Option changes how a run schedules. The defaults suit tests of
// primitives; see each option.
type Option func(*options)

type options struct {
	spurious    float64
	lateWakes   float64
	dropStale   bool
	idleTimeout time.Duration
	maxSteps    int
	budget      int
	autoAdvance bool
	pctDepth    int
	pctSteps    int
	driver      future.Driver
}

func defaultOptions() options {
	return options{
		spurious:    0.05,
		lateWakes:   0.1,
		dropStale:   true,
		idleTimeout: time.Second,
		maxSteps:    1_000_000,
		budget:      future.DefaultBudget,
		autoAdvance: true,
	}
}

func buildOptions(opts []Option) options {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// SpuriousPolls sets the probability (default 0.05) that a step polls a
// random pending task that was not woken, instead of a woken one. Futures
// must tolerate such polls; 0 turns them off.
func SpuriousPolls(p float64) Option { return func(o *options) { o.spurious = p } }

// LateWakes sets the probability (default 0.1) that a wake of a pending task
// is held back and delivered only after later steps, as a wake crossing
// from another worker would be. 0 turns it off.
func LateWakes(p float64) Option { return func(o *options) { o.lateWakes = p } }

// KeepStaleWakes makes wakes of a waker handed to an earlier poll of a task
// wake it, as the pool does. By default they are dropped, which the waker
// contract allows and which exposes futures that forget to store the waker
// of their latest poll.
func KeepStaleWakes() Option { return func(o *options) { o.dropStale = false } }

// IdleTimeout sets how long the loop waits, with every task pending and no
// timer left, for a wake from another goroutine before it reports a
// deadlock (default 1s). Runs whose tasks are woken only from inside the
// run can use a few milliseconds.
func IdleTimeout(d time.Duration) Option { return func(o *options) { o.idleTimeout = d } }

// MaxSteps sets how many polls a run may make before it is reported as a
// livelock (default 1,000,000).
func MaxSteps(n int) Option { return func(o *options) { o.maxSteps = n } }

// Budget sets the cooperative budget (see future.Coop) each poll starts
// with (default future.DefaultBudget). A small budget exercises the
// yield paths of leaf futures.
func Budget(n int) Option { return func(o *options) { o.budget = n } }

// ManualClock stops the virtual clock from jumping to the next deadline
// when every task is idle; only Clock.Advance moves it.
func ManualClock() Option { return func(o *options) { o.autoAdvance = false } }

// PCT replaces the uniform random pick with probabilistic concurrency
// testing (Burckhardt et al., ASPLOS 2010; shuttle's PctScheduler): every
// task gets a random priority, the highest-priority ready task always runs,
// and at depth-1 random steps among the first steps the running task drops
// to a priority below all others. A bug that needs depth specific orderings
// is then found with probability at least 1/(tasks·steps^(depth-1)) per
// seed, where uniform picks can make it exponentially rare. A task that
// wakes itself (a yield) draws a new random priority, so spin-waits end.
// steps should be about the number of polls a run makes.
func PCT(depth, steps int) Option {
	return func(o *options) { o.pctDepth, o.pctSteps = max(depth, 1), max(steps, 1) }
}

// WithDriver makes d (a poll.Reactor) the run's driver: tasks find it as
// cx.Driver(), so poll's sockets and real-time timers work under pooltest;
// the loop parks in d.Park when nothing is ready and collects d's events
// every few steps when busy. Wakes from d arrive when the OS delivers them,
// so such runs explore schedules but do not replay exactly; the virtual
// clock's timer interface is not cx.Driver() then. Set IdleTimeout above
// the longest real wait. The caller keeps ownership of d and closes it.
func WithDriver(d future.Driver) Option { return func(o *options) { o.driver = d } }
