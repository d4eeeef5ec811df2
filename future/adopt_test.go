package future_test

import (
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
