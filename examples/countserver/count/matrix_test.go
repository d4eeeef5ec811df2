package count

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryServerWithEveryClient runs each client mode against each server
// mode and checks the protocol's promise: a lone client of a fresh server
// gets every value from 0 to n-1 exactly once.
func TestEveryServerWithEveryClient(t *testing.T) {
	for _, sm := range Modes {
		for _, cm := range Modes {
			t.Run(fmt.Sprintf("server=%v/client=%v", sm, cm), func(t *testing.T) {
				srv := startServer(t, ServerConfig{Mode: sm})
				rep := runClient(t, context.Background(), ClientConfig{
					Mode: cm, Addr: srv.Addr().String(), N: matrixN, M: 8})
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

func TestClientAgainstDeadPortRecordsErrors(t *testing.T) {
	addr := deadAddr(t)
	for _, cm := range Modes {
		t.Run(cm.String(), func(t *testing.T) {
			rep := runClient(t, context.Background(), ClientConfig{Mode: cm, Addr: addr, N: 50, M: 4})
			assert.Equal(t, 50, rep.Errors)
			assert.Empty(t, rep.Values)
			assert.ErrorContains(t, rep.FirstErr, "refused")
			assert.Error(t, rep.Verify())
		})
	}
}

func TestClientConfigErrors(t *testing.T) {
	rec := NewRecorder(nil)
	assert.Error(t, RunClient(context.Background(), ClientConfig{Mode: Thread, N: 1, M: 0}, rec))
	assert.Error(t, RunClient(context.Background(), ClientConfig{Mode: Async, N: 1, M: 0}, rec))
	assert.Error(t, RunClient(context.Background(), ClientConfig{Mode: Mode(9), N: 1, M: 1}, rec))
	assert.Error(t, RunClient(context.Background(), ClientConfig{Mode: Seq, N: -1, M: 1}, rec))
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
