package pool

import (
	"runtime"
	"sync/atomic"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/noblock"
)

// This file is the scheduler's core: the worker loop. Read this comment
// first; docs/design.md (Part 2) says why each piece is as it is.
//
// # One task, from Spawn and back
//
//  1. Spawn (spawn.go). The JoinHandle is the task: one allocation, a
//     header (state word, injection link, pool, join waker, Wait's
//     channel), then the future and the result. The task is its own
//     Waker, so no wake allocates. Spawn adopts the future (adopt.go):
//     the task cancels it whenever it drops it unfinished, so the waits
//     below it may skip their GC backstop. SpawnFrom pushes on the running
//     worker's ring (pushLocal; a full ring moves half of itself to the
//     injection queue in one batch); Spawn from a goroutine pushes on the
//     injection queue (inject.go) and notifies a parked worker.
//  2. Pick (next, below): the LIFO slot, the local ring, the injection
//     queue (a batch: its fair share, at most half a ring); every
//     globalQueueInterval ticks the injection queue comes first, and
//     every driverInterval ticks a busy worker polls the driver without
//     blocking. Nothing: search (steal half of another worker's ring),
//     then park.
//  3. Poll (task.go: run): toRunning takes the poll lock (taskstate.go);
//     the worker's one reused Context carries the task as waker, the
//     worker as Ext, the driver and a fresh budget. A panic becomes a
//     *PanicError result.
//  4. Wake (task.go): toScheduled. An idle task is queued, into the
//     current worker's LIFO slot when woken with WakeFrom during a poll on
//     a worker (scheduleLIFO), else through the injection queue; a running
//     task only gets the bit. Tasks the driver wakes while a worker is in
//     it get no LIFO slot: they queue behind the work already waiting, in
//     the order of their events (driverwake.go).
//  5. After the poll: Pending and woken meanwhile, toIdle says re-queue,
//     once, at the back of the ring (a self-wake is a yield, never the
//     LIFO slot). Ready: finish stores the result, sets complete, drops
//     the future, wakes the joiner with WakeFrom (so it runs next on this
//     worker) and closes Wait's channel if there is one.
//  6. Join (joinhandle.go): Poll reads the result or stores its waker,
//     handed over by the joinWaker bit; Wait makes a channel once.
//
// # Parking
//
// A worker with nothing to do after searchRounds rounds parks (park):
//
//  1. toParked (idle.go), under idle.mu: it is listed in sleepers, its
//     parked flag is set, unparked (and searching, if it searched) is
//     decremented, and, with hybrid parking, how it sleeps is decided.
//  2. It looks at every queue once more (Pool.hasWork): a pusher that read
//     the idle counters before step 1 woke nobody. Work found: it takes
//     itself off the list (unparkSelf) and goes back to the loop.
//  3. It sleeps while its parked flag is set: in the driver if it wins
//     driverLock (passing through Go's scheduler first, yieldToGo), else
//     on its semaphore (park.go). Spurious returns loop.
//  4. A notifier (Pool.notifyParked, idle.workerToNotify) acts only when
//     nobody searches and someone is parked; under idle.mu it pops a
//     sleeper, counts it unparked and searching, clears its flag and
//     unparks it (semaphore post, or Driver.Unpark).
//  5. A worker whose driver sleep woke tasks finds them in its ring, or
//     the injection queue if older work waited there (the driver wakes
//     with WakeFrom and this worker's Context; queueWoken): it unparks
//     itself and, if there is more than one, notifies another.
//
// No wakeup is lost: the pusher publishes the task, then reads the idle
// counters; the parker publishes its decrement, then reads the queues.
// Both are sequentially consistent atomics, so one sees the other. The
// invariants of the idle counters are at the top of idle.go; the parker's
// states at the top of park.go.

// A worker is a goroutine locked to an OS thread that runs tasks. Its
// fields are split by who may touch them, as tokio splits its worker into
// Core, Remote and Synced: [workerOwn] only by the worker's
// goroutine (and the async bodies it runs, synchronously); [workerShared]
// by any goroutine, each field atomic or written once before the worker
// starts; the part idle.mu guards lives in idle ([sleepState]). The local
// queue has two handles likewise: [queueLocal] for its owner and
// [queueSteal] for the others.
type worker struct {
	p   *Pool
	idx int

	own    workerOwn
	shared workerShared
}

// workerOwn is what only the worker's goroutine touches: no locks, no
// atomics.
type workerOwn struct {
	q    queueLocal
	lifo *header
	// inDriver: the worker is in the driver's Park, whose wakes go to
	// woken (driverwake.go), not the LIFO slot.
	inDriver  bool
	woken     wokenChain
	tick      uint32
	searching bool
	// slowPark: this park sleeps on the channel, not the futex; the
	// worker's copy of idle's decision (sleepState.slow).
	slowPark bool
	rng      uint32
	// lastYield: when yieldToGo last let Go's scheduler run.
	lastYield time.Time
	cx        future.Context
	budget    future.Budget
	stats     workerCounters
	// batch is where pullInject takes tasks from the injection queue:
	// half the local queue, the most one batch may hold.
	batch []*header
}

// workerShared is what other goroutines reach: stealers, notifiers,
// Stats, Shutdown, the noblock checks.
type workerShared struct {
	steal queueSteal
	// pk: others unpark the worker through it.
	pk parker
	// pub: the stats published for Stats().
	pub workerStatsAtomic
	// noblock marks this goroutine, and the async bodies it resumes, as
	// goroutines where BlockOn and Wait fail with ErrInWorker.
	noblock noblock.Slot
	// goid is the worker goroutine's id, to find it in a goroutine dump
	// (shutdown_stuck.go); written once before the worker reports it
	// started (Pool.started), read-only after.
	goid uint64
	_    [64]byte
	// live counts tasks spawned minus tasks completed on this worker
	// (it can go negative: tasks move); only this worker changes it,
	// Shutdown and Stats read it.
	live atomic.Int64
	_    [56]byte
}

const (
	// globalQueueInterval: every this many ticks the injection queue is
	// checked before local work, so that tasks coming from outside are
	// not starved by tasks that keep each other busy (tokio's value).
	// Stats are published on the same ticks.
	globalQueueInterval = 61
	// driverInterval: every this many ticks a busy worker polls the
	// driver without blocking, so that I/O and timers fire while no
	// worker is idle. Independent of globalQueueInterval.
	driverInterval = 61
	// maxLIFOPolls bounds consecutive LIFO polls (tokio's value): the
	// LIFO slot makes message passing fast (the receiver runs next, its
	// data hot) but could let two tasks waking each other hold a worker
	// forever.
	maxLIFOPolls = 3
	// searchRounds bounds how long a worker without work keeps looking
	// before it parks: this many passes over the other workers' queues
	// and the injection queue, well under a µs, as Go's findRunnable and
	// tokio bound theirs. Rounds, not the clock: on a small machine the
	// thread that would produce the searcher's next task (a client, the
	// other end of a socket) needs the CPU a timed spin would hold.
	//
	// The search does not poll the driver, as Go's findRunnable polls
	// the netpoller: it ends in a park, in the driver when nobody else is
	// there, whose blocking wait returns at once if events are ready, so
	// a non-blocking poll before it would be a system call for nothing.
	searchRounds = 4
)

func newWorker(p *Pool, idx int, queueSize int) *worker {
	w := &worker{p: p, idx: idx}
	w.own.q, w.shared.steal = newQueue(queueSize)
	w.own.batch = make([]*header, queueSize/2)
	w.own.rng = uint32(idx)*2654435761 + 1
	w.shared.pk.slow = newChanSema()
	if p.cfg.parking != parkChan {
		w.shared.pk.fast = newFutexSemaOrNil()
	}
	cx := &w.own.cx
	cx.SetExt(w)
	cx.SetBudget(&w.own.budget)
	if p.driver != nil {
		cx.SetDriver(p.driver)
	}
	return w
}

// loop is the worker goroutine.
func (w *worker) loop() {
	p := w.p
	defer p.workers.Done()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	w.shared.noblock.Enter()
	defer w.shared.noblock.Leave()
	w.shared.goid = noblock.Goid() // read by Shutdown only: a microsecond, once
	if cpus := p.cfg.affinity; len(cpus) > 0 {
		cpu := cpus[w.idx%len(cpus)]
		if err := setAffinity(cpu); err != nil {
			p.affinityErr.CompareAndSwap(nil, &err)
		}
	}
	p.started.Done()
	for !p.stop.Load() {
		if h := w.next(); h != nil {
			w.runTask(h)
			continue
		}
		if h := w.search(); h != nil {
			w.runTask(h)
			continue
		}
		w.park()
	}
	w.publish()
}

// next returns the next task of this worker without stealing.
func (w *worker) next() *header {
	o := &w.own
	o.tick++
	if o.tick%driverInterval == 0 {
		w.pollDriver()
	}
	if o.tick%globalQueueInterval == 0 {
		w.publish()
		if h := w.pullInject(); h != nil {
			return h
		}
	}
	if h := o.lifo; h != nil {
		o.lifo = nil
		return h
	}
	if h := o.q.pop(); h != nil {
		return h
	}
	return w.pullInject()
}

// pullInject takes a batch from the injection queue: the first task to
// run, the rest into the local queue. The batch is this worker's fair
// share, bounded by the room in the local queue.
func (w *worker) pullInject() *header {
	inj := &w.p.inject
	n := inj.len()
	if n == 0 {
		return nil
	}
	q := w.own.q
	// The first task runs now; the rest must fit in the local queue.
	max := n/len(w.p.ws) + 1
	if half := q.capacity() / 2; max > half {
		max = half
	}
	if room := q.free() + 1; max > room {
		max = room
	}
	batch := w.own.batch[:min(max, len(w.own.batch))]
	got := inj.popBatch(batch)
	if got == 0 {
		return nil
	}
	for i := 1; i < got; i++ {
		q.push(batch[i], inj)
	}
	first := batch[0]
	clear(batch[:got])
	w.own.stats.injected += uint64(got)
	return first
}

// runTask polls h, then the LIFO chain it starts, up to maxLIFOPolls.
func (w *worker) runTask(h *header) {
	o := &w.own
	if o.searching {
		o.searching = false
		if w.p.idle.fromSearching() {
			// The last searcher found work: there may be more, so let a
			// parked worker search in its place.
			w.p.notifyParked()
		}
	}
	h.self().run(w)
	for n := 0; o.lifo != nil; n++ {
		t := o.lifo
		o.lifo = nil
		if n == maxLIFOPolls {
			w.pushLocal(t)
			break
		}
		o.stats.lifoPolls++
		t.self().run(w)
	}
}

// scheduleLIFO puts a task woken by the running task in the LIFO slot; a
// task already there moves to the local queue, where others can steal it.
// A task woken by the driver is collected instead (driverwake.go).
func (w *worker) scheduleLIFO(h *header) {
	if w.own.inDriver {
		w.own.woken.collect(h)
		return
	}
	prev := w.own.lifo
	w.own.lifo = h
	if prev != nil {
		w.pushLocal(prev)
	}
}

// pushLocal appends to the local queue and, when this worker has more
// queued than the one task it will run next itself, lets a parked worker
// know (tokio's should_notify_others): a thread wake costs more than a
// tiny task, so a single task spawned or yielded by the running one is
// run by this worker once the poll returns, and a second one queued
// behind it wakes a helper. Nothing is lost either way: a worker runs its
// own queue before it searches or parks.
func (w *worker) pushLocal(h *header) {
	o := &w.own
	if o.q.push(h, &w.p.inject) {
		o.stats.overflows++
	}
	queued := o.q.len()
	if o.lifo != nil {
		queued++
	}
	if queued > 1 {
		w.p.notifyParked()
	}
}

// search looks for work in other workers' queues and the injection
// queue, for up to searchRounds passes. It returns nil if the worker
// should park.
func (w *worker) search() *header {
	p := w.p
	if !w.own.searching {
		if !p.idle.toSearching() {
			return nil
		}
		w.own.searching = true
	}
	for round := 1; round <= searchRounds; round++ {
		if h := w.stealRound(); h != nil {
			return h
		}
		if h := w.pullInject(); h != nil {
			return h
		}
		if p.stop.Load() {
			return nil
		}
	}
	return nil
}

// stealRound tries every other worker once, from a random one.
func (w *worker) stealRound() *header {
	ws := w.p.ws
	n := uint32(len(ws))
	if n == 1 {
		return nil
	}
	o := &w.own
	o.rng ^= o.rng << 13
	o.rng ^= o.rng >> 17
	o.rng ^= o.rng << 5
	start := o.rng % n
	for i := uint32(0); i < n; i++ {
		v := ws[(start+i)%n]
		if v == w {
			continue
		}
		if h, got := v.shared.steal.stealInto(o.q); h != nil {
			o.stats.steals++
			o.stats.stolen += uint64(got)
			return h
		}
	}
	return nil
}

// park sleeps until notified, there is work, or the pool stops (the
// protocol is at the top of this file).
func (w *worker) park() {
	p, o := w.p, &w.own
	wasSearching := o.searching
	o.searching = false
	w.publish()
	// Whether or not this worker was the last searcher, the look below
	// covers what a notify would: work pushed while it searched.
	o.slowPark = p.idle.toParked(w, wasSearching, p.cfg.parking == parkHybrid)
	// Look once more after being listed as parked: a pusher that read
	// the idle state before we were listed did not wake anyone.
	if p.hasWork() {
		w.leavePark()
		return
	}
	o.stats.parks++
	for p.idle.isParked(w) && !p.stop.Load() {
		if local, injected := w.sleep(); local+injected > 0 {
			// The driver woke tasks: into this worker's ring, or the
			// injection queue if older work waits there.
			w.leavePark()
			if local > 1 || injected > 0 {
				p.notifyParked()
			}
			return
		}
	}
	if !p.idle.isParked(w) {
		o.searching = true // a notifier counted us as searching
		o.stats.unparks++
	}
}

// leavePark takes the worker off the sleepers list, or, if a notifier did
// that already, makes it the searcher the notifier counted on.
func (w *worker) leavePark() {
	w.own.searching = !w.p.idle.unparkSelf(w)
}

// sleep blocks once: in the driver if the pool has one and no other
// worker holds it, else on the worker's semaphore. It returns how many
// tasks the driver woke into the local ring and the injection queue.
func (w *worker) sleep() (local, injected int) {
	p, o := w.p, &w.own
	if p.driver != nil && !p.driverLock.Load() {
		w.yieldToGo() // before the driver, not while holding it
	}
	if d := p.driver; d != nil && p.driverLock.CompareAndSwap(false, true) {
		o.cx.SetWaker(future.NoopWaker)
		o.inDriver = true
		w.shared.pk.park(&o.cx, d, false)
		o.inDriver = false
		p.driverLock.Store(false)
		o.stats.driverParks++
		return w.queueWoken()
	}
	fast := p.cfg.parking == parkFutex || (p.cfg.parking == parkHybrid && !o.slowPark)
	w.shared.pk.park(&o.cx, nil, fast)
	return 0, 0
}

// yieldToGo passes through Go's scheduler once, at most every
// yieldEvery, on the way to parking in the driver.
//
// Why: sysmon preempts a goroutine that has run for 10 ms on the same
// scheduler tick, and a worker that only ever blocks in epoll_wait (a
// system call) never starts a new tick. Found it in a system call, sysmon
// takes its P away (a hand-off) and retries every tick until the worker is
// preempted in Go code; each take also resets sysmon to waking every
// 20 µs, which costs a one-worker server a large share of its CPU. The
// yield costs a locked-thread hand-off at most every
// yieldEvery, paid by a worker that is about to sleep anyway.
func (w *worker) yieldToGo() {
	now := time.Now()
	if now.Sub(w.own.lastYield) < yieldEvery {
		return
	}
	w.own.lastYield = now
	runtime.Gosched()
}

// yieldEvery is half of sysmon's 10 ms preemption period (forcePreemptNS).
const yieldEvery = 5 * time.Millisecond

// pollDriver runs every driverInterval ticks: on a busy pool, collect
// ready I/O and timers without blocking, unless another worker is in the
// driver. The tasks it wakes queue behind those already waiting
// (driverwake.go).
func (w *worker) pollDriver() {
	p, o := w.p, &w.own
	if d := p.driver; d != nil && p.driverLock.CompareAndSwap(false, true) {
		o.cx.SetWaker(future.NoopWaker)
		o.inDriver = true
		d.Park(&o.cx, 0)
		o.inDriver = false
		p.driverLock.Store(false)
		o.stats.driverPolls++
		// As pushLocal: help is worth a thread wake when more than the
		// one task this worker runs next is queued.
		if local, injected := w.queueWoken(); injected > 0 || (local > 0 && o.q.len() > 1) {
			p.notifyParked()
		}
	}
}

// NoBlockSlot gives an async body polled with this worker's Context the
// slot to mark itself in (noblock.Holder).
func (w *worker) NoBlockSlot() *noblock.Slot { return &w.shared.noblock }

// unpark wakes this worker wherever it sleeps.
func (w *worker) unpark() { w.shared.pk.unpark(w.p.driver) }
