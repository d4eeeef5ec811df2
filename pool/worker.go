package pool

import (
	"runtime"
	"sync/atomic"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/noblock"
)

// A worker is a goroutine locked to an OS thread that runs tasks. Its loop:
//
//	next task, in this order:
//	  every 61st tick: maintenance, then the injection queue first
//	  the LIFO slot (the task the last task woke)
//	  the local queue
//	  the injection queue (a batch)
//	none: search (steal half of a random victim's queue; at most about
//	  half the workers search), a few rounds
//	still none: park (idle.go), in the driver if no other worker is there
//
// The LIFO slot makes message passing fast (the receiver runs next, with
// its data hot in cache) but could let two tasks waking each other hold a
// worker forever; after maxLIFOPolls LIFO polls in a row the slot's task
// goes to the back of the local queue instead.
type worker struct {
	p   *Pool
	idx int
	q   *localQueue

	// Touched only by the worker's goroutine.
	lifo      *header
	tick      uint32
	searching bool
	// slowPark: sleep on the channel rather than the futex; set by
	// idle.toParked under its mutex, read by this worker after.
	slowPark bool
	rng      uint32
	// lastYield: when yieldToGo last let Go's scheduler run.
	lastYield time.Time
	cx        future.Context
	budget    future.Budget
	stats     workerCounters

	// parked is true while the worker is listed in idle.sleepers.
	parked atomic.Bool
	pk     parker

	pub workerStatsAtomic // stats published for Stats()
	// noblock marks this goroutine, and the async bodies it resumes, as
	// goroutines where BlockOn and Wait fail with ErrInWorker.
	noblock noblock.Slot
	// goid is the worker goroutine's id, to find it in a goroutine dump
	// (shutdown_stuck.go); set before the worker reports it started.
	goid uint64
	_    [64]byte
	// live counts tasks spawned minus tasks completed on this worker
	// (it can go negative: tasks move); only this worker changes it.
	live atomic.Int64
	_    [56]byte
}

const (
	// globalQueueInterval: every this many ticks the injection queue is
	// checked before local work, so that tasks coming from outside are
	// not starved by tasks that keep each other busy (tokio's value).
	globalQueueInterval = 61
	// driverInterval: every this many ticks a busy worker polls the
	// driver without blocking, so that I/O and timers fire while no
	// worker is idle.
	driverInterval = 61
	// maxLIFOPolls bounds consecutive LIFO polls (tokio's value).
	maxLIFOPolls = 3
	// searchRounds bounds how long a worker without work keeps looking
	// before it parks: this many passes over the other workers' queues
	// and the injection queue, well under a µs. It used to be 30 µs by
	// the clock; that measured worse everywhere on a 2-CPU machine,
	// because the thread that produces a spinning worker's next task (a
	// client, the other end of a socket, a goroutine) needs the very CPU
	// the spin holds: count server at one transaction in flight 5.6k ->
	// 7.3-8.8k tx/s and 80 -> 50 µs of server CPU per transaction;
	// single-connection echo with both ends on pools 46-58 -> 24-36 µs
	// (docs/benchmarks.md). Go's findRunnable and tokio's search are
	// bounded by rounds too.
	//
	// The search does not poll the driver. While the search took 30 µs it
	// had to (a reply could wait that long otherwise), but a short search
	// ends in a park, and a worker parks in the driver when nobody else
	// is in it: the blocking epoll_wait returns at once if events are
	// ready, so a non-blocking one before it is a system call for
	// nothing. Dropping it: count server at m=1, 8.5-8.8k -> 11.0-11.5k
	// tx/s and 46-48 -> 30-43 µs per transaction; echo with both ends on
	// pools 24-31 -> 21-22 µs per round trip.
	searchRounds = 4
)

func newWorker(p *Pool, idx int, queueSize int) *worker {
	w := &worker{p: p, idx: idx, q: newLocalQueue(queueSize), rng: uint32(idx)*2654435761 + 1}
	w.pk.slow = newChanSema()
	if p.cfg.parking != parkChan {
		w.pk.fast = newFutexSemaOrNil()
	}
	w.cx.SetExt(w)
	w.cx.SetBudget(&w.budget)
	if p.driver != nil {
		w.cx.SetDriver(p.driver)
	}
	return w
}

// loop is the worker goroutine.
func (w *worker) loop() {
	p := w.p
	defer p.workers.Done()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	w.noblock.Enter()
	defer w.noblock.Leave()
	w.goid = noblock.Goid() // read by Shutdown only: a microsecond, once
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
	w.tick++
	if w.tick%globalQueueInterval == 0 {
		w.maintenance()
		if h := w.pullInject(); h != nil {
			return h
		}
	}
	if h := w.lifo; h != nil {
		w.lifo = nil
		return h
	}
	if h := w.q.pop(); h != nil {
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
	// The first task runs now; the rest must fit in the local queue.
	max := n/len(w.p.ws) + 1
	if half := len(w.q.buf) / 2; max > half {
		max = half
	}
	if room := w.q.free() + 1; max > room {
		max = room
	}
	first, got := inj.popBatch(max)
	if first == nil {
		return nil
	}
	for h := first.next; h != nil; {
		nx := h.next
		h.next = nil
		w.q.push(h, inj)
		h = nx
	}
	first.next = nil
	w.stats.injected += uint64(got)
	return first
}

// runTask polls h, then the LIFO chain it starts, up to maxLIFOPolls.
func (w *worker) runTask(h *header) {
	if w.searching {
		w.searching = false
		if w.p.idle.fromSearching() {
			// The last searcher found work: there may be more, so let a
			// parked worker search in its place.
			w.p.notifyParked()
		}
	}
	h.self.run(w)
	for n := 0; w.lifo != nil; n++ {
		t := w.lifo
		w.lifo = nil
		if n == maxLIFOPolls {
			w.pushLocal(t)
			break
		}
		w.stats.lifoPolls++
		t.self.run(w)
	}
}

// scheduleLIFO puts a task woken by the running task in the LIFO slot; a
// task already there moves to the local queue, where others can steal it.
func (w *worker) scheduleLIFO(h *header) {
	prev := w.lifo
	w.lifo = h
	if prev != nil {
		w.pushLocal(prev)
	}
}

// pushLocal appends to the local queue and, when this worker has more
// queued than the one task it will run next itself, lets a parked worker
// know (tokio's should_notify_others). Waking a thread costs more here
// (6–10 µs) than a tiny task: a single task spawned or yielded by the
// running one is run by this worker once the poll returns, and a second
// one queued behind it wakes a helper. Nothing is lost either way: a
// worker runs its own queue before it searches or parks.
func (w *worker) pushLocal(h *header) {
	if w.q.push(h, &w.p.inject) {
		w.stats.overflows++
	}
	queued := w.q.len()
	if w.lifo != nil {
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
	if !w.searching {
		if !p.idle.toSearching() {
			return nil
		}
		w.searching = true
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
	w.rng ^= w.rng << 13
	w.rng ^= w.rng >> 17
	w.rng ^= w.rng << 5
	start := w.rng % n
	for i := uint32(0); i < n; i++ {
		v := ws[(start+i)%n]
		if v == w {
			continue
		}
		if h, got := v.q.stealInto(w.q); h != nil {
			w.stats.steals++
			w.stats.stolen += uint64(got)
			return h
		}
	}
	return nil
}

// park sleeps until notified, there is work, or the pool stops.
func (w *worker) park() {
	p := w.p
	wasSearching := w.searching
	w.searching = false
	w.publish()
	p.idle.toParked(w, wasSearching, p.cfg.parking == parkHybrid)
	// Look once more after being listed as parked: a pusher that read
	// the idle state before we were listed did not wake anyone.
	if p.hasWork() {
		w.leavePark()
		return
	}
	w.stats.parks++
	for w.parked.Load() && !p.stop.Load() {
		w.sleep()
		if w.lifo != nil || w.q.len() > 0 {
			// The driver woke tasks into this worker's queues.
			w.leavePark()
			if w.q.len() > 0 {
				p.notifyParked()
			}
			return
		}
	}
	if !w.parked.Load() {
		w.searching = true // a notifier counted us as searching
		w.stats.unparks++
	}
}

// leavePark takes the worker off the sleepers list, or, if a notifier did
// that already, makes it the searcher the notifier counted on.
func (w *worker) leavePark() {
	w.searching = !w.p.idle.unparkSelf(w)
}

// sleep blocks once: in the driver if the pool has one and no other
// worker holds it, else on the worker's semaphore.
func (w *worker) sleep() {
	p := w.p
	if p.driver != nil && !p.driverLock.Load() {
		w.yieldToGo() // before the driver, not while holding it
	}
	if d := p.driver; d != nil && p.driverLock.CompareAndSwap(false, true) {
		w.cx.SetWaker(future.NoopWaker)
		w.pk.park(&w.cx, d, false)
		p.driverLock.Store(false)
		w.stats.driverParks++
		return
	}
	fast := p.cfg.parking == parkFutex || (p.cfg.parking == parkHybrid && !w.slowPark)
	w.pk.park(&w.cx, nil, fast)
}

// yieldToGo passes through Go's scheduler once, at most every
// yieldEvery, on the way to parking in the driver.
//
// Why: sysmon preempts a goroutine that has run for 10 ms on the same
// scheduler tick, and a worker that only ever blocks in epoll_wait (a
// system call) never starts a new tick. Found it in a system call, sysmon
// takes its P away (a hand-off) and retries every tick until the worker is
// preempted in Go code; each take also resets sysmon to waking every
// 20 µs. Measured on the count server (perf, one worker): sysmon's wakes
// were 15–23% of the server's CPU, and 1–2% with this yield; server CPU
// per transaction fell from 37–39 to 31–34 µs (m=16) and from 86–105 to
// 65–85 µs (m=1). The yield costs a locked-thread hand-off (tens of µs)
// at most every 5 ms, paid by a worker that is about to sleep anyway.
func (w *worker) yieldToGo() {
	now := time.Now()
	if now.Sub(w.lastYield) < yieldEvery {
		return
	}
	w.lastYield = now
	runtime.Gosched()
}

// yieldEvery is half of sysmon's 10 ms preemption period (forcePreemptNS).
const yieldEvery = 5 * time.Millisecond

// maintenance runs every globalQueueInterval ticks: publish counters and,
// on a busy pool, collect ready I/O and timers without blocking.
func (w *worker) maintenance() {
	w.publish()
	p := w.p
	if d := p.driver; d != nil && w.tick%driverInterval == 0 && p.driverLock.CompareAndSwap(false, true) {
		w.cx.SetWaker(future.NoopWaker)
		d.Park(&w.cx, 0)
		p.driverLock.Store(false)
		w.stats.driverPolls++
	}
}

// NoBlockSlot gives an async body polled with this worker's Context the
// slot to mark itself in (noblock.Holder).
func (w *worker) NoBlockSlot() *noblock.Slot { return &w.noblock }

// unpark wakes this worker wherever it sleeps.
func (w *worker) unpark() { w.pk.unpark(w.p.driver) }
