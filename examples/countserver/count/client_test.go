package count

import (
	"context"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// silentServer accepts connections and never answers; it holds them until
// the test ends. It returns its address and a function that reports how
// many connections it has accepted.
func silentServer(t *testing.T) (string, func() int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var mu sync.Mutex
	var held []net.Conn
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		wg.Wait()
		for _, c := range held {
			_ = c.Close()
		}
	})
	return ln.Addr().String(), func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(held)
	}
}

// TestClientTimesOutOnSilentServer runs every client against a server
// that accepts and never answers: the transactions in flight fail with a
// reply timeout and the client gives up instead of hanging.
func TestClientTimesOutOnSilentServer(t *testing.T) {
	addr, _ := silentServer(t)
	for _, cf := range clientFlavours {
		t.Run(cf.name, func(t *testing.T) {
			const m = 3
			rec := NewRecorder(nil)
			err := RunClient(context.Background(), ClientConfig{Mode: cf.mode, Alt: cf.alt, Addr: addr, N: 1000, M: m,
				Timeout: 200 * time.Millisecond}, rec)
			var gu *GiveUpError
			require.ErrorAs(t, err, &gu)
			var te *TimeoutError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, "reply", te.Op)
			assert.Equal(t, 200*time.Millisecond, te.After)
			assert.Equal(t, "server "+addr+" accepted but sent no complete reply within 200ms (timeout)", err.Error())
			rep := rec.Report(1000, time.Second)
			assert.Empty(t, rep.Values)
			assert.LessOrEqual(t, rep.Errors, m, "no transaction starts after the first timeout")
		})
	}
}

// TestClientAbandonsInFlightAfterGrace stops a client whose transactions
// wait on a server that never answers, with a timeout far longer than the
// grace: the stop must end them when the grace runs out, as abandoned.
func TestClientAbandonsInFlightAfterGrace(t *testing.T) {
	for _, cf := range clientFlavours {
		t.Run(cf.name, func(t *testing.T) {
			addr, accepted := silentServer(t)
			const m = 2
			inFlight := m
			if cf.mode == Seq {
				inFlight = 1
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			rec := NewRecorder(nil)
			done := make(chan error, 1)
			go func() {
				done <- RunClient(ctx, ClientConfig{Mode: cf.mode, Alt: cf.alt, Addr: addr, N: 1000, M: m,
					Timeout: time.Hour, Grace: 50 * time.Millisecond}, rec)
			}()
			require.Eventually(t, func() bool { return accepted() == inFlight }, 10*time.Second, time.Millisecond)
			cancel()
			require.NoError(t, <-done, "a stop is not a give-up")
			rep := rec.Report(1000, time.Second)
			assert.Empty(t, rep.Values)
			assert.Equal(t, inFlight, rep.Errors, "the transactions in flight are abandoned; no other starts")
			assert.ErrorIs(t, rep.FirstErr, ErrAbandoned)
		})
	}
}

// lineServer answers every connection with reply, to test what clients
// accept.
func lineServer(t *testing.T, reply string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = io.WriteString(c, reply)
			_ = c.Close()
		}
	})
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	return ln.Addr().String()
}

// TestClientsReadBothRustLineEnds runs every client against servers that
// answer in each form the Rust demo's servers use ("N\r\n", and "N\n\n"
// from its default seq and thread servers), and in malformed ones, which
// every client must refuse as ErrBadReply.
func TestClientsReadBothRustLineEnds(t *testing.T) {
	for _, reply := range []string{"42\r\n", "42\n\n"} {
		addr := lineServer(t, reply)
		for _, cf := range clientFlavours {
			t.Run(strconv.Quote(reply)+"/"+cf.name, func(t *testing.T) {
				rep := runClient(t, context.Background(), ClientConfig{Mode: cf.mode, Alt: cf.alt, Addr: addr, N: 5, M: 2})
				assert.Zero(t, rep.Errors, "first: %v", rep.FirstErr)
				assert.Equal(t, []uint64{42, 42, 42, 42, 42}, rep.Values)
			})
		}
	}
	for _, reply := range []string{"42\n", "42\r", "42", "42\n\r", "42\r\n\r\n", "042\r\n", "4 2\r\n", "x\r\n", "\r\n",
		"18446744073709551616\r\n", "123456789012345678901\r\n"} {
		addr := lineServer(t, reply)
		for _, cf := range clientFlavours {
			t.Run(strconv.Quote(reply)+"/"+cf.name, func(t *testing.T) {
				rep := runClient(t, context.Background(), ClientConfig{Mode: cf.mode, Alt: cf.alt, Addr: addr, N: 5, M: 2})
				assert.Empty(t, rep.Values)
				assert.Equal(t, 5, rep.Errors, "a malformed reply fails its transaction, not the run")
				if len(reply) <= MaxReply {
					assert.ErrorIs(t, rep.FirstErr, ErrBadReply)
				} else {
					assert.ErrorIs(t, rep.FirstErr, ErrReplyTooLong)
				}
			})
		}
	}
}
