package future_test

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
)

// adoptProbe is a pending future that records whether it was adopted.
type adoptProbe struct {
	adopted bool
	ready   bool
}

func (p *adoptProbe) Poll(*future.Context) future.Poll[int] {
	if p.ready {
		return future.Ready(1)
	}
	return future.Pending[int]()
}

func (p *adoptProbe) Adopt() { p.adopted = true }

// Map and Then cancel the futures they run whenever they drop them, so an
// adoption of theirs reaches those futures: Map's child, Then's first
// future at once and its second when fn makes it. Without an adoption,
// nothing is adopted.
func TestMapAndThenPassAdoptionOn(t *testing.T) {
	cx := future.NewContext(nil)

	child := &adoptProbe{}
	m := future.Map[int](child, func(v int) int { return v })
	future.Adopt(m)
	assert.True(t, child.adopted, "Map adopts its child")

	first, second := &adoptProbe{ready: true}, &adoptProbe{}
	th := future.Then[int](first, func(int) future.Future[int] { return second })
	future.Adopt(th)
	assert.True(t, first.adopted, "Then adopts its first future")
	_, ok := th.Poll(cx).Value()
	require.False(t, ok)
	assert.True(t, second.adopted, "Then adopts the future fn returned")

	first, second = &adoptProbe{ready: true}, &adoptProbe{}
	th = future.Then[int](first, func(int) future.Future[int] { return second })
	_, ok = th.Poll(cx).Value()
	require.False(t, ok)
	assert.False(t, first.adopted || second.adopted, "nothing adopted unless the owner adopts")
	future.Adopt(th)
	assert.False(t, second.adopted, "an adoption after the first poll is ignored")
}

// childProbe is a pending future of a Result that records its adoption
// and its cancels, and panics when polled if panics is set.
type childProbe struct {
	adopted bool
	cancels int
	panics  bool
}

func (p *childProbe) Poll(*future.Context) future.Poll[future.Result[int]] {
	if p.panics {
		panic("childProbe panics")
	}
	return future.Pending[future.Result[int]]()
}

func (p *childProbe) Adopt()  { p.adopted = true }
func (p *childProbe) Cancel() { p.cancels++ }

// The combinators that cancel every child they drop, after a panic in a
// child's poll too (the owner's Cancel then reaches it), pass an adoption
// on to their children before the first poll; unadopted, they adopt
// nothing. Each case makes a combinator of two probes, the second of which
// may panic.
func TestCombinatorsPassAdoptionOn(t *testing.T) {
	type f = future.Future[future.Result[int]]
	id := func(r future.Result[int]) future.Result[int] { return r }
	cases := []struct {
		name string
		mk   func(a, b f) any
	}{
		{"Join", func(a, b f) any { return future.Join(a, b) }},
		{"Race", func(a, b f) any { return future.Race(a, b) }},
		{"TryJoin", func(a, b f) any { return future.TryJoin(a, b) }},
		{"TryRace", func(a, b f) any { return future.TryRace(a, b) }},
		{"FirstOk", func(a, b f) any { return future.FirstOk(a, b) }},
		{"Join2", func(a, b f) any { return future.Join2(a, b) }},
		{"Join3", func(a, b f) any { return future.Join3(a, future.Done(future.Result[int]{}), b) }},
		{"Select", func(a, b f) any { return future.Select(a, b) }},
		{"SelectN", func(a, b f) any { return future.SelectN(future.On(a, id), future.On(b, id)) }},
		{"SelectBiased", func(a, b f) any { return future.SelectBiased(future.On(a, id), future.On(b, id)) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, b := &childProbe{}, &childProbe{panics: true}
			c := tc.mk(a, b)
			future.Adopt(c)
			assert.True(t, a.adopted && b.adopted, "adopted before the first poll")
			require.True(t, pollAny(c), "the second child panics")
			future.Cancel(c) // as the pool does after a panic in an adopted future's poll
			assert.Equal(t, 1, a.cancels)
			assert.Equal(t, 1, b.cancels, "the child whose poll panicked is cancelled")

			a, b = &childProbe{}, &childProbe{}
			c = tc.mk(a, b)
			pollAny(c)
			future.Adopt(c)
			assert.False(t, a.adopted || b.adopted, "an adoption after the first poll does not reach the children")
			future.Cancel(c)
		})
	}
	a := &childProbe{}
	fu := future.Fuse[future.Result[int]](a)
	future.Adopt(fu)
	assert.True(t, a.adopted, "Fuse")
	future.Cancel(fu)
	assert.Equal(t, 1, a.cancels)
}

// pollAny polls c, a future of any type, once with a no-op waker and
// reports whether the poll panicked.
func pollAny(c any) (panicked bool) {
	defer func() { panicked = recover() != nil }()
	cx := future.NewContext(future.NoopWaker)
	reflect.ValueOf(c).MethodByName("Poll").Call([]reflect.Value{reflect.ValueOf(cx)})
	return false
}
