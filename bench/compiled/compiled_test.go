package compiled

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
)

// one is always Ready with 1; as a zero-size value in an interface it
// costs no allocation.
type one struct{}

func (one) Poll(*future.Context) future.Poll[int] { return future.Ready(1) }

// flip is pending at every other poll, without a waker: the test polls
// again at once.
type flip struct{ ready bool }

func (f *flip) Poll(*future.Context) future.Poll[int] {
	f.ready = !f.ready
	if f.ready {
		return future.Pending[int]()
	}
	return future.Ready(1)
}

// TestOneAllocationPerCall: the compiled future allocates its state once
// per call and nothing per poll, suspended or not.
func TestOneAllocationPerCall(t *testing.T) {
	cx := future.NewContext(future.NoopWaker)
	x, y, z := &flip{}, &flip{}, &flip{}
	polls := 0
	allocs := testing.AllocsPerRun(100, func() {
		f := Three(x, y, z)
		for {
			polls++
			if v, ok := f.Poll(cx).Value(); ok {
				if v != 3 {
					panic(v)
				}
				return
			}
		}
	})
	require.Equal(t, 1.0, allocs)
	require.Equal(t, 4*101, polls) // each await suspended once
	allocs = testing.AllocsPerRun(100, func() {
		if v, _ := Three(one{}, one{}, one{}).Poll(cx).Value(); v != 3 {
			panic(v)
		}
	})
	require.Equal(t, 1.0, allocs)
}

// pending is never Ready.
type pending struct{}

func (pending) Poll(*future.Context) future.Poll[int] { return future.Pending[int]() }

// TestNoAllocationPerPoll: polls of a suspended compiled future with a
// deferred call and a loop allocate nothing; the call allocates the state
// and the deferred closure once.
func TestNoAllocationPerPoll(t *testing.T) {
	cx := future.NewContext(future.NoopWaker)
	ended := 0
	fs := []future.Future[int]{one{}, pending{}}
	f := Sum(fs, &ended)
	require.True(t, f.Poll(cx).IsPending())
	require.Zero(t, testing.AllocsPerRun(100, func() {
		if f.Poll(cx).IsReady() {
			panic("ready")
		}
	}))
	future.Cancel(f)
	require.Equal(t, 1, ended, "Cancel runs the deferred call")
	fs[1] = one{}
	require.Equal(t, 2.0, testing.AllocsPerRun(100, func() {
		if v, _ := Sum(fs, &ended).Poll(cx).Value(); v != 2 {
			panic(v)
		}
	}))
}
