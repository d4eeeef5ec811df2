package poll

// FuzzReadiness checks the readiness tick logic of registration.go against
// a model of a descriptor, the kernel's edge-triggered events and the
// futures that wait on it. The input is a string of (op, arg) byte pairs;
// each op is one step of one party, so the fuzzer picks the interleaving:
//
//	kernel   arrive     data (or window) for a direction: the syscall
//	                    stops saying EAGAIN; if registered, an event is
//	                    queued (epoll has one, edge-triggered)
//	         hangup     RDHUP (read) or HUP (both): EAGAIN never again
//	reactor  deliver    setReady for the queued events (their gen: a
//	                    stale one must change nothing)
//	         wake       call the wakers setReady / shut handed out
//	futures  step       one step of pollIO's loop: register lazily after a
//	                    first EAGAIN, pollReady, syscall, clearReady(tick)
//	         repoll     poll a waiting future without a wake (spurious)
//	         restart    a new operation; a future still waiting is
//	                    abandoned, with Cancel (removeWaiter) or without
//	         leak       restart-and-poll without Cancel many times over,
//	                    to drive a waiter list to its maxWaiters bound
//	owner    close      shut + release the slot; the next descriptor
//	                    reuses it under a new gen
//	         settle     run everything to quiescence and check liveness
//
// Invariants checked:
//   - liveness, the one that matters: at quiescence (every queued event
//     delivered, every wake delivered, every runnable future run) no
//     future waits while its direction is available. A clear that erased
//     a newer event, or a waiter an event failed to take, leaves a
//     future asleep on a ready descriptor and fails here.
//   - clearReady with a stale tick or gen changes nothing; with the
//     current ones it clears exactly its direction.
//   - setReady with a stale gen changes nothing and wakes nobody; with
//     the current one it bumps tick, sets the bits and takes every waiter
//     of those directions.
//   - waiter lists hold each key once and never more than maxWaiters.
//   - a future of a closed descriptor gets slotClosed.

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/spindle-rt/spindle/future"
)

const fzFutures = 4

type fzState uint8

const (
	fzIdle    fzState = iota // polls next: a fresh operation, or looping after clearReady
	fzChecked                // pollReady said ready at tick: the syscall comes next
	fzEAGAIN                 // the syscall said EAGAIN: clearReady(tick) comes next
	fzWaiting                // pollReady said Pending: runs again once woken
	fzDone                   // finished (success or closed) until restarted
)

type fzFuture struct {
	dir   uint8
	key   *waitKey
	epoch int    // the descriptor it works on; the harness's epoch is the live one
	tok   uint32 // the registration it polled, once it has (gen 0: none yet)
	gen   uint32
	st    fzState
	tick  uint32
	woken bool
	seq   uint64 // the waker of its latest Pending poll
}

// fzWaker wakes future i only if seq is still its latest waker: a slot
// that woke an older, replaced waker would leave the future asleep.
type fzWaker struct {
	h   *fzHarness
	i   int
	seq uint64
}

func (w fzWaker) Wake() {
	f := &w.h.futs[w.i]
	if f.seq == w.seq && f.st == fzWaiting {
		f.woken = true
	}
}

type fzEvent struct {
	gen  uint32
	bits uint8
}

type fzHarness struct {
	t      *testing.T
	sl     slab
	s      *scheduledIO // the live descriptor's slot; nil until it registers
	tok    uint32
	gen    uint32
	epoch  int
	avail  [2]bool // by dirIndex: the syscall would not say EAGAIN
	sticky [2]bool // hung up: stays available whatever is consumed
	events []fzEvent
	wakes  []future.Waker
	futs   [fzFutures]fzFuture
	seq    uint64
}

func dirIndex(dir uint8) int { return int(dir >> 1) } // readyRead 1 → 0, readyWrite 2 → 1

func newFzHarness(t *testing.T) *fzHarness {
	h := &fzHarness{t: t}
	for i := range h.futs {
		h.futs[i] = fzFuture{dir: readyRead << (i & 1), key: new(waitKey), st: fzIdle}
	}
	return h
}

// snapshot reads the slot's state under its lock.
func snapshot(s *scheduledIO) (gen, tick uint32, ready uint8, closed bool, nrd, nwr int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen, s.tick, s.ready, s.closed, len(s.rd), len(s.wr)
}

func (h *fzHarness) checkLists() {
	if h.s == nil {
		return
	}
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	for _, l := range [][]waiter{h.s.rd, h.s.wr} {
		if len(l) > maxWaiters {
			h.t.Fatalf("waiter list holds %d > %d", len(l), maxWaiters)
		}
		seen := map[*waitKey]bool{}
		for _, w := range l {
			if seen[w.key] {
				h.t.Fatalf("key %p waits twice in one list", w.key)
			}
			seen[w.key] = true
		}
	}
}

// arrive makes dir available and, if the descriptor is in epoll, queues
// an edge (coalesced with a queued one, as epoll's ready list does).
func (h *fzHarness) arrive(bits uint8) {
	for _, dir := range []uint8{readyRead, readyWrite} {
		if bits&dir != 0 {
			h.avail[dirIndex(dir)] = true
		}
	}
	if h.s == nil {
		return
	}
	if n := len(h.events); n > 0 && h.events[n-1].gen == h.gen {
		h.events[n-1].bits |= bits
		return
	}
	h.events = append(h.events, fzEvent{gen: h.gen, bits: bits})
}

func (h *fzHarness) hangup(full bool) {
	bits := readyRead
	if full {
		bits |= readyWrite
		h.sticky[1] = true
	}
	h.sticky[0] = true
	h.arrive(bits)
}

// deliver is the reactor's Park: setReady for every queued event.
func (h *fzHarness) deliver() {
	for _, e := range h.events {
		s := h.sl.get(h.tok)
		gen, tick, ready, closed, nrd, nwr := snapshot(s)
		before := len(h.wakes)
		h.wakes = s.setReady(e.gen, e.bits, h.wakes)
		gen2, tick2, ready2, _, nrd2, nwr2 := snapshot(s)
		taken := len(h.wakes) - before
		if e.gen != gen || closed {
			if gen2 != gen || tick2 != tick || ready2 != ready || taken != 0 {
				h.t.Fatalf("stale event (gen %d, slot gen %d closed %v) changed the slot: tick %d→%d ready %b→%b, %d woken",
					e.gen, gen, closed, tick, tick2, ready, ready2, taken)
			}
			continue
		}
		want := 0
		if e.bits&readyRead != 0 {
			want += nrd
			nrd = 0
		}
		if e.bits&readyWrite != 0 {
			want += nwr
			nwr = 0
		}
		if tick2 != tick+1 || ready2 != ready|e.bits || taken != want || nrd2 != nrd || nwr2 != nwr {
			h.t.Fatalf("setReady(%b): tick %d→%d, ready %b→%b, took %d waiters of %d", e.bits, tick, tick2, ready, ready2, taken, want)
		}
	}
	h.events = h.events[:0]
}

func (h *fzHarness) deliverWakes() {
	ws := h.wakes
	h.wakes = nil
	for _, w := range ws {
		w.Wake()
	}
}

// register is the lazy registration after a first EAGAIN: epoll_ctl ADD
// queues an event for what is already available (ep_insert polls).
func (h *fzHarness) register() {
	h.s, h.tok, h.gen = h.sl.alloc()
	var bits uint8
	if h.avail[0] {
		bits |= readyRead
	}
	if h.avail[1] {
		bits |= readyWrite
	}
	if bits != 0 {
		h.events = append(h.events, fzEvent{gen: h.gen, bits: bits})
	}
}

// syscall reads or writes: false is EAGAIN. drain consumes everything
// available (a partial read leaves the rest).
func (h *fzHarness) syscall(dir uint8, drain bool) bool {
	d := dirIndex(dir)
	if !h.avail[d] {
		return false
	}
	if drain && !h.sticky[d] {
		h.avail[d] = false
	}
	return true
}

func (h *fzHarness) runnable(i int) bool {
	f := &h.futs[i]
	return f.st == fzIdle || f.st == fzChecked || f.st == fzEAGAIN || (f.st == fzWaiting && f.woken)
}

// step runs one step of future i's pollIO loop; drain says whether a
// successful syscall consumes all that is available.
func (h *fzHarness) step(i int, drain bool) {
	f := &h.futs[i]
	if f.epoch != h.epoch && (f.st == fzIdle || f.st == fzWaiting || f.st == fzChecked) {
		// Its descriptor was closed: a registered future hears it from
		// its old slot (perhaps reused by now under a new gen).
		if f.gen != 0 && f.st != fzChecked {
			if st, _ := h.sl.get(f.tok).pollReady(f.gen, f.dir, f.key, future.NoopWaker); st != slotClosed {
				h.t.Fatalf("future %d of a closed descriptor (gen %d) polled %v, want closed", i, f.gen, st)
			}
		}
		f.st = fzDone
		return
	}
	switch f.st {
	case fzIdle, fzWaiting:
		if h.s == nil {
			// Not registered: the syscall first, as pollIO does; register
			// only after an EAGAIN. The new slot starts fully ready.
			if h.syscall(f.dir, drain) {
				f.st = fzDone
				return
			}
			h.register()
			f.st = fzIdle
			return
		}
		h.seq++
		f.seq, f.woken = h.seq, false
		f.tok, f.gen = h.tok, h.gen
		st, tick := h.s.pollReady(h.gen, f.dir, f.key, fzWaker{h: h, i: i, seq: f.seq})
		h.checkLists()
		switch st {
		case slotReady:
			if _, now, _, _, _, _ := snapshot(h.s); tick != now {
				h.t.Fatalf("pollReady returned tick %d, slot is at %d", tick, now)
			}
			f.st, f.tick = fzChecked, tick
		case slotPending:
			f.st = fzWaiting
		case slotClosed:
			h.t.Fatalf("future %d of the live descriptor polled closed", i)
		}
	case fzChecked:
		if h.syscall(f.dir, drain) {
			f.st = fzDone
			return
		}
		f.st = fzEAGAIN
	case fzEAGAIN:
		s := h.sl.get(f.tok)
		gen, tick, ready, _, _, _ := snapshot(s)
		s.clearReady(f.gen, f.dir, f.tick)
		_, _, ready2, _, _, _ := snapshot(s)
		want := ready
		if f.gen == gen && f.tick == tick {
			want = ready &^ f.dir
		}
		if ready2 != want {
			h.t.Fatalf("clearReady(gen %d, %b, tick %d) on gen %d tick %d: ready %b→%b, want %b",
				f.gen, f.dir, f.tick, gen, tick, ready, ready2, want)
		}
		f.st = fzIdle // loops to pollReady (or, closed meanwhile, ends)
	}
}

// restart starts a new operation in place of future i. One still in
// flight is abandoned: with Cancel (removeWaiter) if cancel, else its
// waiter stays behind until an event or the maxWaiters bound drops it.
func (h *fzHarness) restart(i int, dir uint8, cancel bool) {
	f := &h.futs[i]
	if f.st != fzDone && f.gen != 0 && cancel {
		h.sl.get(f.tok).removeWaiter(f.gen, f.dir, f.key)
		h.checkLists()
	}
	*f = fzFuture{dir: dir, key: new(waitKey), epoch: h.epoch, st: fzIdle}
}

// close deregisters the live descriptor (shut + release, as
// registration.deregister) and opens the next one, unregistered, with
// avail as its initial readiness.
func (h *fzHarness) close(avail uint8) {
	if h.s != nil {
		var ok bool
		h.wakes, ok = h.s.shut(h.gen, h.wakes)
		if !ok {
			h.t.Fatalf("shut of the live registration (gen %d) refused", h.gen)
		}
		if _, ok := h.s.shut(h.gen, nil); ok {
			h.t.Fatalf("second shut of gen %d accepted", h.gen)
		}
		if _, _, ready, closed, nrd, nwr := snapshot(h.s); !closed || ready != 0 || nrd+nwr != 0 {
			h.t.Fatalf("after shut: closed %v, ready %b, %d+%d waiters", closed, ready, nrd, nwr)
		}
		h.sl.release(h.tok)
		h.s = nil
	}
	h.epoch++
	h.avail = [2]bool{avail&readyRead != 0, avail&readyWrite != 0}
	h.sticky = [2]bool{}
}

// settle runs everything to quiescence, then checks liveness.
func (h *fzHarness) settle() {
	for n := 0; ; n++ {
		if n > 10000 {
			h.t.Fatalf("no quiescence after %d rounds", n)
		}
		progressed := len(h.events) > 0 || len(h.wakes) > 0
		h.deliver()
		h.deliverWakes()
		for i := range h.futs {
			if h.runnable(i) {
				h.step(i, true)
				progressed = true
			}
		}
		if !progressed {
			break
		}
	}
	for i, f := range h.futs {
		if f.st != fzWaiting {
			continue
		}
		if f.epoch != h.epoch {
			h.t.Fatalf("future %d still waits on a closed descriptor: shut did not wake it", i)
		}
		if h.avail[dirIndex(f.dir)] {
			h.t.Fatalf("lost wakeup: future %d waits for %b, which is available (ready bits %b)", i, f.dir, h.s.ready)
		}
	}
}

// run interprets ops as (op, arg) byte pairs, then settles. op%11 picks
// the action (0 arrive, 1 deliver, 2 wake, 3–4 step, 5 repoll, 6 restart,
// 7 hangup, 8 close, 9 settle, 10 leak); arg%4 picks the future, and its
// upper bits the variant (drain or partial read, direction, Cancel,
// the next descriptor's readiness, the leak count).
func (h *fzHarness) run(ops []byte) {
	for k := 0; k+1 < len(ops); k += 2 {
		op, arg := ops[k], ops[k+1]
		i := int(arg) % fzFutures
		switch op % 11 {
		case 0:
			h.arrive(1 + arg%3) // read, write or both
		case 1:
			h.deliver()
		case 2:
			h.deliverWakes()
		case 3, 4:
			h.step(i, arg&0x10 == 0)
		case 5:
			if f := &h.futs[i]; f.st == fzWaiting {
				f.woken = true // a spurious poll: the executor may poll at any time
			}
			h.step(i, arg&0x10 == 0)
		case 6:
			h.restart(i, readyRead<<(arg>>3&1), arg&0x20 != 0)
		case 7:
			h.hangup(arg&1 != 0)
		case 8:
			h.close(arg >> 6)
		case 9:
			h.settle()
		case 10:
			for range 40 + int(arg>>2) { // 40..103
				h.restart(i, h.futs[i].dir, false)
				h.step(i, true)
				h.step(i, true)
			}
		}
	}
	h.settle()
}

func FuzzReadiness(f *testing.F) {
	// The race the tick exists for: reader 0 registers, sees ready at
	// tick 0, its read says EAGAIN, data arrives and its event is
	// delivered (tick 1) before the clear, which must then do nothing.
	f.Add([]byte{3, 0, 3, 0, 3, 0, 0, 0, 1, 0, 3, 0, 3, 0, 3, 0, 9, 0})
	// Two readers and a writer wait; the slot closes under them, the
	// next descriptor reuses it, a stale event arrives late.
	f.Add([]byte{6, 0, 6, 2, 6, 9, 3, 0, 3, 0, 3, 0, 3, 0, 3, 2, 3, 2, 3, 1, 3, 1, 3, 1, 0, 0, 8, 0x40, 6, 0, 3, 0, 1, 0, 2, 0, 9, 0})
	// A hang-up while a reader and a writer wait, with spurious polls.
	f.Add([]byte{6, 0, 6, 9, 3, 0, 3, 0, 3, 0, 3, 0, 3, 1, 3, 1, 7, 1, 5, 0, 1, 0, 5, 1, 2, 0, 9, 0})
	// Reader 2 waits for real while reader 0 abandons over maxWaiters
	// waiters on the same list; reader 0 then turns writer, cancelling
	// its last wait. The bound must have woken reader 2 (it registers
	// again), so the data that arrives next reaches it.
	f.Add([]byte{3, 0, 3, 0, 3, 0, 3, 0, 3, 0, 3, 2, 10, 0xfc, 6, 0x28, 0, 0, 9, 0})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 4096 {
			ops = ops[:4096]
		}
		newFzHarness(t).run(ops)
	})
}

// TestReadinessRandom runs the model on random op strings, so that plain
// go test explores more than the corpus. A failure names its seed.
func TestReadinessRandom(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 0))
	for n := range readinessInputs {
		ops := make([]byte, 2*(1+rng.IntN(200)))
		for i := range ops {
			ops[i] = byte(rng.Uint32())
		}
		ok := t.Run("", func(t *testing.T) { newFzHarness(t).run(ops) })
		if !ok {
			t.Fatalf("input %d of seed %d failed: %q", n, seed, ops)
		}
	}
}
