package count

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryServerWithEveryClient runs each client mode against each server
// mode and checks the protocol's promise: a lone client of a fresh server
// gets every value from 0 to n-1 exactly once.
func TestEveryServerWithEveryClient(t *testing.T) {
	for _, sf := range serverFlavours {
		for _, cf := range clientFlavours {
			t.Run(fmt.Sprintf("server=%v/client=%v", sf.name, cf.name), func(t *testing.T) {
				srv := startServer(t, ServerConfig{Mode: sf.mode, Alt: sf.alt})
				rep := runClient(t, context.Background(), ClientConfig{
					Mode: cf.mode, Alt: cf.alt, Addr: srv.Addr().String(), N: matrixN, M: 8})
				require.NoError(t, rep.Verify())
				lo, hi := rep.Range()
				assert.Equal(t, uint64(0), lo)
				assert.Equal(t, uint64(matrixN-1), hi)
				require.NoError(t, srv.stop(t))
				assert.Equal(t, uint64(matrixN), srv.Count(), "the server counted every connection once")
			})
		}
	}
}

func TestThreadServerWithCap(t *testing.T) {
	srv := startServer(t, ServerConfig{Mode: Thread, MaxInFlight: 2})
	rep := runClient(t, context.Background(), ClientConfig{Mode: Thread, Addr: srv.Addr().String(), N: 2000, M: 16})
	require.NoError(t, rep.Verify())
}

// TestClientGivesUpOnRefusedConnection runs every client against a port
// nobody listens on: the first refusal stops the run, so only the
// transactions already in flight (at most M) are attempted, not all N.
func TestClientGivesUpOnRefusedConnection(t *testing.T) {
	addr := deadAddr(t)
	for _, cf := range clientFlavours {
		t.Run(cf.name, func(t *testing.T) {
			const m = 4
			rec := NewRecorder(nil)
			err := RunClient(context.Background(), ClientConfig{Mode: cf.mode, Alt: cf.alt, Addr: addr, N: 100_000, M: m}, rec)
			var gu *GiveUpError
			require.ErrorAs(t, err, &gu)
			assert.ErrorIs(t, err, syscall.ECONNREFUSED)
			assert.Equal(t, "connection to "+addr+" refused: no server is listening there", err.Error())
			rep := rec.Report(100_000, time.Second)
			assert.Empty(t, rep.Values)
			assert.Positive(t, rep.Errors)
			assert.LessOrEqual(t, rep.Errors, m, "no transaction starts after the first refusal")
		})
	}
}

func TestClientConfigErrors(t *testing.T) {
	rec := NewRecorder(nil)
	assert.Error(t, RunClient(context.Background(), ClientConfig{Mode: Thread, N: 1, M: 0}, rec))
	assert.Error(t, RunClient(context.Background(), ClientConfig{Mode: Async, N: 1, M: 0}, rec))
	assert.Error(t, RunClient(context.Background(), ClientConfig{Mode: Mode(9), N: 1, M: 1}, rec))
	assert.Error(t, RunClient(context.Background(), ClientConfig{Mode: Seq, N: -1, M: 1}, rec))
	assert.EqualError(t, RunClient(context.Background(), ClientConfig{Mode: Thread, Alt: true, N: 1, M: 1}, rec),
		"count: no alt thread client", "as in the Rust demo")
	assert.EqualError(t, RunClient(context.Background(), ClientConfig{Mode: Seq, Alt: true, N: 1, M: 1}, rec),
		"count: no alt seq client")
	_, err := Listen("127.0.0.1:0", ServerConfig{Mode: Mode(0)})
	assert.Error(t, err)
}

func TestServeTwiceAndClose(t *testing.T) {
	for _, sm := range Modes {
		t.Run(sm.String(), func(t *testing.T) {
			srv, err := Listen("127.0.0.1:0", ServerConfig{Mode: sm})
			require.NoError(t, err)
			require.NoError(t, srv.Close())
			assert.ErrorIs(t, srv.Serve(context.Background()), ErrServed, "a closed server does not serve")

			srv, err = Listen("127.0.0.1:0", ServerConfig{Mode: sm})
			require.NoError(t, err)
			done, cancel := context.WithCancel(context.Background())
			cancel()
			assert.NoError(t, srv.Serve(done), "a server whose context is done returns at once")
			assert.ErrorIs(t, srv.Serve(context.Background()), ErrServed)
			assert.NoError(t, srv.Close(), "Close after Serve does nothing")
		})
	}
}
