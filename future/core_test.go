package future_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
)

func TestZeroPollIsPending(t *testing.T) {
	var p future.Poll[int]
	assert.False(t, p.IsReady())
	assert.True(t, p.IsPending())
	v, ok := p.Value()
	assert.False(t, ok)
	assert.Zero(t, v)
	assert.Equal(t, "Pending", p.String())
}

func TestReadyCarriesValue(t *testing.T) {
	p := future.Ready(42)
	v, ok := p.Value()
	require.True(t, ok)
	assert.Equal(t, 42, v)
	assert.Equal(t, "Ready(42)", p.String())
}

func TestBlockOnParksUntilWokenFromAnotherGoroutine(t *testing.T) {
	polls := 0
	started := make(chan future.Waker, 1)
	release := make(chan struct{})
	var done bool
	f := future.Func[string](func(cx *future.Context) future.Poll[string] {
		polls++
		if done {
			return future.Ready("woken")
		}
		if polls == 1 {
			started <- cx.Waker()
		}
		return future.Pending[string]()
	})
	go func() {
		w := <-started
		<-release
		done = true // published to the poller by the waker's channel send
		w.Wake()
	}()
	close(release)
	assert.Equal(t, "woken", future.BlockOn[string](f))
	assert.Equal(t, 2, polls, "one poll before the wake, one after: BlockOn must not spin")
}

func TestCoopWithoutBudgetNeverStops(t *testing.T) {
	cx := future.NewContext(nil)
	for range 1000 {
		require.True(t, future.Coop(cx))
	}
}

func TestCoopWakesWhenSpent(t *testing.T) {
	woken := 0
	cx := future.NewContext(future.WakerFunc(func() { woken++ }))
	var b future.Budget
	b.Reset(3)
	cx.SetBudget(&b)
	assert.True(t, future.Coop(cx))
	assert.True(t, future.Coop(cx))
	assert.True(t, future.Coop(cx))
	assert.False(t, future.Coop(cx))
	assert.Equal(t, 1, woken, "a spent budget wakes the task so it is polled again")
}

func TestResultGet(t *testing.T) {
	v, err := future.Ok(3).Get()
	assert.NoError(t, err)
	assert.Equal(t, 3, v)
	boom := errors.New("boom")
	_, err = future.Err[int](boom).Get()
	assert.ErrorIs(t, err, boom)
	assert.False(t, future.Err[int](boom).IsOk())
}

func TestMisuseErrorNamesType(t *testing.T) {
	defer func() {
		r := recover()
		e, ok := r.(*future.MisuseError)
		require.True(t, ok, "panic value %T", r)
		assert.ErrorIs(t, e, future.ErrPolledAfterReady)
		assert.Contains(t, e.Error(), "*future_test.myFuture")
	}()
	future.PanicPolledAfterReady(&myFuture{})
}

type myFuture struct{}
