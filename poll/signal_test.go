package poll_test

import (
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/stream"
	"github.com/spindle-rt/spindle/poll"
)

// The stream and an ordinary os/signal subscriber in the same program
// both get the signal.
func TestSignalsCoexistWithOsSignal(t *testing.T) {
	theirs := make(chan os.Signal, 1)
	signal.Notify(theirs, syscall.SIGUSR1)
	defer signal.Stop(theirs)
	s := poll.Signals(syscall.SIGUSR1, syscall.SIGUSR2)
	defer s.Close()

	cx := future.NewContext(nil)
	require.True(t, s.PollNext(cx).IsPending())
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGUSR1))
	it := future.BlockOn(s.Recv())
	assert.True(t, it.Ok)
	assert.Equal(t, syscall.SIGUSR1, it.Value)
	assert.Equal(t, syscall.SIGUSR1, <-theirs)

	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGUSR2))
	it = future.BlockOn(s.Recv())
	assert.Equal(t, syscall.SIGUSR2, it.Value)

	s.Close()
	s.Close()
	assert.False(t, future.BlockOn(stream.Next[os.Signal](s)).Ok, "a closed stream ends")
}

// Close wakes a task waiting for a signal; the stream then ends.
func TestSignalsCloseWakesTheWaiter(t *testing.T) {
	s := poll.Signals(syscall.SIGUSR2)
	woken := make(chan struct{}, 1)
	cx := future.NewContext(future.WakerFunc(func() { woken <- struct{}{} }))
	require.True(t, s.PollNext(cx).IsPending())
	s.Close()
	<-woken
	it, ok := s.PollNext(cx).Value()
	require.True(t, ok)
	assert.False(t, it.Ok)
}

func TestCtrlC(t *testing.T) {
	f := poll.CtrlC()
	cx := future.NewContext(nil)
	require.True(t, f.Poll(cx).IsPending())
	// CtrlC is subscribed, so this interrupt does not end the test binary.
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGINT))
	future.BlockOn(f)
	assert.Panics(t, func() { f.Poll(cx) }, "polled after Ready")

	g := poll.CtrlC()
	future.Cancel(g) // unsubscribes; goleak checks its goroutine ended
}

func TestSignalStreamPolledAfterEndPanics(t *testing.T) {
	s := poll.Signals(syscall.SIGUSR2)
	s.Close()
	cx := future.NewContext(nil)
	require.False(t, s.PollNext(cx).IsPending())
	assert.Panics(t, func() { s.PollNext(cx) })
}

// A stream dropped without Close is closed by the garbage collector: its
// forwarding goroutine ends (the loop would not end otherwise).
func TestSignalStreamDroppedIsClosed(t *testing.T) {
	before := goleak.IgnoreCurrent()
	func() { poll.Signals(syscall.SIGUSR2) }()
	for {
		runtime.GC()
		if goleak.Find(before) == nil {
			break
		}
	}
}

var _ stream.Stream[os.Signal] = (*poll.SignalStream)(nil)
