package poll_test

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
)

func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rand.IntN(256))
	}
	return b
}

// server runs an echo server on a fresh reactor driven by a goroutine; stop
// closes the listener, waits for every handler and closes the reactor.
func server(t *testing.T, network, addr string) (l *poll.Listener, stop func()) {
	t.Helper()
	r, err := poll.NewReactor()
	require.NoError(t, err)
	l, err = poll.Listen(network, addr)
	require.NoError(t, err)
	e := newExec(r)
	e.spawn(acceptLoop(e, l, echo))
	done := make(chan struct{})
	go func() { defer close(done); e.run() }()
	return l, func() {
		l.Close()
		r.Unpark()
		<-done
		require.NoError(t, r.Close())
	}
}

func TestEchoOfManySizesWithNetClients(t *testing.T) {
	before := openFDs(t)
	l, stop := server(t, "tcp", "127.0.0.1:0")
	sizes := []int{1, 2, 100, 1500, 4096, 65535, 65536, 1 << 20, 8 << 20}
	var wg sync.WaitGroup
	for _, n := range sizes {
		wg.Go(func() {
			msg := payload(n)
			c, err := net.Dial("tcp", l.Addr().String())
			if !assert.NoError(t, err) {
				return
			}
			defer c.Close()
			go func() {
				c.Write(msg)
				c.(*net.TCPConn).CloseWrite()
			}()
			got, err := io.ReadAll(c)
			assert.NoError(t, err)
			assert.True(t, bytes.Equal(msg, got), "size %d: echoed %d bytes", n, len(got))
		})
	}
	wg.Wait()
	stop()
	assert.Equal(t, before, openFDs(t), "descriptors leaked")
}

func TestSpindleClientsAndServerIPv4AndIPv6(t *testing.T) {
	for _, tc := range []struct{ network, addr string }{
		{"tcp4", "127.0.0.1:0"}, {"tcp6", "[::1]:0"}, {"tcp", "localhost:0"},
	} {
		t.Run(tc.network, func(t *testing.T) {
			before := openFDs(t)
			r := withReactor(t)
			l, err := poll.Listen(tc.network, tc.addr)
			require.NoError(t, err)
			e := newExec(r)
			var mu sync.Mutex
			remaining := 0
			e.spawn(acceptLoop(e, l, echo))
			for _, n := range []int{0, 1, 777, 100_000, 3 << 20} {
				msg := payload(n)
				remaining++
				e.spawn(roundTrip(tc.network, l.Addr().String(), msg, func(got []byte, err error) {
					assert.NoError(t, err)
					assert.True(t, bytes.Equal(msg, got), "size %d: got %d bytes", n, len(got))
					mu.Lock()
					remaining--
					if remaining == 0 {
						l.Close()
					}
					mu.Unlock()
				}))
			}
			e.run()
			require.NoError(t, r.Close())
			assert.Equal(t, before, openFDs(t))
		})
	}
}

func TestConnAddressesAndNoDelay(t *testing.T) {
	r := withReactor(t)
	_, nc, c := acceptedPair(t, r)
	defer c.Close()
	assert.Equal(t, nc.LocalAddr().String(), c.RemoteAddr().String())
	assert.Equal(t, nc.RemoteAddr().String(), c.LocalAddr().String())
	require.NoError(t, c.SetNoDelay(false))
	require.NoError(t, c.SetNoDelay(true))
	require.NoError(t, c.Close())
	assert.ErrorIs(t, c.Close(), net.ErrClosed, "second Close reports the closed connection")
	assert.ErrorIs(t, c.SetNoDelay(true), net.ErrClosed)
}

func TestHalfCloseLetsThePeerAnswerAfterEOF(t *testing.T) {
	r := withReactor(t)
	nl, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer nl.Close()
	// The peer reads to EOF, then answers with the byte count.
	go func() {
		nc, err := nl.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		b, _ := io.ReadAll(nc)
		nc.Write([]byte{byte(len(b))})
	}()
	var got []byte
	block(r, roundTrip("tcp", nl.Addr().String(), []byte("half-closed"), func(b []byte, err error) {
		require.NoError(t, err)
		got = b
	}))
	assert.Equal(t, []byte{11}, got, "the peer saw EOF and could still answer")
}

func TestPeerResetMidRead(t *testing.T) {
	r := withReactor(t)
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	nc, err := net.Dial("tcp", l.Addr().String())
	require.NoError(t, err)
	c, err := block(r, l.Accept()).Get()
	require.NoError(t, err)
	defer c.Close()
	_, err = nc.Write([]byte("x"))
	require.NoError(t, err)
	buf := make([]byte, 8)
	n, err := block(r, c.Read(buf)).Get()
	require.NoError(t, err)
	require.Equal(t, 1, n)

	rd := c.Read(buf)
	cx := future.NewContext(nil)
	cx.SetDriver(r)
	require.True(t, rd.Poll(cx).IsPending(), "nothing to read yet")
	require.NoError(t, nc.(*net.TCPConn).SetLinger(0))
	require.NoError(t, nc.Close()) // RST
	_, err = block[future.Result[int]](r, rd).Get()
	require.ErrorIs(t, err, syscall.ECONNRESET)
	var oe *net.OpError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "read", oe.Op)
	assert.Equal(t, nc.LocalAddr().String(), oe.Addr.String())
}

func TestConnectRefused(t *testing.T) {
	r := withReactor(t)
	nl, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := nl.Addr().String()
	nl.Close()
	before := openFDs(t)
	_, err = block(r, poll.Dial("tcp", addr)).Get()
	require.ErrorIs(t, err, syscall.ECONNREFUSED)
	var oe *net.OpError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "dial", oe.Op)
	assert.Equal(t, addr, oe.Addr.String())
	assert.Equal(t, before, openFDs(t), "the failed socket was closed")
	assert.Zero(t, r.Stats().Registrations)

	_, err = block(r, poll.Dial("udp", addr)).Get()
	var une net.UnknownNetworkError
	assert.ErrorAs(t, err, &une)
}

func TestReadTimeoutLeavesTheConnUsable(t *testing.T) {
	r := withReactor(t)
	_, nc, c := acceptedPair(t, r)
	var err error
	defer c.Close()

	buf := make([]byte, 4)
	start := time.Now()
	_, err = block(r, poll.TryTimeout[int](c.Read(buf), 20*time.Millisecond)).Get()
	require.ErrorIs(t, err, poll.ErrTimeout)
	assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)
	assert.Zero(t, r.Stats().Timers)

	nc.Write([]byte("ok"))
	n, err := block(r, poll.TryTimeout[int](c.Read(buf), 10*time.Second)).Get()
	require.NoError(t, err)
	assert.Equal(t, "ok", string(buf[:n]))
	assert.Zero(t, r.Stats().Timers, "the winning read cancelled its timer")
}

func TestDialTimeoutClosesTheSocket(t *testing.T) {
	r := withReactor(t)
	before := openFDs(t)
	// Dial a listener whose backlog is full so the handshake cannot end:
	// simpler and portable is a non-routable address, but loopback only:
	// a Timeout that fires at once (the dial is pending after its first
	// poll) shows the same cleanup.
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	d := poll.Dial("tcp", l.Addr().String())
	tf := poll.TryTimeout[*poll.Conn](d, 0)
	res, _ := future.BlockOnDriver(r, tf).Get()
	if res != nil { // the handshake won the race
		res.Close()
	}
	assert.Equal(t, before+1, openFDs(t), "only the listener is left open")
	assert.Zero(t, r.Stats().Registrations)
}

func TestCloseEndsAWaitingRead(t *testing.T) {
	r := withReactor(t)
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	nc, err := net.Dial("tcp", l.Addr().String())
	require.NoError(t, err)
	defer nc.Close()
	c, err := block(r, l.Accept()).Get()
	require.NoError(t, err)

	readErr := make(chan error, 1)
	acceptErr := make(chan error, 1)
	e := newExec(r)
	rd := c.Read(make([]byte, 8))
	acc := l.Accept()
	e.spawn(fn(func(cx *future.Context) bool {
		res, ok := rd.Poll(cx).Value()
		if ok {
			readErr <- res.Err
		}
		return ok
	}))
	e.spawn(fn(func(cx *future.Context) bool {
		res, ok := acc.Poll(cx).Value()
		if ok {
			acceptErr <- res.Err
		}
		return ok
	}))
	done := make(chan struct{})
	go func() { defer close(done); e.run() }()
	time.Sleep(5 * time.Millisecond) // both wait inside the reactor
	c.Close()
	l.Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("closing did not end the waits")
	}
	assert.ErrorIs(t, <-readErr, net.ErrClosed)
	assert.ErrorIs(t, <-acceptErr, net.ErrClosed)
	assert.Zero(t, r.Stats().Registrations)
}

func TestReactorCloseEndsIOWaits(t *testing.T) {
	r, err := poll.NewReactor()
	require.NoError(t, err)
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	got := make(chan error, 1)
	go func() {
		_, err := future.BlockOnDriver(r, l.Accept()).Get()
		got <- err
	}()
	require.Eventually(t, func() bool { return r.Stats().Registrations == 1 }, 5*time.Second, time.Millisecond)
	time.Sleep(2 * time.Millisecond)
	require.NoError(t, r.Close())
	select {
	case err := <-got:
		assert.ErrorIs(t, err, poll.ErrReactorClosed)
	case <-time.After(10 * time.Second):
		t.Fatal("reactor Close left an accept hanging")
	}
}

func TestTwoAcceptsWaitOnOneListener(t *testing.T) {
	r := withReactor(t)
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	e := newExec(r)
	conns := make(chan *poll.Conn, 2)
	for range 2 {
		a := l.Accept()
		e.spawn(fn(func(cx *future.Context) bool {
			res, ok := a.Poll(cx).Value()
			if ok {
				require.NoError(t, res.Err)
				conns <- res.Value
			}
			return ok
		}))
	}
	done := make(chan struct{})
	go func() { defer close(done); e.run() }()
	time.Sleep(5 * time.Millisecond)
	var ncs []net.Conn
	for range 2 {
		nc, err := net.Dial("tcp", l.Addr().String())
		require.NoError(t, err)
		ncs = append(ncs, nc)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("an accept waiter was lost")
	}
	for range 2 {
		(<-conns).Close()
	}
	for _, nc := range ncs {
		nc.Close()
	}
}

func TestBlockingAdapterForGoroutineCode(t *testing.T) {
	r := withReactor(t)
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	e := newExec(r)
	accepted := make(chan *poll.Conn)
	e.spawn(acceptLoop(e, l, func(c *poll.Conn) future.Future[struct{}] {
		accepted <- c // handed to goroutine code
		return fn(func(*future.Context) bool { return true })
	}))
	done := make(chan struct{})
	go func() { defer close(done); e.run() }()

	var wg sync.WaitGroup
	wg.Go(func() { // a blocking echo server on a goroutine
		b := (<-accepted).Blocking()
		defer b.Close()
		_, err := io.Copy(b, b)
		assert.NoError(t, err)
	})
	nc, err := net.Dial("tcp", l.Addr().String())
	require.NoError(t, err)
	msg := payload(300_000)
	go func() { nc.Write(msg); nc.(*net.TCPConn).CloseWrite() }()
	got, err := io.ReadAll(nc)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(msg, got))
	nc.Close()
	wg.Wait()
	l.Close()
	<-done
}

func TestMisuse(t *testing.T) {
	assertMisuse := func(err error, f func()) {
		t.Helper()
		defer func() {
			me, ok := recover().(*future.MisuseError)
			require.True(t, ok)
			assert.ErrorIs(t, me, err)
		}()
		f()
	}
	assertMisuse(poll.ErrNoReactor, func() { future.BlockOn(poll.Dial("tcp", "127.0.0.1:1")) })
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	assertMisuse(poll.ErrNoReactor, func() { future.BlockOn(l.Accept()) })

	r := withReactor(t)
	f := poll.Dial("tcp", "127.0.0.1:1")
	block(r, f)
	assertMisuse(future.ErrPolledAfterReady, func() { block(r, f) })
}

func TestAbandonedConnsAreClosedByTheGC(t *testing.T) {
	r := withReactor(t)
	before := openFDs(t)
	func() {
		l, err := poll.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		d := poll.Dial("tcp", l.Addr().String())
		cx := future.NewContext(nil)
		cx.SetDriver(r)
		d.Poll(cx) // connecting or connected: a socket is open
		c, err := block(r, l.Accept()).Get()
		require.NoError(t, err)
		_ = c // dropped without Close, like the listener and the dial
	}()
	require.Eventually(t, func() bool {
		runtime.GC()
		return openFDs(t) == before
	}, 10*time.Second, 10*time.Millisecond, "abandoned sockets were not closed")
	assert.Zero(t, r.Stats().Registrations)
}
