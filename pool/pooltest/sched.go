package pooltest

// The scheduler loop. Everything here runs on the goroutine that called
// Run (the loop goroutine) except Sched.post and Sched.Unpark, which any
// goroutine may call.
//
// A task is in one of these states (task.state, touched only by the loop):
//
//	          spawn (via the inbox)
//	              │
//	              ▼
//	   ┌──────▶ ready ───pick───▶ running ──Ready──▶ done
//	   │          ▲                │    │
//	   │          │ woken during   │    │ Pending, not woken
//	   │          │ the poll       │    │
//	   │          └─── runWoken ◀──┘    ▼
//	   └────────── wake ─────────────  idle ──spurious pick──▶ running
//
// Wakes do not change state where they happen: every Wake (and every
// Spawn) is appended to the inbox under inboxMu and the loop applies it at
// its next step (deliver). A wake made on the loop goroutine, inside a poll,
// is therefore applied in program order, which keeps a run a pure function
// of its seed as long as no other goroutine wakes or spawns. A wake carries
// the generation of the poll whose waker it came from; when it reaches the
// loop after the task was polled again it is stale and dropped (the waker
// contract says only the waker of the most recent poll counts).
//
// One step of the loop:
//
//  1. deliver the inbox, in a random order; each wake of an idle task makes
//     it ready, or, with probability LateWakes, goes to the late list;
//  2. with probability 1/2 deliver one late wake;
//  3. if nothing is ready: deliver every late wake; failing that, advance
//     the virtual clock to its next deadline; failing that, park until a
//     wake arrives from another goroutine or the idle timeout says the run
//     is deadlocked;
//  4. with probability SpuriousPolls poll a random idle task, otherwise a
//     random ready one (under the PCT option: the ready task of highest
//     priority, lowering it at the change-point steps; a task that woke
//     itself, a yield, draws a new priority).
//
// The loop ends when the task it waits for is done (BlockOn) or no task is
// left (Wait), or on the first failure.

import (
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/noblock"
)

type taskState uint8

const (
	stateReady taskState = iota
	stateRunning
	stateRunWoken
	stateIdle
	stateDone
)

// wake is an inbox entry: a wake of task t from the waker of poll gen, or
// the spawn of t when spawn is set.
type wake struct {
	t     *task
	gen   uint32
	spawn bool
}

// Sched is one run of the deterministic executor: a set of tasks polled on
// one goroutine in an order chosen by a random generator seeded with Seed.
// It is also a require.TestingT whose failures are reported with the seed.
// Get one from Run, RunMany, RunSeeds or Explore.
type Sched struct {
	seed uint64
	rng  *rand.Rand
	opts options

	inboxMu sync.Mutex
	inbox   []wake
	signal  chan struct{} // capacity 1: an outside post happened

	tasks    []*task // live tasks, in spawn order; done ones are removed lazily
	ready    []*task
	late     []wake
	idle     int // tasks in stateIdle
	live     int // tasks not done
	nextID   uint64
	current  *task
	steps    int
	cx       future.Context
	budget   future.Budget
	clock    *Clock
	failure  *Failure
	stopping bool // a failure was recorded: the loop exits at its next step
	logs     []string
	spurious bool // the task pick returned was idle, not woken
	trace    [traceLen]event
	traceN   int
	changes  map[int]uint64 // PCT: step -> the low priority its task drops to
	mu       sync.Mutex     // guards failure and logs, which any goroutine may add to
}

func newSched(seed uint64, opts options) *Sched {
	s := &Sched{
		seed:   seed,
		rng:    rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		opts:   opts,
		signal: make(chan struct{}, 1),
	}
	s.clock = newClock(s)
	if opts.pctDepth > 0 {
		s.changes = make(map[int]uint64)
		for j := 1; j < opts.pctDepth; j++ {
			s.changes[1+s.rng.IntN(opts.pctSteps)] = uint64(opts.pctDepth - j)
		}
	}
	s.cx.SetExt(s)
	s.cx.SetDriver(s)
	if opts.driver != nil {
		s.cx.SetDriver(opts.driver)
	}
	s.cx.SetBudget(&s.budget)
	return s
}

// Seed returns the seed of this run.
func (s *Sched) Seed() uint64 { return s.seed }

// Rand returns the run's random generator, for tests that want random
// inputs that replay with the seed. Use it from the loop goroutine only.
func (s *Sched) Rand() *rand.Rand { return s.rng }

// Clock returns the run's virtual clock.
func (s *Sched) Clock() *Clock { return s.clock }

// Steps returns how many polls the run has made so far.
func (s *Sched) Steps() int { return s.steps }

// post queues w for the loop and wakes the loop if it is parked. Any
// goroutine may call it.
func (s *Sched) post(w wake) {
	s.inboxMu.Lock()
	s.inbox = append(s.inbox, w)
	s.inboxMu.Unlock()
	s.Unpark()
}

// Unpark makes a parked loop look at its inbox. It is part of
// future.Driver; any goroutine may call it.
func (s *Sched) Unpark() {
	select {
	case s.signal <- struct{}{}:
	default:
	}
	if d := s.opts.driver; d != nil {
		d.Unpark()
	}
}

// Park waits until another goroutine posts a wake or calls Unpark, or
// timeout passes (a negative timeout waits for the idle timeout; zero only
// consumes a pending Unpark). A post or Unpark made before the call makes
// it return at once. It is part of
// future.Driver so that code asking cx.Driver() finds the scheduler; the
// loop parks this way itself when nothing is ready.
func (s *Sched) Park(cx *future.Context, timeout time.Duration) {
	if timeout < 0 {
		timeout = s.opts.idleTimeout
	}
	s.waitSignal(timeout)
}

func (s *Sched) waitSignal(d time.Duration) bool {
	if d == 0 {
		select {
		case <-s.signal:
			return true
		default:
			return false
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-s.signal:
		return true
	case <-t.C:
		return false
	}
}

// deliverInbox applies every posted wake and spawn, in a random order.
func (s *Sched) deliverInbox() {
	s.inboxMu.Lock()
	in := s.inbox
	s.inbox = nil
	s.inboxMu.Unlock()
	s.rng.Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
	for _, w := range in {
		if w.spawn {
			if s.changes != nil {
				w.t.prio = s.newPriority()
			}
			s.tasks = append(s.tasks, w.t)
			s.live++
			s.makeReady(w.t)
			continue
		}
		if s.opts.lateWakes > 0 && w.t.state == stateIdle && s.rng.Float64() < s.opts.lateWakes {
			s.late = append(s.late, w)
			continue
		}
		s.apply(w)
	}
}

// apply delivers one wake according to the state machine at the top of
// the file.
func (s *Sched) apply(w wake) {
	t := w.t
	if w.gen != t.gen && s.opts.dropStale {
		t.staleWakes++
		s.record(event{step: s.steps, task: t.id, kind: evStale})
		return
	}
	switch t.state {
	case stateIdle:
		s.idle--
		s.makeReady(t)
	case stateRunning:
		t.state = stateRunWoken
	}
}

func (s *Sched) makeReady(t *task) {
	t.state = stateReady
	s.ready = append(s.ready, t)
}

func (s *Sched) deliverLate(all bool) {
	if all {
		late := s.late
		s.late = nil
		for _, w := range late {
			s.apply(w)
		}
		return
	}
	i := s.rng.IntN(len(s.late))
	w := s.late[i]
	s.late = slices.Delete(s.late, i, i+1)
	s.apply(w)
}

// loop runs tasks until until() holds or the run fails. It returns false
// on failure.
func (s *Sched) loop(until func() bool) bool {
	if s.current != nil {
		panic(&future.MisuseError{Future: "pooltest.Sched", Err: ErrNestedLoop})
	}
	if noblock.Forbidden() { // the loop parks: not on a pool's worker
		panic(&future.MisuseError{Future: "pooltest.Sched", Err: future.ErrInWorker})
	}
	for !s.stopping {
		s.deliverInbox()
		if until() {
			return true
		}
		if len(s.late) > 0 && s.rng.IntN(2) == 0 {
			s.deliverLate(false)
		}
		if len(s.ready) == 0 && !s.unblock() {
			continue
		}
		if s.steps >= s.opts.maxSteps {
			s.fail(fmt.Sprintf("livelock: %d polls without finishing; %s", s.steps, s.describePending()))
			break
		}
		s.steps++
		if s.opts.driver != nil && s.steps%driverTick == 0 {
			s.opts.driver.Park(&s.cx, 0) // collect I/O while busy
			s.deliverInbox()
		}
		s.poll(s.pick())
	}
	return false
}

// unblock is step 3 of the loop, for when nothing is ready. It returns
// true when something became ready.
func (s *Sched) unblock() bool {
	if len(s.late) > 0 {
		s.deliverLate(true)
		return len(s.ready) > 0
	}
	if s.opts.autoAdvance && s.clock.advanceToNext() {
		s.record(event{step: s.steps, kind: evClock, d: s.clock.Elapsed()})
		s.deliverInbox()
		return len(s.ready) > 0
	}
	if s.opts.driver != nil {
		return s.parkDriver()
	}
	if !s.waitSignal(s.opts.idleTimeout) {
		s.fail(fmt.Sprintf("deadlock: %d tasks pending and none woken for %v; %s",
			s.live, s.opts.idleTimeout, s.describePending()))
	}
	return false
}

// driverTick is how many steps a busy loop makes between two zero-timeout
// Parks in the driver, so tasks waiting for I/O are not starved by tasks
// that keep yielding.
const driverTick = 61

// parkDriver parks in the driver until something is posted, or fails the
// run as deadlocked after the idle timeout. The driver's wakes come back
// through WakeFrom(&s.cx, w), that is through the inbox.
func (s *Sched) parkDriver() bool {
	deadline := time.Now().Add(s.opts.idleTimeout)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			s.fail(fmt.Sprintf("deadlock: %d tasks pending and none woken for %v; %s",
				s.live, s.opts.idleTimeout, s.describePending()))
			return false
		}
		s.opts.driver.Park(&s.cx, left)
		s.inboxMu.Lock()
		posted := len(s.inbox) > 0
		s.inboxMu.Unlock()
		if posted {
			return false // the loop delivers at its next step
		}
	}
}

// pick removes and returns the next task to poll.
func (s *Sched) pick() *task {
	s.spurious = false
	if s.idle > 0 && s.opts.spurious > 0 && s.rng.Float64() < s.opts.spurious {
		n := s.rng.IntN(s.idle)
		for _, t := range s.tasks {
			if t.state == stateIdle {
				if n == 0 {
					s.idle--
					s.spurious = true
					return t
				}
				n--
			}
		}
	}
	i := s.rng.IntN(len(s.ready))
	if s.changes != nil {
		i = s.highest()
	}
	t := s.ready[i]
	last := len(s.ready) - 1
	s.ready[i] = s.ready[last]
	s.ready[last] = nil
	s.ready = s.ready[:last]
	return t
}

// newPriority draws a PCT priority above every change-point priority.
func (s *Sched) newPriority() uint64 {
	return uint64(s.opts.pctDepth) + 1 + s.rng.Uint64N(1<<62)
}

// highest returns the index in ready of the task to run under PCT, and
// applies the change point of this step, if any, to it.
func (s *Sched) highest() int {
	best := 0
	for i, t := range s.ready {
		if t.prio > s.ready[best].prio {
			best = i
		}
	}
	if low, ok := s.changes[s.steps]; ok {
		s.ready[best].prio = low
	}
	return best
}

// poll polls t once with a fresh waker and files it by the outcome.
func (s *Sched) poll(t *task) {
	t.gen++
	t.polls++
	t.state = stateRunning
	kind := evPoll
	if s.spurious {
		kind = evSpurious
	}
	s.current = t
	s.cx.SetWaker(&taskWaker{t: t, gen: t.gen, s: s})
	s.budget.Reset(s.opts.budget)
	done := s.pollGuarded(t)
	s.current = nil
	if s.stopping {
		s.record(event{step: s.steps, task: t.id, kind: kind, result: stateRunning})
		return
	}
	defer func() { s.record(event{step: s.steps, task: t.id, kind: kind, result: t.state}) }()
	if done {
		t.state = stateDone
		s.live--
		if s.live*2 < len(s.tasks) {
			s.tasks = slices.DeleteFunc(s.tasks, func(t *task) bool { return t.state == stateDone })
		}
		return
	}
	s.deliverInbox() // wakes made during the poll decide where t goes
	if t.state == stateRunWoken {
		if s.changes != nil {
			t.prio = s.newPriority() // a yield: let spin-waits end under PCT
		}
		s.makeReady(t)
		return
	}
	t.state = stateIdle
	s.idle++
}

// pollGuarded polls t, turning a panic or a FailNow inside it into the
// run's failure.
func (s *Sched) pollGuarded(t *task) (done bool) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(failNow); ok {
				s.stopping = true
				return
			}
			s.fail(fmt.Sprintf("task %d (spawned at %s) panicked with %T: %v\n%s", t.id, t.site, v, v, debug.Stack()))
		}
	}()
	return t.poll(&s.cx)
}

// describePending lists the tasks that are not done, with their spawn
// sites, for deadlock and livelock reports.
func (s *Sched) describePending() string {
	var b strings.Builder
	n := 0
	for _, t := range s.tasks {
		if t.state == stateDone {
			continue
		}
		if n == 8 {
			fmt.Fprintf(&b, "\n\t... and %d more", s.live-n)
			break
		}
		fmt.Fprintf(&b, "\n\ttask %d spawned at %s: %s after %d polls", t.id, t.site, t.state, t.polls)
		if t.staleWakes > 0 {
			fmt.Fprintf(&b, " (%d wakes of stale wakers dropped: does a future keep the waker of an earlier poll?)", t.staleWakes)
		}
		n++
	}
	return b.String()
}

func (st taskState) String() string {
	switch st {
	case stateReady:
		return "ready"
	case stateRunning, stateRunWoken:
		return "running"
	case stateIdle:
		return "pending"
	default:
		return "done"
	}
}
