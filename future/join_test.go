package future_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

func TestJoinOfNothingIsReadyEmpty(t *testing.T) {
	cx, _ := futuretest.NewContext()
	v, ok := future.Join[int]().Poll(cx).Value()
	require.True(t, ok)
	assert.Empty(t, v)
	assert.NotNil(t, v)
}

func TestJoinValuesInArgumentOrderWhateverTheCompletionOrder(t *testing.T) {
	orders := map[string][]int{
		"forward":  {0, 1, 2, 3, 4},
		"backward": {4, 3, 2, 1, 0},
		"shuffled": {2, 4, 0, 3, 1},
	}
	for name, order := range orders {
		t.Run(name, func(t *testing.T) {
			ps, fs := futuretest.Gates[int](5)
			f := future.Join(fs...)
			cx, _ := futuretest.NewContext()
			require.True(t, f.Poll(cx).IsPending())
			for k, i := range order {
				ps[i].Open(i * 10)
				r := f.Poll(cx)
				if k < len(order)-1 {
					require.True(t, r.IsPending())
					continue
				}
				v, ok := r.Value()
				require.True(t, ok)
				assert.Equal(t, []int{0, 10, 20, 30, 40}, v)
			}
		})
	}
}

func TestJoinDoesNotModifyTheCallersSlice(t *testing.T) {
	_, fs := futuretest.Gates[int](3)
	saved := append([]future.Future[int](nil), fs...)
	f := future.Join(fs...)
	cx, _ := futuretest.NewContext()
	f.Poll(cx)
	for _, p := range fs {
		p.(*futuretest.Gate[int]).Open(1)
	}
	drive(t, f, cx, 2)
	assert.Equal(t, saved, fs)
}

// TestJoinRepollsOnlyWokenChildren is the poll-counting proof that Join is
// not quadratic: a child is polled at the first poll and then once per wake
// of its own waker, never because a sibling woke.
func TestJoinRepollsOnlyWokenChildren(t *testing.T) {
	const n = 1000
	ps, fs := futuretest.Gates[int](n)
	f := future.Join(fs...)
	cx, parent := futuretest.NewContext()

	require.True(t, f.Poll(cx).IsPending())
	for i, p := range ps {
		require.Equal(t, 1, p.Polls(), "child %d after the first poll", i)
	}

	// Complete the children one at a time, polling Join after each wake:
	// a join_all that re-polls everything would make n²/2 child polls here.
	for i, p := range ps {
		p.Open(i)
		require.Equal(t, 1, parent.Reset(), "one wake of the task per child wake")
		r := f.Poll(cx)
		require.Equal(t, i == n-1, r.IsReady())
	}
	total := 0
	for i, p := range ps {
		require.Equal(t, 2, p.Polls(), "child %d: first poll + one per own wake", i)
		total += p.Polls()
	}
	assert.Equal(t, 2*n, total)
}

func TestJoinWakeBookkeeping(t *testing.T) {
	tests := []struct {
		name        string
		wakes       []int // children woken between the first and second poll, in order
		wantRepoll  []int // children polled by the second poll
		parentWakes int   // wakes of the task caused by those wakes
	}{
		{"no wake", nil, nil, 0},
		{"one wake", []int{3}, []int{3}, 1},
		{"duplicate wakes merge", []int{3, 3, 3}, []int{3}, 1},
		{"several children wake the task once", []int{1, 5, 2, 5, 1}, []int{1, 5, 2}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps, fs := futuretest.Gates[int](8)
			f := future.Join(fs...)
			cx, parent := futuretest.NewContext()
			require.True(t, f.Poll(cx).IsPending())
			for _, i := range tc.wakes {
				ps[i].WakeLatest()
			}
			assert.Equal(t, tc.parentWakes, parent.Count())
			require.True(t, f.Poll(cx).IsPending())
			var repolled []int
			for i, p := range ps {
				if p.Polls() == 2 {
					repolled = append(repolled, i)
				} else {
					require.Equal(t, 1, p.Polls())
				}
			}
			assert.ElementsMatch(t, tc.wantRepoll, repolled)
		})
	}
}

func TestJoinPollsWokenChildrenInWakeOrder(t *testing.T) {
	var order []int
	fs := make([]future.Future[int], 5)
	wakers := make([]future.Waker, 5)
	for i := range fs {
		fs[i] = future.Func[int](func(cx *future.Context) future.Poll[int] {
			order = append(order, i)
			wakers[i] = cx.Waker()
			return future.Pending[int]()
		})
	}
	f := future.Join(fs...)
	cx, _ := futuretest.NewContext()
	f.Poll(cx)
	assert.Equal(t, []int{0, 1, 2, 3, 4}, order, "the first poll polls every child in index order")
	order = nil
	wakers[4].Wake()
	wakers[1].Wake()
	wakers[3].Wake()
	f.Poll(cx)
	assert.Equal(t, []int{4, 1, 3}, order)
}

// A child that wakes its waker inside its own poll (before Poll returns) is
// polled again at the next poll of Join, not in a loop within this one, and
// the task is woken so that the next poll happens.
func TestJoinChildWakingInsideItsPoll(t *testing.T) {
	self := &futuretest.Gate[int]{WakeInPoll: 2}
	quiet := &futuretest.Gate[int]{}
	f := future.Join[int](self, quiet)
	cx, parent := futuretest.NewContext()
	for round := 1; round <= 3; round++ {
		require.True(t, f.Poll(cx).IsPending())
		assert.Equal(t, round, self.Polls(), "polled once per Join poll, never looped on")
		assert.Equal(t, 1, quiet.Polls(), "the sibling that was not woken is not polled")
		assert.Equal(t, 1, parent.Reset(), "the wake during the poll wakes the task, once")
	}
	self.Open(1)
	quiet.Open(2)
	v := drive(t, f, cx, 1)
	assert.Equal(t, []int{1, 2}, v)
}

// A finished child that woke itself before returning Ready is skipped, not
// polled after Ready.
func TestJoinSkipsFinishedChildWokenDuringItsLastPoll(t *testing.T) {
	done := futuretest.ReadyGate(1)
	done.WakeInPoll = 1
	other := &futuretest.Gate[int]{}
	f := future.Join[int](done, other)
	cx, _ := futuretest.NewContext()
	require.True(t, f.Poll(cx).IsPending())
	other.Open(2)
	v := drive(t, f, cx, 1)
	assert.Equal(t, []int{1, 2}, v)
	assert.Equal(t, 1, done.Polls())
}

// Rule 2 of the contract: child wakes go to the waker of the latest poll.
func TestJoinWakesTheWakerOfTheLatestPoll(t *testing.T) {
	ps, fs := futuretest.Gates[int](2)
	f := future.Join(fs...)
	cx1, w1 := futuretest.NewContext()
	cx2, w2 := futuretest.NewContext()
	f.Poll(cx1)
	ps[0].WakeLatest()
	assert.Equal(t, 1, w1.Count())
	f.Poll(cx2)
	ps[1].WakeLatest()
	ps[0].WakeLatest()
	assert.Equal(t, 1, w1.Count(), "the old waker is not woken again")
	assert.Equal(t, 1, w2.Count())
}

func TestJoinWakesAfterCompletionDoNothing(t *testing.T) {
	ps, fs := futuretest.Gates[int](2)
	f := future.Join(fs...)
	cx, parent := futuretest.NewContext()
	f.Poll(cx)
	ps[0].Open(1)
	ps[1].Open(2)
	drive(t, f, cx, 1)
	parent.Reset()
	ps[0].WakeLatest()
	ps[1].WakeLatest()
	assert.Zero(t, parent.Count())
}

func TestJoinChildrenSeeTheParentsExtAndBudget(t *testing.T) {
	ps, fs := futuretest.Gates[int](3)
	f := future.Join(fs...)
	cx, _ := futuretest.NewContext()
	cx.SetExt("worker-7")
	var b future.Budget
	b.Reset(2)
	cx.SetBudget(&b)
	coops := 0
	spender := future.Func[int](func(cx *future.Context) future.Poll[int] {
		if future.Coop(cx) {
			coops++
		}
		return future.Pending[int]()
	})
	g := future.Join(spender, spender, spender)
	g.Poll(cx)
	assert.Equal(t, 2, coops, "children share the task's budget")
	f.Poll(cx)
	for _, p := range ps {
		assert.Equal(t, "worker-7", p.LastExt())
	}
}

// A budget-exhausted child wakes its own waker (Coop), so it is polled again
// at the next poll, after its siblings' wakes: no child starves.
func TestJoinBudgetExhaustedChildIsRepolled(t *testing.T) {
	var b future.Budget
	cx, _ := futuretest.NewContext()
	cx.SetBudget(&b)
	polls := []int{0, 0}
	mk := func(i int) future.Future[int] {
		return future.Func[int](func(cx *future.Context) future.Poll[int] {
			polls[i]++
			if !future.Coop(cx) {
				return future.Pending[int]()
			}
			return future.Ready(i)
		})
	}
	f := future.Join(mk(0), mk(1))
	b.Reset(1)
	require.True(t, f.Poll(cx).IsPending(), "child 1 found the budget spent")
	b.Reset(1)
	v, ok := f.Poll(cx).Value()
	require.True(t, ok)
	assert.Equal(t, []int{0, 1}, v)
	assert.Equal(t, []int{1, 2}, polls)
}

func TestJoinForwardsLocalWakesToTheTask(t *testing.T) {
	p := &futuretest.Gate[int]{}
	f := future.Join[int](p)
	parent := &futuretest.LocalWaker{}
	cx := future.NewContext(parent)
	f.Poll(cx)

	other := future.NewContext(future.NoopWaker)
	other.SetExt("worker-2")
	w := p.Waker()
	future.WakeFrom(other, w)
	assert.Equal(t, []any{"worker-2"}, parent.Locals(), "a wake from inside worker-2's poll stays local")
	assert.Zero(t, parent.Wakes())
}

func TestJoinWithWakesFromOtherGoroutines(t *testing.T) {
	const n = 200
	ps, fs := futuretest.Gates[int](n)
	f := future.Join(fs...)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, p := range ps {
		wg.Go(func() {
			<-start
			p.WakeLatest() // a spurious wake first: it must not lose the real one
			p.Open(i)
		})
	}
	v := future.BlockOn(closeAfterFirstPoll(f, start))
	wg.Wait()
	for i := range n {
		require.Equal(t, i, v[i])
		require.LessOrEqual(t, ps[i].Polls(), 3, "first poll + at most one per own wake")
	}
}

func TestJoin2AndJoin3(t *testing.T) {
	a := &futuretest.Gate[int]{}
	b := &futuretest.Gate[string]{}
	c := &futuretest.Gate[bool]{}
	f2 := future.Join2[int, string](a, b)
	f3 := future.Join3[int, string, bool](futuretest.ReadyGate(1), futuretest.ReadyGate("x"), c)
	cx, parent := futuretest.NewContext()
	require.True(t, f2.Poll(cx).IsPending())
	require.True(t, f3.Poll(cx).IsPending())

	b.Open("two")
	assert.Equal(t, 1, parent.Reset())
	require.True(t, f2.Poll(cx).IsPending())
	assert.Equal(t, 2, a.Polls(), "Join2 polls every unfinished child, woken or not (futures-rs's small join)")
	assert.Equal(t, 2, b.Polls())
	a.Open(1)
	p, ok := f2.Poll(cx).Value()
	require.True(t, ok)
	x, y := p.Unpack()
	assert.Equal(t, 1, x)
	assert.Equal(t, "two", y)

	c.Open(true)
	tr, ok := f3.Poll(cx).Value()
	require.True(t, ok)
	assert.Equal(t, future.Triple[int, string, bool]{First: 1, Second: "x", Third: true}, tr)
	i, s, bo := tr.Unpack()
	assert.Equal(t, 1, i)
	assert.Equal(t, "x", s)
	assert.True(t, bo)
}
