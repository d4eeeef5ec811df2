package pool

import (
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
//	parked     it sleeps, listed in sleepers, w.parked set.
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
//     there is work (a thread wake costs 6–10 µs here).
//   - No lost wakeup: a pusher makes work visible, then reads state; a
//     parking worker decrements unparked, then looks for work (hasWork)
//     before sleeping. All these are sequentially consistent atomics, so
//     either the pusher sees the parked worker and wakes it, or the
//     parking worker sees the work and unparks itself.
//   - w.parked is true exactly while the worker is in sleepers; it is
//     changed only under mu. A worker sleeps only while it is set, so a
//     spurious return of its parker is harmless.
type idle struct {
	state    atomic.Uint64
	n        uint32
	mu       sync.Mutex
	sleepers []*worker
	// slowParked counts sleepers with slowPark set (hybrid parking).
	slowParked int
}

const unparkedOne = 1 << 32

func numSearching(s uint64) uint32 { return uint32(s) }
func numUnparked(s uint64) uint32  { return uint32(s >> 32) }

func newIdle(n int) *idle {
	i := &idle{n: uint32(n), sleepers: make([]*worker, 0, n)}
	i.state.Store(uint64(n) << 32)
	return i
}

// toSearching lets a worker start searching unless half already do.
func (i *idle) toSearching() bool {
	if 2*numSearching(i.state.Load()) >= i.n {
		return false
	}
	i.state.Add(1)
	return true
}

// fromSearching ends a search that found work; true if it was the last.
func (i *idle) fromSearching() bool {
	return numSearching(i.state.Add(^uint64(0))) == 0
}

// toParked lists w as asleep. It returns true if w was the last searcher.
// With hybrid parking it also decides how w sleeps: w.slowPark is set
// (sleep on the channel, giving the P back to Go) if w is the last worker
// to go to sleep and no other sleeper does so already, so that an idle
// pool always leaves one P to the goroutines outside it.
func (i *idle) toParked(w *worker, searching, hybrid bool) bool {
	i.mu.Lock()
	dec := uint64(unparkedOne)
	if searching {
		dec++
	}
	s := i.state.Add(-dec)
	i.sleepers = append(i.sleepers, w)
	w.parked.Store(true)
	w.slowPark = hybrid && numUnparked(s) == 0 && i.slowParked == 0
	if w.slowPark {
		i.slowParked++
	}
	i.mu.Unlock()
	return searching && numSearching(s) == 0
}

// removeSleeper takes sleepers[k] off the list; the caller holds mu.
func (i *idle) removeSleeper(k int) *worker {
	w := i.sleepers[k]
	copy(i.sleepers[k:], i.sleepers[k+1:])
	i.sleepers[len(i.sleepers)-1] = nil
	i.sleepers = i.sleepers[:len(i.sleepers)-1]
	if w.slowPark {
		i.slowParked--
	}
	w.parked.Store(false)
	return w
}

// unparkSelf takes w off the sleepers list because it found work itself.
// It returns false if a notifier got there first: w was then woken as a
// searcher and must behave as one.
func (i *idle) unparkSelf(w *worker) bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	if !w.parked.Load() {
		return false
	}
	for k, s := range i.sleepers {
		if s == w {
			i.removeSleeper(k)
			break
		}
	}
	i.state.Add(unparkedOne)
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
		if !i.sleepers[j].slowPark {
			k = j
			break
		}
	}
	w := i.removeSleeper(k)
	i.state.Add(unparkedOne + 1)
	return w
}

// counts returns how many workers search and how many are parked.
func (i *idle) counts() (searching, parked int) {
	s := i.state.Load()
	return int(numSearching(s)), int(i.n - numUnparked(s))
}
