package pooldebug_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
)

// newPool starts a pool that is shut down when the test ends.
func newPool(t *testing.T, opts ...pool.Option) *pool.Pool {
	t.Helper()
	p, err := pool.New(opts...)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = p.Shutdown(ctx)
	})
	return p
}

// nextLine returns the file of its caller and the line after the call.
func nextLine() (string, int) {
	_, file, line, _ := runtime.Caller(1)
	return file, line + 1
}

// spinner yields (waking itself) until stop is set: always scheduled or
// running, never stuck.
type spinner struct{ stop atomic.Bool }

func (s *spinner) Poll(cx *future.Context) future.Poll[int] {
	if s.stop.Load() {
		return future.Ready(0)
	}
	cx.Waker().Wake()
	return future.Pending[int]()
}

// abortAndWait aborts h and waits until it completed.
func abortAndWait(t *testing.T, h *pool.JoinHandle[int]) {
	h.Abort()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := h.Wait(ctx)
	require.ErrorIs(t, err, pool.ErrAborted)
}
