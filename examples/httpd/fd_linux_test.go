package main

import (
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openSockets counts the process's socket descriptors.
func openSockets(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	n := 0
	for _, e := range ents {
		if l, _ := os.Readlink("/proc/self/fd/" + e.Name()); strings.HasPrefix(l, "socket:") {
			n++
		}
	}
	return n
}

// TestNoFdLeak puts the server through every kind of bad client, closes
// the clients, and checks that the server closed its side of each: only
// the listener's socket is left.
func TestNoFdLeak(t *testing.T) {
	ts := start(t, Config{MaxHeaderBytes: 256, MaxBodyBytes: 100, ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond})
	require.Equal(t, 1, openSockets(t), "the listener only")

	var clients []net.Conn
	for _, req := range []string{
		get("/") + get("/count"),                                         // served, then the client closes
		"GET / HTTP/1.1\r\nX: " + strings.Repeat("a", 300),               // over the limit
		"POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\nabc", // short body: 408
		"GET / HT", // slow: 408
		"POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 1000\r\n\r\n", // 413
		strings.Repeat(get("/"), 20000),                                 // never reads
		"GET / HTTP/1.1\r\nHost: te",                                    // reset below
	} {
		c := dial(t, ts)
		require.NoError(t, c.Conn.(*net.TCPConn).SetReadBuffer(4096))
		go c.Write([]byte(req)) // the flood blocks until the server gives up
		clients = append(clients, c.Conn)
	}
	// Let the server see the requests (the check below holds either way:
	// it only makes the test go through the paths it names).
	time.Sleep(100 * time.Millisecond)
	require.NoError(t, clients[len(clients)-1].(*net.TCPConn).SetLinger(0))
	for _, c := range clients {
		c.Close()
	}
	require.Eventually(t, func() bool { return openSockets(t) == 1 }, 10*time.Second, 10*time.Millisecond,
		"sockets open: %d", openSockets(t))
	assert.Zero(t, ts.busy.Load())

	c := dial(t, ts) // and it still serves
	c.send(t, get("/"))
	resp, _ := c.response(t)
	assert.Equal(t, 200, resp.StatusCode)
}
