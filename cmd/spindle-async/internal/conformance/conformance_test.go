package conformance

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// outcome is how a run by hand ended.
type outcome struct {
	Value    string
	Ready    bool
	Panicked bool
	Panic    any
	Log      []string
}

func pollOnce(f future.Future[string], cx *future.Context) (p future.Poll[string], panicked bool, val any) {
	defer func() {
		if r := recover(); r != nil {
			panicked, val = true, r
		}
	}()
	return f.Poll(cx), false, nil
}

// drive polls f by hand until it is Ready or panics, at most polls times.
// After a panic it cancels f, as the pool does (see future.Adopter): the
// future the panicking poll left in flight is cancelled by then, during
// the unwinding or by that Cancel.
func drive(f future.Future[string], e *Env, polls int) outcome {
	cx := future.NewContext(nil)
	var o outcome
	for range polls {
		p, panicked, val := pollOnce(f, cx)
		if panicked {
			o.Panicked, o.Panic = true, val
			future.Cancel(f)
			break
		}
		if v, ok := p.Value(); ok {
			o.Value, o.Ready = v, true
			break
		}
	}
	o.Log = append([]string(nil), e.Log...)
	return o
}

// made returns the names of the futures a run created, in order.
func made(log []string) []string {
	var out []string
	for _, l := range log {
		if n, ok := strings.CutPrefix(l, "make "); ok {
			out = append(out, n)
		}
	}
	return out
}

func TestSameResultsByHand(t *testing.T) {
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			e1, e2 := &Env{}, &Env{}
			got := drive(c.compiled(e1), e1, 100)
			want := drive(c.coroutine(e2), e2, 100)
			require.True(t, want.Ready, "the coroutine version did not finish: %+v", want)
			assert.Equal(t, want, got)
		})
	}
}

// TestPanicAtEveryAwait makes each awaited future panic in turn: the
// compiled future must panic with the same value, or recover it the same
// way, after the same side effects, with its deferred calls run once.
func TestPanicAtEveryAwait(t *testing.T) {
	for _, c := range cases() {
		e := &Env{}
		drive(c.coroutine(e), e, 100)
		for _, name := range made(e.Log) {
			t.Run(c.name+"/"+name, func(t *testing.T) {
				e1, e2 := &Env{PanicOn: name}, &Env{PanicOn: name}
				got := drive(c.compiled(e1), e1, 100)
				want := drive(c.coroutine(e2), e2, 100)
				assert.Equal(t, want, got)
				assert.True(t, got.Panicked || got.Ready)
			})
		}
	}
}

// TestCancelAtEveryAwait stops each body at each of its awaits in turn
// and cancels it there: the awaited future is cancelled once, the
// deferred calls run once, in the coroutine's order.
func TestCancelAtEveryAwait(t *testing.T) {
	for _, c := range cases() {
		e := &Env{}
		drive(c.coroutine(e), e, 100)
		for k := range len(made(e.Log)) {
			t.Run(fmt.Sprintf("%s/%d", c.name, k+1), func(t *testing.T) {
				e1, e2 := &Env{Hold: k + 1}, &Env{Hold: k + 1}
				f1, f2 := c.compiled(e1), c.coroutine(e2)
				got := drive(f1, e1, 10)
				want := drive(f2, e2, 10)
				require.False(t, want.Ready || want.Panicked, "the body did not stop at await %d", k+1)
				require.Equal(t, want, got)
				future.Cancel(f1)
				future.Cancel(f2)
				assert.Equal(t, e2.Log, e1.Log)
				held := made(e1.Log)[k]
				assert.Equal(t, 1, count(e1.Log, "cancel "+held), "the future in flight is cancelled once")
				for _, l := range e1.Log {
					assert.NotContains(t, l, "second cancel")
				}
				n := len(e1.Log)
				future.Cancel(f1) // a second Cancel does nothing
				assert.Len(t, e1.Log, n)
				var me *future.MisuseError
				_, panicked, val := pollOnce(f1, future.NewContext(nil))
				require.True(t, panicked)
				require.ErrorAs(t, val.(error), &me)
			})
		}
	}
}

func count(log []string, s string) int {
	n := 0
	for _, l := range log {
		if l == s {
			n++
		}
	}
	return n
}

// TestSameResultsPooltest runs every case both ways, side by side, on the
// deterministic executor over many seeds, with awaited futures that stay
// pending for a random number of polls.
func TestSameResultsPooltest(t *testing.T) {
	seeds := 1000
	if testing.Short() {
		seeds = 100
	}
	cs := cases()
	pooltest.RunSeeds(t, seeds, func(s *pooltest.Sched) {
		delay := func() int {
			if s.Rand().IntN(2) == 0 {
				return 0
			}
			return s.Rand().IntN(3)
		}
		c := cs[s.Rand().IntN(len(cs))]
		e1, e2 := &Env{Delay: delay}, &Env{Delay: delay}
		h1 := pooltest.Spawn(s, c.compiled(e1))
		h2 := pooltest.Spawn(s, c.coroutine(e2))
		s.Wait()
		v1, ok1 := h1.Value()
		v2, ok2 := h2.Value()
		require.True(s, ok1 && ok2)
		require.Equal(s, v2, v1, c.name)
		require.Equal(s, e2.Log, e1.Log, c.name)
	})
}

// TestSameResultsPool runs every case both ways on the real pool, where
// wakes and polls come from several workers.
func TestSameResultsPool(t *testing.T) {
	p, err := pool.New(pool.WithWorkers(2))
	require.NoError(t, err)
	defer p.Shutdown(context.Background())
	for round := range 20 {
		for i, c := range cases() {
			r1 := rand.New(rand.NewPCG(uint64(round), uint64(i)))
			r2 := rand.New(rand.NewPCG(uint64(round), uint64(i)))
			e1 := &Env{Delay: func() int { return r1.IntN(3) }}
			e2 := &Env{Delay: func() int { return r2.IntN(3) }}
			if round%5 == 4 {
				if names := made(runPlain(c)); len(names) > 0 {
					e1.PanicOn = names[round%len(names)]
					e2.PanicOn = e1.PanicOn
				}
			}
			h1 := pool.Spawn(p, c.compiled(e1))
			h2 := pool.Spawn(p, c.coroutine(e2))
			v1, err1 := h1.Wait(context.Background())
			v2, err2 := h2.Wait(context.Background())
			require.Equal(t, v2, v1, c.name)
			require.Equal(t, panicValue(err2), panicValue(err1), c.name)
			require.Equal(t, e2.Log, e1.Log, c.name)
		}
	}
}

func runPlain(c bodyCase) []string {
	e := &Env{}
	drive(c.coroutine(e), e, 100)
	return e.Log
}

func panicValue(err error) any {
	var pe *pool.PanicError
	if errors.As(err, &pe) {
		return pe.Value
	}
	return err
}

// TestSpawnFromPool: a body spawns a task on its worker with
// pool.SpawnFrom(a.Context(), ...) and awaits its JoinHandle, both ways.
func TestSpawnFromPool(t *testing.T) {
	p, err := pool.New(pool.WithWorkers(2))
	require.NoError(t, err)
	defer p.Shutdown(context.Background())
	c := two("spawn", spawn, spawnBody)
	for range 50 {
		e1, e2 := &Env{}, &Env{}
		v1, err1 := pool.Spawn(p, c.compiled(e1)).Wait(context.Background())
		v2, err2 := pool.Spawn(p, c.coroutine(e2)).Wait(context.Background())
		require.NoError(t, err1)
		require.NoError(t, err2)
		require.Equal(t, v2, v1)
		require.Equal(t, e2.Log, e1.Log)
		require.Contains(t, v1, "<nil>")
	}
}
