package poll

import (
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"

	"github.com/spindle-rt/spindle/future"
)

// heapModel checks the timer heap against a plain list: ops arm, cancel
// and expire timers, and after each op the heap must hold exactly the
// model's queued timers, keep the heap order and the idx back-pointers, and
// expire must wake exactly the due timers in deadline order.
func heapModel(t *testing.T, ops []byte) {
	var th timerHeap
	th.init(&Reactor{})
	th.r.state.Store(parkUnparkPending) // Unpark from arm must not need a poller
	var all []*timer
	queued := map[*timer]bool{}
	for i := 0; i+1 < len(ops); i += 2 {
		op, arg := ops[i]%4, int64(ops[i+1])
		switch op {
		case 0, 1: // arm a new timer
			tm := &timer{when: arg, idx: -1}
			all = append(all, tm)
			th.arm(tm, future.NoopWaker)
			queued[tm] = true
		case 2: // cancel some timer (queued or not)
			if len(all) > 0 {
				tm := all[int(arg)%len(all)]
				th.cancel(tm)
				delete(queued, tm)
			}
		case 3: // expire everything due at arg
			var want []int64
			for tm := range queued {
				if tm.when <= arg {
					want = append(want, tm.when)
					delete(queued, tm)
				}
			}
			slices.Sort(want)
			var got []int64
			before := map[*timer]bool{}
			for _, tm := range th.h {
				before[tm] = true
			}
			th.expire(arg, nil)
			for tm := range before {
				if tm.idx < 0 {
					got = append(got, tm.when)
					if !tm.fired {
						t.Fatalf("expired timer not marked fired")
					}
				}
			}
			slices.Sort(got)
			if !slices.Equal(want, got) {
				t.Fatalf("expire(%d): fired %v, want %v", arg, got, want)
			}
		}
		if len(th.h) != len(queued) {
			t.Fatalf("heap holds %d timers, model %d", len(th.h), len(queued))
		}
		for j, tm := range th.h {
			if !queued[tm] {
				t.Fatalf("heap holds a timer that is not queued")
			}
			if int(tm.idx) != j {
				t.Fatalf("idx %d at position %d", tm.idx, j)
			}
			if j > 0 && th.h[(j-1)/2].when > tm.when {
				t.Fatalf("heap order broken at %d", j)
			}
		}
	}
}

func TestTimerHeapRandomized(t *testing.T) {
	for seed := range 200 {
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		ops := make([]byte, 2*rng.IntN(400))
		for i := range ops {
			ops[i] = byte(rng.IntN(256))
		}
		heapModel(t, ops)
	}
}

func TestExpireWakesInDeadlineOrder(t *testing.T) {
	var th timerHeap
	th.init(&Reactor{})
	var order []int64
	for _, w := range rand.Perm(500) {
		tm := &timer{when: int64(w), idx: -1}
		th.arm(tm, future.WakerFunc(func() { order = append(order, tm.when) }))
	}
	for _, wk := range th.expire(1000, nil) {
		wk.Wake()
	}
	if !slices.IsSorted(order) || len(order) != 500 {
		t.Fatalf("woken out of deadline order: %v", order)
	}
}

func FuzzTimerHeap(f *testing.F) {
	f.Add([]byte{0, 5, 0, 3, 3, 4, 3, 9})
	f.Add([]byte{0, 1, 0, 1, 2, 0, 3, 1})
	f.Fuzz(heapModel)
}

// TestSleepFutureSize pins the size the docs state: the reactor path's
// one allocation per sleep. The TimerDriver path adds a side struct only
// when it is taken.
func TestSleepFutureSize(t *testing.T) {
	if got := unsafe.Sizeof(SleepFuture{}); got != 48 {
		t.Fatalf("SleepFuture is %d bytes, docs say 48", got)
	}
}
