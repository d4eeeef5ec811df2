package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// server is a running lineserver: its address, its log lines and its
// exit status.
type server struct {
	addr string
	log  chan string
	code chan int
}

// start runs the program on a free port with args and waits until it
// listens (and so has subscribed to the signals).
func start(t *testing.T, args ...string) *server {
	t.Helper()
	r, w := io.Pipe()
	s := &server{log: make(chan string, 16), code: make(chan int, 1)}
	go func() {
		s.code <- lineserver(append([]string{"-addr", "127.0.0.1:0"}, args...), w)
		w.Close()
	}()
	go func() {
		defer close(s.log)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			s.log <- sc.Text()
		}
	}()
	first := <-s.log
	addr, ok := strings.CutPrefix(first, "lineserver: listening on ")
	require.True(t, ok, first)
	s.addr = addr
	return s
}

// stop sends sig to this process, as Ctrl-C or kill would, and returns the
// server's last log line and exit status.
func (s *server) stop(t *testing.T, sig syscall.Signal) (string, int) {
	t.Helper()
	require.NoError(t, syscall.Kill(os.Getpid(), sig))
	var last string
	for l := range s.log {
		last = l
	}
	return last, <-s.code
}

// client is one connection, read line by line.
type client struct {
	net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return &client{c, bufio.NewReader(c)}
}

// ask sends line and returns the answer.
func (c *client) ask(t *testing.T, line string) string {
	t.Helper()
	_, err := io.WriteString(c, line+"\n")
	require.NoError(t, err)
	return c.line(t)
}

func (c *client) line(t *testing.T) string {
	t.Helper()
	l, err := c.r.ReadString('\n')
	require.NoError(t, err)
	return strings.TrimSuffix(l, "\n")
}

// closed checks that the server closed the connection.
func (c *client) closed(t *testing.T) {
	t.Helper()
	_, err := c.r.ReadByte()
	assert.ErrorIs(t, err, io.EOF)
}

// TestClients: three clients at once, each answered in upper case; a line
// over the limit gets an error line and the connection goes on.
func TestClients(t *testing.T) {
	s := start(t, "-max", "10")
	a, b, c := dial(t, s.addr), dial(t, s.addr), dial(t, s.addr)
	assert.Equal(t, "HELLO", a.ask(t, "hello"))
	assert.Equal(t, "FROM B", b.ask(t, "from b"))
	assert.Equal(t, "ABCDEFGHIJ", c.ask(t, "abcdefghij"), "a line of exactly the limit is a line")
	assert.Equal(t, "error: line too long (max 10 bytes)", c.ask(t, "abcdefghijk"))
	assert.Equal(t, "ABCDEFGHIJ", c.ask(t, "abcdefghij\r"), "\r\n ends a line too")
	assert.Equal(t, "error: line too long (max 10 bytes)", a.ask(t, "this line is far too long"))
	assert.Equal(t, "STILL HERE", a.ask(t, "still here"), "the connection goes on after a long line")
	assert.Equal(t, "error: line too long (max 10 bytes)", b.ask(t, strings.Repeat("x", 100_000)))
	assert.Equal(t, "AGAIN", b.ask(t, "again"))
	a.Close()
	b.Close()
	c.Close()
	last, code := s.stop(t, syscall.SIGTERM)
	assert.Equal(t, 0, code)
	assert.Equal(t, "lineserver: stopped: 3 connections, 9 lines answered, 0 aborted after the grace", last)
}

// TestIdle: a client that sends nothing for -idle is told and dropped;
// one that keeps talking is not, though it talks for longer than -idle.
func TestIdle(t *testing.T) {
	s := start(t, "-idle", "1s")
	quiet := dial(t, s.addr)
	assert.Equal(t, "bye: idle for 1s", quiet.line(t))
	quiet.closed(t)
	busy := dial(t, s.addr)
	for range 15 { // 1.5 s in all, never 1 s without a line
		assert.Equal(t, "TICK", busy.ask(t, "tick"))
		time.Sleep(100 * time.Millisecond)
	}
	assert.Equal(t, "bye: idle for 1s", busy.line(t))
	busy.closed(t)
	last, code := s.stop(t, syscall.SIGINT)
	assert.Equal(t, 0, code)
	assert.Equal(t, "lineserver: stopped: 2 connections, 15 lines answered, 0 aborted after the grace", last)
}

// TestGracefulStop: a client in the middle of a session when the signal
// comes gets its answer, then "bye", then the end; the server refuses new
// connections and exits 0.
func TestGracefulStop(t *testing.T) {
	s := start(t)
	c := dial(t, s.addr)
	assert.Equal(t, "ONE", c.ask(t, "one"))
	_, err := io.WriteString(c, "two\n") // sent, not yet answered
	require.NoError(t, err)
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGINT))
	assert.Equal(t, "TWO", c.line(t), "a line received before the stop is answered")
	assert.Equal(t, "bye: server stopping", c.line(t))
	c.closed(t)
	last, code := s.stop(t, syscall.Signal(0)) // signal 0: only waits for the exit
	assert.Equal(t, 0, code)
	assert.Equal(t, "lineserver: stopped: 1 connections, 2 lines answered, 0 aborted after the grace", last)
	_, err = net.Dial("tcp", s.addr)
	assert.Error(t, err, "the listener is closed")
}

// TestGraceAborts: a client that sends and never reads blocks its
// connection's write; after the stop it is aborted at the end of -grace
// and the server still exits 0.
func TestGraceAborts(t *testing.T) {
	s := start(t, "-grace", "100ms")
	c := dial(t, s.addr)
	line := []byte(strings.Repeat("x", 1000) + "\n")
	// Write until a write stalls: the server has stopped reading, so it is
	// stuck writing answers this client does not read.
	for {
		require.NoError(t, c.SetWriteDeadline(time.Now().Add(200*time.Millisecond)))
		if _, err := c.Write(line); err != nil {
			require.True(t, errors.Is(err, os.ErrDeadlineExceeded), err)
			break
		}
	}
	last, code := s.stop(t, syscall.SIGTERM)
	assert.Equal(t, 0, code)
	assert.Equal(t, "lineserver: stopped: 1 connections, 0 lines answered, 1 aborted after the grace", last)
}

// TestBadFlags: flags that cannot work are refused with one line.
func TestBadFlags(t *testing.T) {
	r, w := io.Pipe()
	go func() {
		assert.Equal(t, 2, lineserver([]string{"-max", "0"}, w))
		w.Close()
	}()
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, "lineserver: -max and -idle must be positive, -grace not negative\n", string(b))
}
