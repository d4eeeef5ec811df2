package count

import (
	"context"
	"io"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGracefulShutdownUnderLoad stops each server while a client hammers
// it. Every connection the server accepted must be answered (graceful), so
// the values the client got are exactly 0..Count()-1: nothing lost, nothing
// twice. The transactions after the stop are refused, and the client gives
// up.
func TestGracefulShutdownUnderLoad(t *testing.T) {
	for _, sm := range Modes {
		t.Run(sm.String(), func(t *testing.T) {
			srv := startServer(t, ServerConfig{Mode: sm})
			rec := NewRecorder(nil)
			cfg := ClientConfig{Mode: Thread, Addr: srv.Addr().String(), N: 1 << 30, M: 8, Timeout: 5 * time.Second}
			cctx, stopClient := context.WithCancel(context.Background())
			clientDone := make(chan error, 1)
			go func() { clientDone <- RunClient(cctx, cfg, rec) }()

			require.Eventually(t, func() bool { return rec.Done() >= 500 }, 30*time.Second, time.Millisecond)
			require.NoError(t, srv.stop(t))
			final := srv.Count()
			defer stopClient()
			err := <-clientDone
			var gu *GiveUpError
			require.ErrorAs(t, err, &gu, "the client gives up on its own")
			assert.ErrorIs(t, err, syscall.ECONNREFUSED)

			rep := rec.Report(0, time.Second)
			require.NotEmpty(t, rep.Values)
			assert.Zero(t, rep.Duplicates())
			assert.Equal(t, int(final), len(rep.Values), "every accepted connection was answered")
			lo, hi := rep.Range()
			assert.Equal(t, uint64(0), lo)
			assert.Equal(t, final-1, hi)
			assert.Positive(t, rep.Errors)
		})
	}
}

// TestServerSurvivesResets mixes clients that reset their connection at
// once (SO_LINGER 0) with a verifying client. The server must keep
// answering, and the verifying client must see distinct values.
func TestServerSurvivesResets(t *testing.T) {
	for _, sm := range Modes {
		t.Run(sm.String(), func(t *testing.T) {
			srv := startServer(t, ServerConfig{Mode: sm})
			addr := srv.Addr().String()
			stop := make(chan struct{})
			var resets atomic.Int64
			var wg sync.WaitGroup
			for range 2 {
				wg.Go(func() {
					for {
						select {
						case <-stop:
							return
						default:
						}
						c, err := net.Dial("tcp", addr)
						if err != nil {
							continue
						}
						_ = c.(*net.TCPConn).SetLinger(0)
						_ = c.Close() // RST, possibly before the server wrote
						resets.Add(1)
					}
				})
			}
			rep := runClient(t, context.Background(), ClientConfig{Mode: Thread, Addr: addr, N: 2000, M: 4})
			close(stop)
			wg.Wait()
			assert.Zero(t, rep.Errors, "first error: %v", rep.FirstErr)
			assert.Len(t, rep.Values, 2000)
			assert.Zero(t, rep.Duplicates())
			assert.Positive(t, resets.Load())

			// Still serving, and still counting from where it was. Reset
			// connections still in the accept backlog may take values in
			// between, so the values are distinct but need not be
			// contiguous.
			before := srv.Count()
			after := runClient(t, context.Background(), ClientConfig{Mode: Seq, Addr: addr, N: 10})
			assert.Zero(t, after.Errors, "first error: %v", after.FirstErr)
			assert.Len(t, after.Values, 10)
			assert.Zero(t, after.Duplicates())
			lo, _ := after.Range()
			assert.GreaterOrEqual(t, lo, before, "counting goes on from where it was")
		})
	}
}

// TestServerSurvivesClientsThatNeverRead holds connections open without
// reading while a verifying client runs. Once read, the held connections'
// values and the client's are all distinct and together contiguous: the
// idle readers stalled nothing and lost nothing.
func TestServerSurvivesClientsThatNeverRead(t *testing.T) {
	const held = 64
	for _, sm := range Modes {
		t.Run(sm.String(), func(t *testing.T) {
			srv := startServer(t, ServerConfig{Mode: sm})
			addr := srv.Addr().String()
			var conns []net.Conn
			for range held {
				c, err := net.Dial("tcp", addr)
				require.NoError(t, err)
				conns = append(conns, c)
			}
			rep := runClient(t, context.Background(), ClientConfig{Mode: Thread, Addr: addr, N: 1000, M: 4})
			require.Zero(t, rep.Errors, "first error: %v", rep.FirstErr)

			all := slices.Clone(rep.Values)
			for _, c := range conns {
				require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
				b, err := io.ReadAll(c)
				require.NoError(t, err)
				v, err := ParseReply(b)
				require.NoError(t, err)
				all = append(all, v)
				require.NoError(t, c.Close())
			}
			both := &Report{Requested: held + 1000, Values: all}
			require.NoError(t, both.Verify())
			lo, hi := both.Range()
			assert.Equal(t, uint64(0), lo)
			assert.Equal(t, uint64(held+1000-1), hi)
		})
	}
}
