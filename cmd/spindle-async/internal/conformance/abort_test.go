package conformance

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// checkEnded asserts what must hold of a body's log however it ended
// (finished, or aborted anywhere): every future it awaited was either
// Ready or cancelled, once, before the next was made; no future was
// cancelled twice; every deferred call ran at most once, and the first
// registered ran exactly once if the body started.
func checkEnded(t require.TestingT, name string, log []string) {
	pending := ""
	started := false
	seen := map[string]bool{}
	for _, l := range log {
		switch {
		case strings.HasPrefix(l, "make "):
			require.Empty(t, pending, "%s: %q made while %q in flight: %v", name, l, pending, log)
			pending = strings.TrimPrefix(l, "make ")
			started = true
		case strings.HasPrefix(l, "done "), strings.HasPrefix(l, "cancel "):
			_, n, _ := strings.Cut(l, " ")
			require.Equal(t, pending, n, "%s: %q: %v", name, l, log)
			pending = ""
		case strings.HasPrefix(l, "second cancel"):
			require.Fail(t, name+": cancelled twice", "%v", log)
		case strings.HasPrefix(l, "deferred add"), strings.HasPrefix(l, "first registered"),
			strings.HasPrefix(l, "loop defer"), strings.HasPrefix(l, "n at defer time"):
			require.False(t, seen[l], "%s: deferred call ran twice: %q in %v", name, l, log)
			seen[l] = true
		case l == "start":
			started = true
		}
	}
	require.Empty(t, pending, "%s: the future in flight was neither finished nor cancelled: %v", name, log)
	if started && (strings.HasPrefix(name, "defers") || strings.HasPrefix(name, "loopDefers")) {
		require.True(t, seen["deferred add"] || seen["first registered, last run"],
			"%s: the first deferred call did not run: %v", name, log)
	}
}

// abortAfter yields n times, then aborts its target.
type abortAfter struct {
	n     int
	abort func()
}

func (f *abortAfter) Poll(cx *future.Context) future.Poll[struct{}] {
	if f.n > 0 {
		f.n--
		future.WakeFrom(cx, cx.Waker())
		return future.Pending[struct{}]()
	}
	f.abort()
	return future.Ready(struct{}{})
}

// TestAbortAnywherePooltest aborts a body, compiled or on a coroutine,
// after a random number of scheduling steps, over 1000 seeds.
func TestAbortAnywherePooltest(t *testing.T) {
	seeds := 1000
	if testing.Short() {
		seeds = 100
	}
	cs := cases()
	pooltest.RunSeeds(t, seeds, func(s *pooltest.Sched) {
		c := cs[s.Rand().IntN(len(cs))]
		e := &Env{Delay: func() int { return s.Rand().IntN(3) }}
		f, way := c.compiled(e), "compiled"
		if s.Rand().IntN(2) == 0 {
			f, way = c.coroutine(e), "coroutine"
		}
		h := pooltest.SpawnJoin(s, f)
		pooltest.Spawn(s, &abortAfter{n: s.Rand().IntN(8), abort: h.Abort})
		s.Wait()
		r, ok := h.Value()
		require.True(s, ok)
		if r.Err != nil {
			require.ErrorIs(s, r.Err, pool.ErrAborted)
		}
		checkEnded(s, way+" "+c.name, e.Log)
	})
}

// TestAbortAnywherePool does the same on the real pool, from the test's
// goroutine while the task runs on a worker.
func TestAbortAnywherePool(t *testing.T) {
	p, err := pool.New(pool.WithWorkers(2))
	require.NoError(t, err)
	defer p.Shutdown(context.Background())
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 10 {
		for i, c := range cases() {
			r := rand.New(rand.NewPCG(uint64(round), uint64(i)))
			e := &Env{Delay: func() int { return r.IntN(3) }}
			f, way := c.compiled(e), "compiled"
			if rng.IntN(2) == 0 {
				f, way = c.coroutine(e), "coroutine"
			}
			h := pool.Spawn(p, f)
			for range rng.IntN(4) {
				runtime.Gosched()
			}
			h.Abort()
			_, err := h.Wait(context.Background())
			if err != nil && !errors.Is(err, pool.ErrAborted) {
				require.NoError(t, err, c.name)
			}
			checkEnded(t, way+" "+c.name, e.Log)
		}
	}
}
