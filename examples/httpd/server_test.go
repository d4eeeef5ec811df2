package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testServer is a server on a loopback port with its pool.
type testServer struct {
	*Server
	addr   string
	served *pool.JoinHandle[future.Result[int]]
	p      *pool.Pool
}

// start runs a server with cfg; the test's cleanup stops it and checks
// that Serve ended without error.
func start(t *testing.T, cfg Config) *testServer {
	t.Helper()
	p, err := poll.NewPool(pool.WithWorkers(2))
	require.NoError(t, err)
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := NewServer(cfg)
	ts := &testServer{Server: s, addr: l.Addr().String(), p: p}
	ts.served = pool.Spawn(p, s.Serve(p, l))
	t.Cleanup(func() {
		ts.stop()
		require.NoError(t, p.Shutdown(context.Background()))
	})
	return ts
}

// stop stops the server and returns how many connections it served.
func (ts *testServer) stop() (int, error) {
	ts.Stop()
	res, err := ts.served.Wait(context.Background())
	if err != nil {
		return 0, err
	}
	return res.Value, res.Err
}

// client is a raw connection and a reader of its responses.
type client struct {
	net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, ts *testServer) *client {
	t.Helper()
	c, err := net.Dial("tcp", ts.addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return &client{Conn: c, r: bufio.NewReader(c)}
}

func (c *client) send(t *testing.T, s string) {
	t.Helper()
	_, err := io.WriteString(c, s)
	require.NoError(t, err)
}

// response reads one response and its body.
func (c *client) response(t *testing.T) (*http.Response, string) {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
	resp, err := http.ReadResponse(c.r, nil)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

// closed checks that the server closed the connection: EOF (or a reset)
// with nothing more to read.
func (c *client) closed(t *testing.T) {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
	n, err := c.r.Read(make([]byte, 1))
	assert.Zero(t, n)
	require.Error(t, err)
	var ne net.Error
	if assert.False(t, errors.As(err, &ne) && ne.Timeout(), "connection still open: %v", err) {
		return
	}
}

func get(path string) string { return "GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n" }

func TestKeepAlive(t *testing.T) {
	ts := start(t, Config{})
	c := dial(t, ts)
	for i, want := range []string{"0\n", "1\n", "2\n"} {
		c.send(t, get("/count"))
		resp, body := c.response(t)
		assert.Equal(t, 200, resp.StatusCode, "request %d", i)
		assert.Equal(t, want, body)
		assert.False(t, resp.Close)
		assert.NotEmpty(t, resp.Header.Get("Date"))
	}
	c.send(t, get("/"))
	_, body := c.response(t)
	assert.Equal(t, hello, body)
	c.Close()
	served, err := ts.stop()
	require.NoError(t, err)
	assert.Equal(t, 1, served)
}

func TestPipelining(t *testing.T) {
	ts := start(t, Config{})
	c := dial(t, ts)
	c.send(t, get("/count")+get("/nope")+"HEAD / HTTP/1.1\r\nHost: test\r\n\r\n"+get("/count")+"GET /count HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
	for i, want := range []struct {
		status int
		body   string
	}{{200, "0\n"}, {404, "not found\n"}, {200, ""}, {200, "1\n"}, {200, "2\n"}} {
		if i == 2 { // HEAD: the length of GET's body, no body
			resp, err := http.ReadResponse(c.r, &http.Request{Method: "HEAD"})
			require.NoError(t, err)
			assert.Equal(t, int64(len(hello)), resp.ContentLength)
			continue
		}
		resp, body := c.response(t)
		assert.Equal(t, want.status, resp.StatusCode, "response %d", i)
		assert.Equal(t, want.body, body, "response %d", i)
	}
	c.closed(t)
}

// TestBadRequests sends each kind of bad request on a connection of its
// own: the right status, then the close. A second client is served
// throughout.
func TestBadRequests(t *testing.T) {
	ts := start(t, Config{MaxHeaderBytes: 256, MaxBodyBytes: 100})
	long := strings.Repeat("a", 300)
	for _, tc := range []struct {
		name, req string
		status    int
	}{
		{"no version", "GET /\r\n\r\n", 400},
		{"not a path", "GET nope HTTP/1.1\r\n\r\n", 400},
		{"HTTP/2.0", "GET / HTTP/2.0\r\n\r\n", 400},
		{"no Host", "GET / HTTP/1.1\r\n\r\n", 400},
		{"header without colon", "GET / HTTP/1.1\r\nHost test\r\n\r\n", 400},
		{"bad length", "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
		{"two lengths", "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400},
		{"chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501},
		{"body over the limit", "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 101\r\n\r\n", 413},
		{"request line over the limit", "GET /" + long + " HTTP/1.1\r\n\r\n", 431},
		{"header over the limit", "GET / HTTP/1.1\r\nX-Long: " + long + "\r\n\r\n", 431},
		{"headers over the limit", "GET / HTTP/1.1\r\n" + strings.Repeat("X-A: b\r\n", 40) + "\r\n", 431},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dial(t, ts)
			c.send(t, tc.req)
			resp, _ := c.response(t)
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.True(t, resp.Close, "Connection: close")
			c.closed(t)

			other := dial(t, ts)
			other.send(t, get("/"))
			resp, _ = other.response(t)
			assert.Equal(t, 200, resp.StatusCode)
		})
	}
}

// TestBodyRead: a body within the limit is read and dropped, and the
// connection goes on with the next request.
func TestBodyRead(t *testing.T) {
	ts := start(t, Config{MaxBodyBytes: 2000})
	c := dial(t, ts)
	c.send(t, "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 2000\r\n\r\n"+strings.Repeat("x", 2000)+get("/"))
	resp, _ := c.response(t)
	assert.Equal(t, 405, resp.StatusCode)
	assert.Equal(t, "GET, HEAD", resp.Header.Get("Allow"))
	assert.False(t, resp.Close)
	resp, body := c.response(t)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, hello, body)
}

func TestHTTP10(t *testing.T) {
	ts := start(t, Config{})
	c := dial(t, ts)
	c.send(t, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
	resp, _ := c.response(t)
	assert.False(t, resp.Close)
	c.send(t, "GET / HTTP/1.0\r\n\r\n")
	resp, _ = c.response(t)
	assert.True(t, resp.Close)
	c.closed(t)
}

// TestShortBody: a body shorter than its Content-Length gets 408 once the
// read timeout passes; one cut short by the client's close gets the close.
func TestShortBody(t *testing.T) {
	ts := start(t, Config{ReadTimeout: 200 * time.Millisecond})
	c := dial(t, ts)
	c.send(t, "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\nabc")
	resp, _ := c.response(t)
	assert.Equal(t, 408, resp.StatusCode)
	c.closed(t)

	c = dial(t, ts)
	c.send(t, "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\nabc")
	require.NoError(t, c.Conn.(*net.TCPConn).CloseWrite())
	c.closed(t)
}

// TestSlowLoris: a client sending a byte at a time gets 408 after the
// read timeout, while another client is served.
func TestSlowLoris(t *testing.T) {
	ts := start(t, Config{ReadTimeout: 300 * time.Millisecond})
	slow := dial(t, ts)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, b := range []byte(get("/") + get("/")) {
			if _, err := slow.Write([]byte{b}); err != nil {
				return // closed by the server
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	other := dial(t, ts)
	other.send(t, get("/"))
	resp, _ := other.response(t)
	assert.Equal(t, 200, resp.StatusCode)

	resp, _ = slow.response(t)
	assert.Equal(t, 408, resp.StatusCode)
	slow.closed(t)
	slow.Close()
	<-done
}

func TestIdleTimeout(t *testing.T) {
	ts := start(t, Config{IdleTimeout: 100 * time.Millisecond})
	c := dial(t, ts)
	c.send(t, get("/"))
	c.response(t)
	c.closed(t) // nothing sent within the idle timeout
}

// TestReset: a client that resets in the middle of a request costs the
// server that connection only.
func TestReset(t *testing.T) {
	ts := start(t, Config{})
	for range 5 {
		c := dial(t, ts)
		c.send(t, "GET / HTTP/1.1\r\nHost: te")
		require.NoError(t, c.Conn.(*net.TCPConn).SetLinger(0))
		c.Close() // RST
	}
	c := dial(t, ts)
	c.send(t, get("/"))
	resp, _ := c.response(t)
	assert.Equal(t, 200, resp.StatusCode)
}

// TestClientNeverReads: a client that pipelines requests and never reads
// the responses is closed after the write timeout; another is served
// meanwhile.
func TestClientNeverReads(t *testing.T) {
	ts := start(t, Config{WriteTimeout: 200 * time.Millisecond})
	c := dial(t, ts)
	require.NoError(t, c.Conn.(*net.TCPConn).SetReadBuffer(4096))
	flood := []byte(strings.Repeat(get("/"), 100))
	done := make(chan error, 1)
	go func() {
		for {
			if _, err := c.Write(flood); err != nil {
				done <- err
				return
			}
		}
	}()
	other := dial(t, ts)
	other.send(t, get("/"))
	resp, _ := other.response(t)
	assert.Equal(t, 200, resp.StatusCode)
	// The server closes the flooder: its writes then fail (a reset, or a
	// broken pipe).
	require.Error(t, <-done)
}

// TestGracefulStop: Stop closes an idle connection, lets a request in
// progress finish (Connection: close), and refuses new connections.
func TestGracefulStop(t *testing.T) {
	ts := start(t, Config{})
	idle := dial(t, ts)
	idle.send(t, get("/"))
	idle.response(t)
	require.Eventually(t, func() bool { return ts.busy.Load() == 0 }, 10*time.Second, time.Millisecond)
	busy := dial(t, ts)
	busy.send(t, "GET /count HTTP/1.1\r\n")
	// Stop once the server is reading the busy connection's request.
	require.Eventually(t, func() bool { return ts.busy.Load() == 1 }, 10*time.Second, time.Millisecond)
	served := make(chan int, 1)
	go func() {
		n, err := ts.stop()
		assert.NoError(t, err)
		served <- n
	}()
	idle.closed(t)
	busy.send(t, "Host: test\r\n\r\n")
	resp, body := busy.response(t)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "0\n", body)
	assert.True(t, resp.Close)
	busy.closed(t)
	assert.Equal(t, 2, <-served)
	_, err := net.Dial("tcp", ts.addr)
	assert.Error(t, err)
}

// TestPartialPipelined: a request followed by the start of the next one
// gets its response before the rest arrives (the server must not wait for
// the second request to answer the first).
func TestPartialPipelined(t *testing.T) {
	ts := start(t, Config{ReadTimeout: time.Minute})
	c := dial(t, ts)
	c.send(t, get("/count")+"GE")
	resp, body := c.response(t)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "0\n", body)
	c.send(t, "T /count HTTP/1.1\r\nHost: test\r\n\r\n")
	_, body = c.response(t)
	assert.Equal(t, "1\n", body)
}
