package future_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// threeCases returns three cases over gates of three value types, meeting
// in a string, and counts how often each case's fn runs.
func threeCases() (*futuretest.CancelGate[int], *futuretest.CancelGate[string], *futuretest.CancelGate[bool], []future.Case[string], *[3]int) {
	a, b, c := &futuretest.CancelGate[int]{}, &futuretest.CancelGate[string]{}, &futuretest.CancelGate[bool]{}
	var calls [3]int
	cases := []future.Case[string]{
		future.On(future.Future[int](a), func(v int) string { calls[0]++; return fmt.Sprint("int ", v) }),
		future.On(future.Future[string](b), func(v string) string { calls[1]++; return "string " + v }),
		future.On(future.Future[bool](c), func(v bool) string { calls[2]++; return fmt.Sprint("bool ", v) }),
	}
	return a, b, c, cases, &calls
}

func TestSelectNOfDifferentTypesCancelsTheLosers(t *testing.T) {
	for name, sel := range map[string]func(...future.Case[string]) future.Future[string]{
		"SelectN": future.SelectN[string], "SelectBiased": future.SelectBiased[string],
	} {
		t.Run(name, func(t *testing.T) {
			a, b, c, cases, calls := threeCases()
			s := sel(cases...)
			cx, w := futuretest.NewContext()
			require.True(t, s.Poll(cx).IsPending())
			b.Open("two")
			assert.Equal(t, 1, w.Count(), "the winner's wake reached the task")
			v, ok := s.Poll(cx).Value()
			require.True(t, ok)
			assert.Equal(t, "string two", v)
			assert.Equal(t, [3]int{0, 1, 0}, *calls, "only the winner's fn ran")
			assert.Equal(t, 1, a.Cancels())
			assert.Equal(t, 0, b.Cancels(), "the winner finished: nothing to cancel")
			assert.Equal(t, 1, c.Cancels())
			polls := a.Polls() + c.Polls()
			a.Open(1)
			c.Open(true)
			assert.Equal(t, polls, a.Polls()+c.Polls(), "losers are never polled again")
			requireMisuse(t, future.ErrPolledAfterReady, "selectN", func() { s.Poll(cx) })
		})
	}
}

func TestSelectBiasedFirstListedWins(t *testing.T) {
	for range 50 {
		a, b, c, cases, _ := threeCases()
		a.OpenWithoutWake(1)
		b.OpenWithoutWake("x")
		c.OpenWithoutWake(true)
		v, ok := future.SelectBiased(cases...).Poll(future.NewContext(nil)).Value()
		require.True(t, ok)
		require.Equal(t, "int 1", v)
	}
	// Later polls too: woken in the order c, a, the first listed still wins
	// (a Race would take c, the first woken).
	a, _, c, cases, _ := threeCases()
	s := future.SelectBiased(cases...)
	cx, _ := futuretest.NewContext()
	require.True(t, s.Poll(cx).IsPending())
	c.Open(true)
	a.Open(7)
	v, ok := s.Poll(cx).Value()
	require.True(t, ok)
	assert.Equal(t, "int 7", v)
}

func TestSelectNIsFair(t *testing.T) {
	const rounds = 3000
	var wins [3]int
	for range rounds {
		cases := []future.Case[int]{
			future.On(future.Future[int](futuretest.ReadyGate(0)), func(i int) int { return i }),
			future.On(future.Future[string](futuretest.ReadyGate("")), func(string) int { return 1 }),
			future.On(future.Future[bool](futuretest.ReadyGate(true)), func(bool) int { return 2 }),
		}
		v, ok := future.SelectN(cases...).Poll(future.NewContext(nil)).Value()
		require.True(t, ok)
		wins[v]++
	}
	// Each case wins a third of the time: 1000 ± 26 (one standard
	// deviation); 700 is more than 11 deviations away.
	for i, n := range wins {
		assert.Greater(t, n, 700, "case %d won %d of %d: %v", i, n, rounds, wins)
	}
}

// seeded is an executor extension with a random source, as pooltest's.
type seeded struct{ r *rand.Rand }

func (s seeded) Rand() *rand.Rand { return s.r }

func TestSelectNDrawsFromTheExecutorsRand(t *testing.T) {
	run := func(seed uint64) []int {
		cx := future.NewContext(nil)
		cx.SetExt(seeded{rand.New(rand.NewPCG(seed, 0))})
		var got []int
		for range 40 {
			cases := make([]future.Case[int], 5)
			for i := range cases {
				cases[i] = future.On(future.Future[int](futuretest.ReadyGate(i)), func(i int) int { return i })
			}
			v, ok := future.SelectN(cases...).Poll(cx).Value()
			require.True(t, ok)
			got = append(got, v)
		}
		return got
	}
	first := run(7)
	assert.Equal(t, first, run(7), "the same seed replays the same choices")
	assert.NotEqual(t, first, run(8))
}

func TestSelectNDisabledCase(t *testing.T) {
	a, b, c, cases, calls := threeCases()
	a.OpenWithoutWake(1) // would win, but is disabled
	cases[0] = cases[0].If(false)
	cases[2] = cases[2].If(true)
	s := future.SelectN(cases...)
	assert.Equal(t, 1, a.Cancels(), "a disabled case's future is cancelled at once")
	cx, _ := futuretest.NewContext()
	require.True(t, s.Poll(cx).IsPending())
	assert.Zero(t, a.Polls(), "and never polled")
	c.Open(false)
	v, ok := s.Poll(cx).Value()
	require.True(t, ok)
	assert.Equal(t, "bool false", v)
	assert.Equal(t, [3]int{0, 0, 1}, *calls)
	assert.Equal(t, 1, a.Cancels(), "not cancelled twice")
	assert.Equal(t, 1, b.Cancels())
}

func TestSelectNCancel(t *testing.T) {
	a, b, c, cases, calls := threeCases()
	s := future.SelectN(cases...)
	cx, _ := futuretest.NewContext()
	require.True(t, s.Poll(cx).IsPending())
	future.Cancel(s)
	future.Cancel(s)
	assert.Equal(t, []int{1, 1, 1}, []int{a.Cancels(), b.Cancels(), c.Cancels()})
	assert.Equal(t, [3]int{}, *calls)
	requireMisuse(t, future.ErrPolledAfterCancel, "selectN", func() { s.Poll(cx) })
}

func TestSelectNMisuse(t *testing.T) {
	never := future.Never[int]()
	id := func(v int) int { return v }
	requireMisuse(t, future.ErrNilFuture, "future.On", func() { future.On[int, int](nil, id) })
	requireMisuse(t, future.ErrNilFunc, "future.On", func() { future.On[int, int](never, nil) })
	requireMisuse(t, future.ErrNilFuture, "future.SelectN", func() { future.SelectN(future.Case[int]{}) })
	requireMisuse(t, future.ErrNoFutures, "future.SelectN", func() { future.SelectN[int]() })
	requireMisuse(t, future.ErrNoFutures, "future.SelectBiased", func() {
		future.SelectBiased(future.On(never, id).If(false))
	})
}
