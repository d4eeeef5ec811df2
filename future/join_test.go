package future_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
)

func TestJoinOfNothingIsReadyEmpty(t *testing.T) {
	cx, _ := newCX()
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
			ps, fs := probes[int](5)
			f := future.Join(fs...)
			cx, _ := newCX()
			require.True(t, f.Poll(cx).IsPending())
			for k, i := range order {
				ps[i].complete(i * 10)
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
	_, fs := probes[int](3)
	saved := append([]future.Future[int](nil), fs...)
	f := future.Join(fs...)
	cx, _ := newCX()
	f.Poll(cx)
	for _, p := range fs {
		p.(*probe[int]).complete(1)
	}
	drive(t, f, cx, 2)
	assert.Equal(t, saved, fs)
}

// TestJoinRepollsOnlyWokenChildren is the poll-counting proof that Join is
// not quadratic: a child is polled at the first poll and then once per wake
// of its own waker, never because a sibling woke.
func TestJoinRepollsOnlyWokenChildren(t *testing.T) {
	const n = 1000
	ps, fs := probes[int](n)
	f := future.Join(fs...)
	cx, parent := newCX()

	require.True(t, f.Poll(cx).IsPending())
	for i, p := range ps {
		require.Equal(t, 1, p.pollCount(), "child %d after the first poll", i)
	}

	// Complete the children one at a time, polling Join after each wake:
	// a join_all that re-polls everything would make n²/2 child polls here.
	for i, p := range ps {
		p.complete(i)
		require.Equal(t, 1, parent.reset(), "one wake of the task per child wake")
		r := f.Poll(cx)
		require.Equal(t, i == n-1, r.IsReady())
	}
	total := 0
	for i, p := range ps {
		require.Equal(t, 2, p.pollCount(), "child %d: first poll + one per own wake", i)
		total += p.pollCount()
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
			ps, fs := probes[int](8)
			f := future.Join(fs...)
			cx, parent := newCX()
			require.True(t, f.Poll(cx).IsPending())
			for _, i := range tc.wakes {
				ps[i].wake()
			}
			assert.Equal(t, tc.parentWakes, parent.count())
			require.True(t, f.Poll(cx).IsPending())
			var repolled []int
			for i, p := range ps {
				if p.pollCount() == 2 {
					repolled = append(repolled, i)
				} else {
					require.Equal(t, 1, p.pollCount())
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
	cx, _ := newCX()
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
	self := &probe[int]{wakeInPoll: 2}
	quiet := &probe[int]{}
	f := future.Join[int](self, quiet)
	cx, parent := newCX()
	for round := 1; round <= 3; round++ {
		require.True(t, f.Poll(cx).IsPending())
		assert.Equal(t, round, self.pollCount(), "polled once per Join poll, never looped on")
		assert.Equal(t, 1, quiet.pollCount(), "the sibling that was not woken is not polled")
		assert.Equal(t, 1, parent.reset(), "the wake during the poll wakes the task, once")
	}
	self.complete(1)
	quiet.complete(2)
	v := drive(t, f, cx, 1)
	assert.Equal(t, []int{1, 2}, v)
}

// A finished child that woke itself before returning Ready is skipped, not
// polled after Ready.
func TestJoinSkipsFinishedChildWokenDuringItsLastPoll(t *testing.T) {
	done := &probe[int]{value: 1, ready: true, wakeInPoll: 1}
	other := &probe[int]{}
	f := future.Join[int](done, other)
	cx, _ := newCX()
	require.True(t, f.Poll(cx).IsPending())
	other.complete(2)
	v := drive(t, f, cx, 1)
	assert.Equal(t, []int{1, 2}, v)
	assert.Equal(t, 1, done.pollCount())
}

// Rule 2 of the contract: child wakes go to the waker of the latest poll.
func TestJoinWakesTheWakerOfTheLatestPoll(t *testing.T) {
	ps, fs := probes[int](2)
	f := future.Join(fs...)
	cx1, w1 := newCX()
	cx2, w2 := newCX()
	f.Poll(cx1)
	ps[0].wake()
	assert.Equal(t, 1, w1.count())
	f.Poll(cx2)
	ps[1].wake()
	ps[0].wake()
	assert.Equal(t, 1, w1.count(), "the old waker is not woken again")
	assert.Equal(t, 1, w2.count())
}

func TestJoinWakesAfterCompletionDoNothing(t *testing.T) {
	ps, fs := probes[int](2)
	f := future.Join(fs...)
	cx, parent := newCX()
	f.Poll(cx)
	ps[0].complete(1)
	ps[1].complete(2)
	drive(t, f, cx, 1)
	parent.reset()
	ps[0].wake()
	ps[1].wake()
	assert.Zero(t, parent.count())
}

func TestJoinChildrenSeeTheParentsExtAndBudget(t *testing.T) {
	ps, fs := probes[int](3)
	f := future.Join(fs...)
	cx, _ := newCX()
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
		assert.Equal(t, "worker-7", p.lastExt())
	}
}

// A budget-exhausted child wakes its own waker (Coop), so it is polled again
// at the next poll, after its siblings' wakes: no child starves.
func TestJoinBudgetExhaustedChildIsRepolled(t *testing.T) {
	var b future.Budget
	cx, _ := newCX()
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
	p := &probe[int]{}
	f := future.Join[int](p)
	parent := &localWaker{}
	cx := future.NewContext(parent)
	f.Poll(cx)

	other := future.NewContext(future.NoopWaker)
	other.SetExt("worker-2")
	p.mu.Lock()
	w := p.waker
	p.mu.Unlock()
	future.WakeFrom(other, w)
	parent.mu.Lock()
	defer parent.mu.Unlock()
	assert.Equal(t, []any{"worker-2"}, parent.locals, "a wake from inside worker-2's poll stays local")
	assert.Zero(t, parent.wakes)
}

func TestJoinWithWakesFromOtherGoroutines(t *testing.T) {
	const n = 200
	ps, fs := probes[int](n)
	f := future.Join(fs...)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, p := range ps {
		wg.Go(func() {
			<-start
			p.wake() // a spurious wake first: it must not lose the real one
			p.complete(i)
		})
	}
	first := true
	v := future.BlockOn(future.Func[[]int](func(cx *future.Context) future.Poll[[]int] {
		r := f.Poll(cx)
		if first {
			first = false
			close(start)
		}
		return r
	}))
	wg.Wait()
	for i := range n {
		require.Equal(t, i, v[i])
		require.LessOrEqual(t, ps[i].pollCount(), 3, "first poll + at most one per own wake")
	}
}

func TestJoin2AndJoin3(t *testing.T) {
	a := &probe[int]{}
	b := &probe[string]{}
	c := &probe[bool]{}
	f2 := future.Join2[int, string](a, b)
	f3 := future.Join3[int, string, bool](readyProbe(1), readyProbe("x"), c)
	cx, parent := newCX()
	require.True(t, f2.Poll(cx).IsPending())
	require.True(t, f3.Poll(cx).IsPending())

	b.complete("two")
	assert.Equal(t, 1, parent.reset())
	require.True(t, f2.Poll(cx).IsPending())
	assert.Equal(t, 1, a.pollCount(), "Join2 polls only the woken child")
	assert.Equal(t, 2, b.pollCount())
	a.complete(1)
	p, ok := f2.Poll(cx).Value()
	require.True(t, ok)
	x, y := p.Unpack()
	assert.Equal(t, 1, x)
	assert.Equal(t, "two", y)

	c.complete(true)
	tr, ok := f3.Poll(cx).Value()
	require.True(t, ok)
	assert.Equal(t, future.Triple[int, string, bool]{First: 1, Second: "x", Third: true}, tr)
	i, s, bo := tr.Unpack()
	assert.Equal(t, 1, i)
	assert.Equal(t, "x", s)
	assert.True(t, bo)
}
