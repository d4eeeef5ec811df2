package async_test

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// adoptProbe is a pending future that counts its adoptions and cancels,
// and panics when polled if panics is set.
type adoptProbe struct {
	adopted, cancels int
	panics           bool
}

func (p *adoptProbe) Poll(*future.Context) future.Poll[int] {
	if p.panics {
		panic("adoptProbe panics")
	}
	return future.Pending[int]()
}

func (p *adoptProbe) Adopt()  { p.adopted++ }
func (p *adoptProbe) Cancel() { p.cancels++ }

// An adopted Task adopts each future its body awaits, before its first
// poll; an unadopted one, or one adopted after its first poll, adopts
// nothing. Cancel reaches the awaited future either way.
func TestAdoptedTaskAdoptsWhatItAwaits(t *testing.T) {
	cx := future.NewContext(future.NoopWaker)
	for _, adopt := range []bool{true, false} {
		p := &adoptProbe{}
		task := async.New(func(a *async.Awaiter) int { return async.Await(a, p) })
		if adopt {
			future.Adopt(task)
		}
		require.False(t, task.Poll(cx).IsReady())
		future.Adopt(task) // after the first poll: ignored
		task.Cancel()
		assert.Equal(t, adopt, p.adopted == 1, "adopted: %v", adopt)
		assert.Equal(t, 1, p.cancels)
	}
}

// A panic in the poll of an awaited future cancels that future as the
// panic leaves the Await, whether or not the body recovers it.
func TestPanicInAwaitedPollCancelsIt(t *testing.T) {
	cx := future.NewContext(future.NoopWaker)
	p := &adoptProbe{panics: true}
	task := async.New(func(a *async.Awaiter) int { return async.Await(a, p) })
	future.Adopt(task)
	assert.Equal(t, "adoptProbe panics", futuretest.Catch(func() { task.Poll(cx) }))
	assert.Equal(t, 1, p.adopted)
	assert.Equal(t, 1, p.cancels)

	p = &adoptProbe{panics: true}
	task = async.New(func(a *async.Awaiter) (n int) {
		defer func() {
			if recover() != nil {
				n = -1
			}
		}()
		return async.Await(a, p)
	})
	v, ok := task.Poll(cx).Value()
	require.True(t, ok)
	assert.Equal(t, -1, v)
	assert.Equal(t, 1, p.cancels, "cancelled before the body recovered")
}

// A body that refuses to suspend because it locked its thread drops the
// future it awaits, cancelled.
func TestLockedBodyCancelsWhatItAwaits(t *testing.T) {
	p := &adoptProbe{}
	task := async.New(func(a *async.Awaiter) int {
		runtime.LockOSThread()
		return async.Await(a, p)
	})
	future.Adopt(task)
	futuretest.RequireMisuse(t, async.ErrLockedBody, func() { future.BlockOn[int](task) })
	assert.Equal(t, 1, p.adopted)
	assert.Equal(t, 1, p.cancels)
}
