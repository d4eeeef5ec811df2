package async_test

import (
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
)

// treeCounters count bodies: every body that starts must end exactly once,
// by returning or by unwinding, whatever happens to the tree around it.
type treeCounters struct {
	started, returned, unwound atomic.Int64
}

// randomTree builds a Task whose body awaits a random mix of ready values,
// one-poll suspensions, yields and child Tasks (depth-limited), and returns
// the sum of what it awaited plus its own value. want is that sum, computed
// while building.
func randomTree(r *rand.Rand, depth int, c *treeCounters) (t *async.Task[int], want int) {
	type step struct {
		kind  int
		v     int
		child *async.Task[int]
	}
	steps := make([]step, r.IntN(6))
	own := r.IntN(100)
	want = own
	for i := range steps {
		k := r.IntN(4)
		if k == 3 && depth == 0 {
			k = 1
		}
		s := step{kind: k, v: r.IntN(1000)}
		if k == 3 {
			s.child, s.v = randomTree(r, depth-1, c)
		}
		if k != 2 {
			want += s.v
		}
		steps[i] = s
	}
	t = async.New(func(a *async.Awaiter) int {
		c.started.Add(1)
		returned := false
		defer func() {
			if returned {
				c.returned.Add(1)
			} else {
				c.unwound.Add(1)
			}
		}()
		sum := own
		for _, s := range steps {
			switch s.kind {
			case 0:
				sum += async.Await(a, future.Func[int](func(*future.Context) future.Poll[int] { return future.Ready(s.v) }))
			case 1:
				sum += async.Await(a, &yieldOnce[int]{v: s.v})
			case 2:
				a.Yield()
			case 3:
				sum += async.Await(a, s.child)
			}
		}
		returned = true
		return sum
	})
	return t, want
}

// checkTree runs a random tree from seed, on BlockOn or on two locked
// workers, optionally cancelling it after some polls, and checks the value
// and that no body was lost.
func checkTree(t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var c treeCounters
	task, want := randomTree(r, 3, &c)
	switch r.IntN(3) {
	case 0:
		assert.Equal(t, want, future.BlockOn[int](task))
		assert.Zero(t, c.unwound.Load())
	case 1:
		q := newRunQueue(t, 2)
		h := q.spawn(task)
		assert.Equal(t, want, h.result(t))
		q.close()
		assert.Zero(t, c.unwound.Load())
	case 2:
		cx := future.NewContext(future.NoopWaker)
		polls := r.IntN(8)
		finished := false
		for range polls {
			if v, ok := task.Poll(cx).Value(); ok {
				assert.Equal(t, want, v)
				finished = true
				break
			}
		}
		task.Cancel()
		if !finished && polls > 0 {
			assert.Positive(t, c.unwound.Load(), "the suspended root body was unwound")
		}
	}
	require.Equal(t, c.started.Load(), c.returned.Load()+c.unwound.Load(),
		"seed %d: every body that started ended once", seed)
}

func TestRandomTaskTrees(t *testing.T) {
	for seed := range uint64(300) {
		checkTree(t, seed)
	}
}

func FuzzTaskTrees(f *testing.F) {
	for _, s := range []uint64{0, 1, 7, 42, 1 << 40} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed uint64) { checkTree(t, seed) })
}
