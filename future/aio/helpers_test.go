package aio_test

import (
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/aio"
	"github.com/spindle-rt/spindle/future/stream"
	"github.com/spindle-rt/spindle/poll"
)

// script is an in-memory Reader that hands out its chunks one per read
// (split further by short reads), answering Pending — after waking the
// caller — before every chunk when pendingFirst is set, then err (io.EOF
// if nil).
type script struct {
	chunks       [][]byte
	err          error
	pendingFirst bool
	waited       bool
	reads        int
}

func (s *script) PollRead(cx *future.Context, p []byte) future.Poll[future.Result[int]] {
	if len(p) == 0 {
		return future.Ready(future.Ok(0))
	}
	if s.pendingFirst && !s.waited {
		s.waited = true
		cx.Waker().Wake()
		return future.Pending[future.Result[int]]()
	}
	s.waited = false
	s.reads++
	for len(s.chunks) > 0 && len(s.chunks[0]) == 0 {
		s.chunks = s.chunks[1:]
	}
	if len(s.chunks) == 0 {
		if s.err != nil {
			return future.Ready(future.Err[int](s.err))
		}
		return future.Ready(future.Err[int](io.EOF))
	}
	n := copy(p, s.chunks[0])
	s.chunks[0] = s.chunks[0][n:]
	return future.Ready(future.Ok(n))
}

// sink is an in-memory Writer that takes at most max bytes per write
// (all if 0), answering Pending before every write when pendingFirst is
// set, and failing with failErr once it holds failAt bytes.
type sink struct {
	got          []byte
	max          int
	pendingFirst bool
	waited       bool
	failAt       int
	failErr      error
	writes       int
	flushes      int
	closedWrite  bool
}

func (s *sink) PollWrite(cx *future.Context, p []byte) future.Poll[future.Result[int]] {
	if len(p) == 0 {
		return future.Ready(future.Ok(0))
	}
	if s.pendingFirst && !s.waited {
		s.waited = true
		cx.Waker().Wake()
		return future.Pending[future.Result[int]]()
	}
	s.waited = false
	if s.failErr != nil && len(s.got) >= s.failAt {
		return future.Ready(future.Err[int](s.failErr))
	}
	n := len(p)
	if s.max > 0 {
		n = min(n, s.max)
	}
	if s.failErr != nil {
		n = min(n, s.failAt-len(s.got))
	}
	s.writes++
	s.got = append(s.got, p[:n]...)
	return future.Ready(future.Ok(n))
}

// flushSink is a sink that also counts PollFlush and PollCloseWrite.
type flushSink struct{ sink }

func (s *flushSink) PollFlush(*future.Context) future.Poll[future.Result[struct{}]] {
	s.flushes++
	return future.Ready(future.Result[struct{}]{})
}

func (s *flushSink) PollCloseWrite(*future.Context) future.Poll[future.Result[struct{}]] {
	s.closedWrite = true
	return future.Ready(future.Result[struct{}]{})
}

// run polls f to completion on this goroutine (no reactor).
func run[T any](f future.Future[T]) T { return future.BlockOn(f) }

// reactor returns a reactor closed when the test ends; BlockOnDriver with
// it keeps connections usable across calls (poll.BlockOn would close its
// reactor, and the connections' registrations with it, at return).
func reactor(t testing.TB) *poll.Reactor {
	r, err := poll.NewReactor()
	require.NoError(t, err)
	t.Cleanup(func() { r.Close() })
	return r
}

// tcpPair returns both ends of a TCP connection driven by r.
func tcpPair(t testing.TB, r *poll.Reactor) (*poll.Conn, *poll.Conn) {
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	p := future.BlockOnDriver(r, future.Join2[future.Result[*poll.Conn], future.Result[*poll.Conn]](
		l.Accept(), poll.Dial("tcp", l.Addr().String())))
	a, err := p.First.Get()
	require.NoError(t, err)
	b, err := p.Second.Get()
	require.NoError(t, err)
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

var errBoom = errors.New("boom")

type zeroReader struct{}

func (zeroReader) PollRead(*future.Context, []byte) future.Poll[future.Result[int]] {
	return future.Ready(future.Ok(0))
}

var (
	_ aio.ReadWriter  = (*poll.Conn)(nil)
	_ aio.CloseWriter = (*poll.Conn)(nil)
	_ aio.Reader      = (*aio.BufReader)(nil)
	_ aio.Flusher     = (*aio.BufWriter)(nil)
)

var _ stream.Stream[string] = (*aio.Lines)(nil)
