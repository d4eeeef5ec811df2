//go:build linux

package count

import (
	"context"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fullBacklog returns the address of a listening socket that never
// accepts and whose backlog is full, so that a further connect waits for
// an answer to its SYN that never comes.
func fullBacklog(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	require.NoError(t, err)
	t.Cleanup(func() { _ = syscall.Close(fd) })
	require.NoError(t, syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	require.NoError(t, syscall.Listen(fd, 0))
	sa, err := syscall.Getsockname(fd)
	require.NoError(t, err)
	addr := (&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: sa.(*syscall.SockaddrInet4).Port}).String()
	// Fill the queue: connects that complete are queued until it is full;
	// the first that does not complete in a moment proves it is.
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			require.True(t, isTimeout(err), "the backlog is full: the connect waits, got %v", err)
			return addr
		}
		t.Cleanup(func() { _ = c.Close() })
	}
}

// TestClientGivesUpOnConnectTimeout runs every client against a server
// whose backlog is full: the connect times out and the client gives up.
func TestClientGivesUpOnConnectTimeout(t *testing.T) {
	addr := fullBacklog(t)
	for _, cf := range clientFlavours {
		t.Run(cf.name, func(t *testing.T) {
			const m = 2
			rec := NewRecorder(nil)
			err := RunClient(context.Background(), ClientConfig{Mode: cf.mode, Alt: cf.alt, Addr: addr, N: 1000, M: m,
				Timeout: 200 * time.Millisecond}, rec)
			var te *TimeoutError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, "connect", te.Op)
			assert.Equal(t, "no connection to "+addr+" within 200ms (timeout)", err.Error())
			rep := rec.Report(1000, time.Second)
			assert.Empty(t, rep.Values)
			assert.LessOrEqual(t, rep.Errors, m)
		})
	}
}
