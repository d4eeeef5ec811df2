package bench

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
)

// yieldN wakes itself and is Pending n times, then Ready with its poll count.
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

// spawnChildren spawns n children with SpawnFrom at its first poll and is
// Ready with how many it joined.
type spawnChildren struct {
	n      int
	joined future.Future[future.Result[[]int]]
}

func (s *spawnChildren) Poll(cx *future.Context) future.Poll[int] {
	if s.joined == nil {
		hs := make([]future.Future[future.Result[int]], s.n)
		for i := range hs {
			hs[i] = pool.SpawnFrom(cx, future.Done(1))
		}
		s.joined = future.TryJoin(hs...)
	}
	r, ok := s.joined.Poll(cx).Value()
	if !ok {
		return future.Pending[int]()
	}
	vs, _ := r.Get()
	return future.Ready(len(vs))
}

// wait waits for h, failing the test if it has not completed in 20 s.
func wait[T any](t testing.TB, h *pool.JoinHandle[T]) (T, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	v, err := h.Wait(ctx)
	require.NotErrorIs(t, err, context.DeadlineExceeded, "task did not complete")
	return v, err
}
