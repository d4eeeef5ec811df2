package poll_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

// A new user's first mistake (issue 16): pool.New, then poll.Sleep. The
// failure must name the constructor to use instead.
func TestSleepOnPoolWithoutReactorNamesNewPool(t *testing.T) {
	p, err := pool.New(pool.WithWorkers(1))
	require.NoError(t, err)
	defer shutdown(t, p)
	_, err = pool.Spawn(p, poll.Sleep(time.Hour)).Wait(context.Background())
	var pe *pool.PanicError
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, poll.ErrNoReactor)
	assert.Contains(t, err.Error(), "poll.NewPool")
	assert.Contains(t, err.Error(), "*poll.SleepFuture")
}

func TestDriverlessBlockOnNamesPollBlockOn(t *testing.T) {
	for name, f := range map[string]func(){
		"Sleep":    func() { future.BlockOn[struct{}](poll.Sleep(time.Hour)) },
		"Interval": func() { future.BlockOn(poll.Interval(time.Hour).Tick()) },
		"Dial":     func() { future.BlockOn(poll.Dial("tcp", "127.0.0.1:1")) },
	} {
		t.Run(name, func(t *testing.T) {
			e := requireNoReactor(t, f)
			assert.Contains(t, e.Error(), "poll.NewPool")
			assert.Contains(t, e.Error(), "poll.BlockOn")
		})
	}
}

// otherDriver is a driver that is not a reactor, as a custom executor's
// or pooltest's may be.
type otherDriver struct{}

func (otherDriver) Park(*future.Context, time.Duration) {}
func (otherDriver) Unpark()                             {}

func TestForeignDriverIsNamed(t *testing.T) {
	e := requireNoReactor(t, func() {
		future.BlockOnDriver(otherDriver{}, poll.Dial("tcp", "127.0.0.1:1"))
	})
	assert.Contains(t, e.Error(), "poll_test.otherDriver")
	assert.Contains(t, e.Error(), "WithDriver")
	assert.False(t, errors.Is(e, poll.ErrReactorClosed))
}

// requireNoReactor runs f and requires it to panic with a
// *future.MisuseError matching ErrNoReactor, which it returns.
func requireNoReactor(t *testing.T, f func()) (e *future.MisuseError) {
	t.Helper()
	defer func() {
		var ok bool
		e, ok = recover().(*future.MisuseError)
		require.True(t, ok, "want a *future.MisuseError panic")
		require.ErrorIs(t, e, poll.ErrNoReactor)
	}()
	f()
	return nil
}
