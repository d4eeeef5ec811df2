package pool

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// idle tracks which workers are searching for work and which are parked,
// so that a worker with new work wakes a parked one only when that helps
// (tokio's idle.rs protocol).
//
// A worker is in one of three states:
//
//	running    it has a task;
//	searching  it has none and is stealing or checking the injection queue;
//	parked     it sleeps, listed in sleepers, its parked flag set.
//
// state packs two counters: unparked<<32 | searching.
//
// Invariants and why:
//
//   - At most about half the workers search at once (toSearching), so
//     idle workers do not all hammer the same few queues.
//   - notifyParked wakes a worker only if nobody searches: a searcher will
//     find the new work itself. It wakes one worker at a time: the woken
//     worker is counted as searching at once, which suppresses further
//     wakes until it finds work; when the last searcher finds work it
//     calls notifyParked again, so wakes chain one by one as long as
//     there is work (a thread wake costs more than many tiny tasks).
//   - No lost wakeup: a pusher makes work visible, then reads state; a
//     parking worker decrements unparked, then looks for work (hasWork)
//     before sleeping. All these are sequentially consistent atomics, so
//     either the pusher sees the parked worker and wakes it, or the
//     parking worker sees the work and unparks itself.
//   - A worker's parked flag is true exactly while it is in sleepers; it
//     is changed only under mu. A worker sleeps only while it is set, so
//     a spurious return of its parker is harmless.
//   - Neither counter goes below zero or above n: every change checks
//     (checkCounts), and a broken protocol panics at once rather than
//     letting a wrapped counter stop all wakes, as Go's runtime throws on
//     a negative nmspinning.
type idle struct {
	state atomic.Uint64
	n     uint32

	// mu guards the rest of the struct.
	mu       sync.Mutex
	sleepers []*worker
	// slowParked counts sleepers whose sleepState.slow is set.
	slowParked int
	// sleep holds each worker's entry, by worker index.
	sleep []sleepState
}

// sleepState is the part of a worker that idle.mu guards.
type sleepState struct {
	// parked: the worker is listed in sleepers. Changed only under mu;
	// atomic because the worker itself reads it without mu, in the loop
	// it sleeps in.
	parked atomic.Bool
	// slow: it sleeps on its channel, giving its P back (hybrid parking).
	slow bool
}

const unparkedOne = 1 << 32

func numSearching(s uint64) uint32 { return uint32(s) }
func numUnparked(s uint64) uint32  { return uint32(s >> 32) }

func newIdle(n int) *idle {
	i := &idle{n: uint32(n), sleepers: make([]*worker, 0, n), sleep: make([]sleepState, n)}
	i.state.Store(uint64(n) << 32)
	return i
}

// toSearching lets a worker start searching unless half already do.
func (i *idle) toSearching() bool {
	if 2*numSearching(i.state.Load()) >= i.n {
		return false
	}
	checkCounts(i.state.Add(1), i.n)
	return true
}

// fromSearching ends a search that found work; true if it was the last.
func (i *idle) fromSearching() bool {
	s := i.state.Add(^uint64(0))
	checkCounts(s, i.n)
	return numSearching(s) == 0
}

// checkCounts panics if a change left a counter of s out of 0..n: a
// decrement below zero wraps to about 2^32, and a borrow from searching
// into unparked shows there too. It costs two compares per change.
func checkCounts(s uint64, n uint32) {
	if numSearching(s) > n || numUnparked(s) > n {
		panic(fmt.Sprintf("pool: internal error: idle counters out of range: searching %d, unparked %d, workers %d",
			int32(numSearching(s)), int32(numUnparked(s)), n))
	}
}

// isParked reports whether w is listed as asleep.
func (i *idle) isParked(w *worker) bool { return i.sleep[w.idx].parked.Load() }

// toParked lists w as asleep. With hybrid parking it also decides how w
// sleeps and returns it: true (sleep on the channel, giving the P back to
// Go) if w is the last worker to go to sleep and no other sleeper does so
// already, so that an idle pool always leaves one P to the goroutines
// outside it. searching says whether w was counted as a searcher.
//
// Unlike tokio's transition_worker_to_parked, it does not report whether
// w was the last searcher: the worker looks at every queue after this
// (Pool.hasWork) whether it was or not, which covers the work a last
// searcher must not strand.
func (i *idle) toParked(w *worker, searching, hybrid bool) (slow bool) {
	i.mu.Lock()
	dec := uint64(unparkedOne)
	if searching {
		dec++
	}
	s := i.state.Add(-dec)
	checkCounts(s, i.n)
	i.sleepers = append(i.sleepers, w)
	e := &i.sleep[w.idx]
	e.parked.Store(true)
	e.slow = hybrid && numUnparked(s) == 0 && i.slowParked == 0
	if e.slow {
		i.slowParked++
	}
	i.mu.Unlock()
	return e.slow
}

// removeSleeper takes sleepers[k] off the list; the caller holds mu.
func (i *idle) removeSleeper(k int) *worker {
	w := i.sleepers[k]
	copy(i.sleepers[k:], i.sleepers[k+1:])
	i.sleepers[len(i.sleepers)-1] = nil
	i.sleepers = i.sleepers[:len(i.sleepers)-1]
	e := &i.sleep[w.idx]
	if e.slow {
		i.slowParked--
	}
	e.parked.Store(false)
	return w
}

// unparkSelf takes w off the sleepers list because it found work itself.
// It returns false if a notifier got there first: w was then woken as a
// searcher and must behave as one.
func (i *idle) unparkSelf(w *worker) bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	if !i.sleep[w.idx].parked.Load() {
		return false
	}
	for k, s := range i.sleepers {
		if s == w {
			i.removeSleeper(k)
			break
		}
	}
	checkCounts(i.state.Add(unparkedOne), i.n)
	return true
}

func (i *idle) shouldWake() bool {
	s := i.state.Load()
	return numSearching(s) == 0 && numUnparked(s) < i.n
}

// workerToNotify picks a sleeper to wake, counting it as unparked and
// searching, or returns nil if no wake is needed.
func (i *idle) workerToNotify() *worker {
	if !i.shouldWake() {
		return nil // the common, lock-free case
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if !i.shouldWake() || len(i.sleepers) == 0 {
		return nil
	}
	// Prefer a worker sleeping in the futex, cheap to wake; the one on
	// its channel keeps its P free for goroutines (hybrid parking).
	k := len(i.sleepers) - 1
	for j := k; j >= 0; j-- {
		if !i.sleep[i.sleepers[j].idx].slow {
			k = j
			break
		}
	}
	// Count it unparked and searching before removeSleeper clears its
	// parked flag: the worker reads the flag without mu, and once it sees
	// it clear it may find a task and count itself out of searching at
	// once, which must not come before this count.
	checkCounts(i.state.Add(unparkedOne+1), i.n)
	return i.removeSleeper(k)
}

// counts returns how many workers search and how many are parked.
func (i *idle) counts() (searching, parked int) {
	s := i.state.Load()
	return int(numSearching(s)), int(i.n - numUnparked(s))
}
