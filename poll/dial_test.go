package poll_test

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
)

// stuckResolver makes every DNS query hang until its context ends, and
// counts the queries that are still hanging. Lookups of names in
// /etc/hosts (localhost) are not affected.
func stuckResolver(t *testing.T) *atomic.Int32 {
	var hanging atomic.Int32
	old := net.DefaultResolver
	net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		hanging.Add(1)
		defer hanging.Add(-1)
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	t.Cleanup(func() {
		net.DefaultResolver = old
		// The lookup goroutine outlives a cancelled dial by a moment.
		require.Eventually(t, func() bool { return hanging.Load() == 0 }, 10*time.Second, time.Millisecond)
	})
	return &hanging
}

func TestDialResolvesHostNamesOffTheWorker(t *testing.T) {
	stuckResolver(t)
	r := withReactor(t)
	ctx, cancel := context.WithCancel(context.Background())
	f := poll.DialContext(ctx, "tcp", "never.spindle-test.example:80")
	woken := make(chan struct{}, 1)
	cx := future.NewContext(future.WakerFunc(func() {
		select {
		case woken <- struct{}{}:
		default:
		}
	}))
	cx.SetDriver(r)
	// A lookup on the worker would block this poll for good.
	require.True(t, f.Poll(cx).IsPending())
	cancel()
	<-woken // the cancelled lookup (or the context watch) wakes the task
	var res future.Result[*poll.Conn]
	for {
		p, ok := f.Poll(cx).Value()
		if ok {
			res = p
			break
		}
		<-woken
	}
	assert.ErrorIs(t, res.Err, context.Canceled)
	var oe *net.OpError
	require.ErrorAs(t, res.Err, &oe)
	assert.Equal(t, "dial", oe.Op)
}

func TestDialTimeoutCancelsTheLookup(t *testing.T) {
	hanging := stuckResolver(t)
	r := withReactor(t)
	res := block(r, poll.Timeout[future.Result[*poll.Conn]](poll.Dial("tcp", "slow.spindle-test.example:80"), 10*time.Millisecond))
	assert.ErrorIs(t, res.Err, poll.ErrTimeout)
	// goleak (TestMain) checks that the lookup goroutine ends; here, that
	// the query it was blocked in was told to stop.
	require.Eventually(t, func() bool { return hanging.Load() == 0 }, 10*time.Second, time.Millisecond)
}

func TestDialContextAlreadyDone(t *testing.T) {
	r := withReactor(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := block(r, poll.DialContext(ctx, "tcp", "127.0.0.1:1")).Get()
	assert.ErrorIs(t, err, context.Canceled)
}

func TestDialLocalhostByName(t *testing.T) {
	r := withReactor(t)
	l, err := poll.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	// "localhost" may resolve to ::1 first, which refuses: the next
	// address is tried.
	res := block(r, future.Join2[future.Result[*poll.Conn], future.Result[*poll.Conn]](
		poll.DialContext(context.Background(), "tcp", "localhost:"+port), l.Accept()))
	c, err := res.First.Get()
	require.NoError(t, err)
	defer c.Close()
	a, err := res.Second.Get()
	require.NoError(t, err)
	defer a.Close()
	assert.Equal(t, a.LocalAddr().String(), c.RemoteAddr().String())
}

func TestDialBadAddresses(t *testing.T) {
	r := withReactor(t)
	for _, addr := range []string{"no-port", "127.0.0.1:99999"} {
		_, err := block(r, poll.Dial("tcp", addr)).Get()
		var oe *net.OpError
		assert.True(t, errors.As(err, &oe), "%s: %v", addr, err)
	}
	_, err := block(r, poll.Dial("udp", "127.0.0.1:1")).Get()
	assert.ErrorContains(t, err, "unknown network")
}
