package future_test

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// counter is a child that completes after it has seen `need` wakes, each
// delivered by another goroutine. It is Ready as soon as its count reaches
// need, so a lost wake (Join not re-polling a woken child, or not waking its
// task) shows as a hang of BlockOn, and a poll that Join makes without a
// wake shows in the poll count.
type counter struct {
	need   int64
	got    atomic.Int64
	polls  atomic.Int64
	waker  atomic.Pointer[future.Waker]
	wakeup chan struct{} // closed once the first poll stored the waker
	once   sync.Once
}

func (c *counter) Poll(cx *future.Context) future.Poll[int64] {
	c.polls.Add(1)
	w := cx.Waker()
	c.waker.Store(&w)
	c.once.Do(func() { close(c.wakeup) })
	if n := c.got.Load(); n >= c.need {
		return future.Ready(n)
	}
	return future.Pending[int64]()
}

func (c *counter) bump() {
	c.got.Add(1)
	(*c.waker.Load()).Wake()
}

// TestJoinStressNoWakeLost joins many children while several goroutines
// wake them concurrently, each child exactly `need` times in all, in random
// order: every child must finish with exactly need (a lost wake hangs
// BlockOn; a value read before its wake was published shows as a wrong
// count), and no child may be polled more than once per wake plus the
// first poll.
func TestJoinStressNoWakeLost(t *testing.T) {
	const wakers = 4
	const need = 20 // a multiple of wakers: each goroutine gives need/wakers wakes to each child
	children := 2000 / stressDivisor
	cs := make([]*counter, children)
	fs := make([]future.Future[int64], children)
	for i := range cs {
		cs[i] = &counter{need: need, wakeup: make(chan struct{})}
		fs[i] = cs[i]
	}
	var wg sync.WaitGroup
	for g := range wakers {
		wg.Go(func() {
			order := make([]int, 0, children*need/wakers)
			for i := range children {
				for range need / wakers {
					order = append(order, i)
				}
			}
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
			for _, i := range order {
				<-cs[i].wakeup
				cs[i].bump()
			}
		})
	}
	vals := future.BlockOn(future.Join(fs...))
	wg.Wait()
	for i, c := range cs {
		require.Equal(t, int64(need), vals[i], "child %d", i)
		require.Equal(t, int64(need), c.got.Load(), "child %d", i)
		require.LessOrEqual(t, c.polls.Load(), int64(need+1), "child %d polled more than once per wake", i)
	}
}

// TestRaceStressManyRaces runs many races whose children are completed by
// several goroutines concurrently: each race has exactly one winner, it is
// a child that completed, and a loser is never polled after the race ended.
func TestRaceStressManyRaces(t *testing.T) {
	races := 300 / stressDivisor
	const width = 8
	for r := range races {
		ps, fs := futuretest.Gates[int](width)
		f := future.Race(fs...)
		cx, parent := futuretest.NewContext()
		require.True(t, f.Poll(cx).IsPending())
		var wg sync.WaitGroup
		for i, p := range ps {
			wg.Go(func() { p.Open(i + 1) })
		}
		var v future.Raced[int]
		for {
			res := f.Poll(cx)
			if got, ok := res.Value(); ok {
				v = got
				break
			}
		}
		wg.Wait()
		require.Equal(t, v.Index+1, v.Value, "race %d", r)
		after := make([]int, width)
		for i, p := range ps {
			after[i] = p.Polls()
		}
		parent.Reset()
		for _, p := range ps {
			p.WakeLatest()
		}
		assert.Zero(t, parent.Count())
		for i, p := range ps {
			require.Equal(t, after[i], p.Polls())
		}
	}
}
