package pool_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
	"github.com/stretchr/testify/require"
)

// newPool starts a pool and shuts it down, checking it drained, when the
// test ends.
func newPool(t testing.TB, opts ...pool.Option) *pool.Pool {
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

// readyF returns a future that is ready with v at its first poll.
func readyF[T any](v T) future.Future[T] {
	return future.Func[T](func(*future.Context) future.Poll[T] { return future.Ready(v) })
}

// never is a future that stays pending and never wakes anyone.
type never struct{}

func (never) Poll(*future.Context) future.Poll[struct{}] { return future.Pending[struct{}]() }

// event is a one-shot signal: its future is pending until Set, which
// wakes the waker of the future's last poll.
type event struct {
	mu    sync.Mutex
	set   bool
	waker future.Waker
}

func (e *event) Set() {
	e.mu.Lock()
	e.set = true
	w := e.waker
	e.waker = nil
	e.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

func (e *event) Poll(cx *future.Context) future.Poll[struct{}] {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.set {
		return future.Ready(struct{}{})
	}
	e.waker = cx.Waker()
	return future.Pending[struct{}]()
}

// yieldN is a future that yields n times (waking itself), then is ready
// with the number of polls it saw.
type yieldN struct {
	n, polls int
}

func (y *yieldN) Poll(cx *future.Context) future.Poll[int] {
	y.polls++
	if y.polls > y.n {
		return future.Ready(y.polls)
	}
	cx.Waker().Wake()
	return future.Pending[int]()
}

// awaitAll is a task that awaits handles in order and sums their values.
type awaitAll struct {
	hs  []*pool.JoinHandle[int]
	i   int
	sum int
}

func (a *awaitAll) Poll(cx *future.Context) future.Poll[int] {
	for a.i < len(a.hs) {
		r, ok := a.hs[a.i].Poll(cx).Value()
		if !ok {
			return future.Pending[int]()
		}
		v, err := r.Get()
		if err != nil {
			panic(err)
		}
		a.sum += v
		a.i++
	}
	return future.Ready(a.sum)
}

func wait[T any](t testing.TB, h *pool.JoinHandle[T]) (T, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	v, err := h.Wait(ctx)
	require.NotErrorIs(t, err, context.DeadlineExceeded, "task did not complete")
	return v, err
}
