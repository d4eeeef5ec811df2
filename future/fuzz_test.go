package future_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// FuzzJoinWakes drives a Join of a few children through a random sequence
// of wakes, completions, wakes from inside a child's own poll, and polls of
// the Join, and checks it against a model of the wake-set contract after
// every step:
//   - the first poll polls every child; later polls poll exactly the live
//     children woken since their last poll, each once;
//   - the task is woken exactly once between two polls if any child was
//     woken in between (including during the poll), never otherwise, and
//     never by a wake of a finished child or after the Join completed;
//   - Join is Ready exactly when every child is, with the values in order.
//
// Each input byte is one step: b%4 is the operation, b/4 picks the child.
func FuzzJoinWakes(f *testing.F) {
	f.Add([]byte{2, 0, 2, 1, 5, 2, 9, 13, 2})
	f.Add([]byte{2, 3, 3, 2, 2, 1, 5, 9, 13, 17, 2})
	f.Add([]byte{2, 1, 1, 1, 2, 4, 4, 8, 2, 5, 9, 13, 17, 21, 2})
	f.Fuzz(func(t *testing.T, steps []byte) {
		const n = 6
		kids := make([]*fuzzChild, n)
		fs := make([]future.Future[int], n)
		for i := range kids {
			kids[i] = &fuzzChild{id: i}
			fs[i] = kids[i]
		}
		j := future.Join(fs...)
		cx, parent := futuretest.NewContext()
		polledOnce := false
		woken := make([]bool, n)    // model: child woken since its last poll
		finished := make([]bool, n) // model: child returned Ready
		wokeSince := false          // model: some child woken since the last Join poll
		complete := false

		pollJoin := func() {
			for _, k := range kids {
				k.polls = 0
			}
			r := j.Poll(cx)
			wokeSince = false
			for i, k := range kids {
				want := 0
				if !finished[i] && (!polledOnce || woken[i]) {
					want = 1
				}
				require.Equal(t, want, k.polls, "child %d polls in this Join poll", i)
				if k.polls == 1 {
					woken[i] = k.wokeInPoll
					if k.wokeInPoll {
						wokeSince = true
					}
					finished[i] = k.ready
				}
			}
			polledOnce = true
			all := true
			for _, d := range finished {
				all = all && d
			}
			require.Equal(t, all, r.IsReady())
			if v, ok := r.Value(); ok {
				require.Equal(t, []int{0, 10, 20, 30, 40, 50}, v)
				complete = true
			}
			wantWakes := 0
			if wokeSince { // even in the poll that completes: the set closes after it
				wantWakes = 1
			}
			require.Equal(t, wantWakes, parent.Reset(), "wakes of the task during the poll")
		}

		for _, b := range steps {
			if complete {
				break
			}
			k := kids[int(b/4)%n]
			switch b % 4 {
			case 0, 1: // wake, or complete and wake
				if !polledOnce {
					pollJoin() // child wakers exist from the first poll on
					continue
				}
				if finished[k.id] {
					k.waker.Wake()
					require.Zero(t, parent.Reset(), "a finished child's wakes do nothing")
					continue
				}
				if b%4 == 1 {
					k.ready = true
				}
				k.waker.Wake()
				woken[k.id] = true
				if !wokeSince {
					require.Equal(t, 1, parent.Reset(), "the first wake since the last poll wakes the task")
				} else {
					require.Zero(t, parent.Reset(), "later wakes merge")
				}
				wokeSince = true
			case 2:
				pollJoin()
			case 3: // the child will wake itself inside its next poll
				k.wakeNext = true
			}
		}
		if !complete { // finish: complete every child, then one poll must end it
			if !polledOnce {
				pollJoin()
			}
			for _, k := range kids {
				k.ready = true
				k.waker.Wake()
			}
			parent.Reset()
			wokeSince = false
			for i := range woken {
				woken[i] = true
			}
			pollJoin()
			require.True(t, complete)
		}
	})
}

type fuzzChild struct {
	id         int
	ready      bool
	wakeNext   bool // wake itself inside the next poll
	wokeInPoll bool
	polls      int
	waker      future.Waker
}

func (c *fuzzChild) Poll(cx *future.Context) future.Poll[int] {
	c.polls++
	c.waker = cx.Waker()
	c.wokeInPoll = c.wakeNext
	if c.wakeNext {
		c.wakeNext = false
		c.waker.Wake()
		c.waker.Wake() // a duplicate: merges
	}
	if c.ready {
		return future.Ready(c.id * 10)
	}
	return future.Pending[int]()
}
