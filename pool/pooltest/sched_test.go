package pooltest_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// trace runs three tasks that each log their steps and returns the
// interleaving.
func trace(t *testing.T, seed uint64, opts ...pooltest.Option) string {
	var b strings.Builder
	pooltest.Run(t, seed, func(s *pooltest.Sched) {
		for id := range 3 {
			pooltest.Spawn(s, yields(4, id, func(i int) { fmt.Fprintf(&b, "%d.%d ", id, i) }))
		}
	}, opts...)
	return b.String()
}

func TestSameSeedSameSchedule(t *testing.T) {
	for seed := range uint64(50) {
		require.Equal(t, trace(t, seed), trace(t, seed), "seed %d", seed)
		require.Equal(t, trace(t, seed, pooltest.PCT(3, 12)), trace(t, seed, pooltest.PCT(3, 12)), "PCT seed %d", seed)
	}
}

func TestSeedsExploreDifferentSchedules(t *testing.T) {
	seen := map[string]bool{}
	for seed := range uint64(200) {
		seen[trace(t, seed)] = true
	}
	// 3 tasks of 4 steps have 12!/(4!^3) = 34650 interleavings.
	assert.Greater(t, len(seen), 150, "200 seeds gave only %d schedules", len(seen))
}

func TestHandlesAwaitEachOther(t *testing.T) {
	pooltest.RunSeeds(t, 300, func(s *pooltest.Sched) {
		a := pooltest.Spawn(s, yields(3, 20, nil))
		b := pooltest.Spawn(s, future.Map[int](a, func(v int) int { return v + 1 }))
		c := pooltest.Spawn(s, future.Func[int](func(cx *future.Context) future.Poll[int] {
			// Spawning from inside a task works too.
			h := pooltest.Spawn(s, future.Done(21))
			_ = h
			return future.Ready(1)
		}))
		got := pooltest.BlockOn(s, future.Join2[int, int](b, c))
		require.Equal(s, 21, got.First)
		require.Equal(s, 1, got.Second)
		v, ok := a.Value()
		require.True(s, ok)
		require.Equal(s, 20, v)
	})
}

func TestWakesFromOtherGoroutines(t *testing.T) {
	pooltest.RunSeeds(t, 30, func(s *pooltest.Sched) {
		const n = 20
		var wg sync.WaitGroup
		total := 0
		for i := range n {
			var mu sync.Mutex
			open := false
			var w future.Waker
			h := pooltest.Spawn(s, future.Func[int](func(cx *future.Context) future.Poll[int] {
				mu.Lock()
				defer mu.Unlock()
				if open {
					return future.Ready(i)
				}
				w = cx.Waker()
				return future.Pending[int]()
			}))
			wg.Go(func() {
				time.Sleep(time.Duration(i%3) * time.Millisecond)
				mu.Lock()
				open = true
				ww := w
				mu.Unlock()
				if ww != nil {
					ww.Wake()
				}
			})
			pooltest.Spawn(s, future.Map[int](h, func(v int) int { total += v; return v }))
		}
		s.Wait()
		wg.Wait()
		require.Equal(s, n*(n-1)/2, total)
	})
}

func TestDeadlockNamesPendingTasksAndSeed(t *testing.T) {
	f := pooltest.Explore([]uint64{7}, func(s *pooltest.Sched) {
		pooltest.Spawn(s, future.Never[int]()) // line of the first spawn site
		pooltest.Spawn(s, yields(2, 0, nil))
	}, pooltest.IdleTimeout(time.Millisecond))
	require.NotNil(t, f)
	require.Equal(t, uint64(7), f.Seed)
	msg := f.Error()
	assert.Contains(t, msg, "seed=7")
	assert.Contains(t, msg, "pooltest.Run(t, 7, ...)")
	assert.Contains(t, msg, "deadlock: 1 tasks pending")
	assert.Contains(t, msg, "task 1 spawned at sched_test.go:")
	assert.NotContains(t, msg, "task 2 spawned")
}

func TestPanicInTaskIsReportedWithSite(t *testing.T) {
	f := pooltest.Explore([]uint64{1}, func(s *pooltest.Sched) {
		pooltest.Spawn(s, future.Lazy(func() int { panic("boom") }))
	})
	require.NotNil(t, f)
	assert.Contains(t, f.Error(), "panicked with string: boom")
	assert.Contains(t, f.Error(), "spawned at sched_test.go:")
}

func TestAssertionsInTasksFailTheRun(t *testing.T) {
	ran := 0
	f := pooltest.Explore(pooltest.Seeds(1, 10), func(s *pooltest.Sched) {
		s.Logf("log line of seed %d", s.Seed())
		pooltest.Spawn(s, future.Lazy(func() int {
			ran++
			require.Equal(s, 1, 2, "in task")
			t.Error("FailNow did not stop the task")
			return 0
		}))
		pooltest.Spawn(s, yields(1000, 0, nil))
	})
	require.NotNil(t, f)
	assert.Equal(t, uint64(1), f.Seed, "the first seed fails")
	assert.Equal(t, 1, ran)
	assert.Contains(t, f.Error(), "in task")
	assert.Contains(t, f.Error(), "log line of seed 1")
}

func TestErrorfLetsTheRunContinue(t *testing.T) {
	finished := false
	f := pooltest.Explore([]uint64{3}, func(s *pooltest.Sched) {
		pooltest.Spawn(s, future.Lazy(func() int { s.Errorf("first"); return 0 }))
		pooltest.Spawn(s, yields(5, 0, func(int) {}))
		s.Wait()
		finished = true
		s.Error("second")
	})
	require.NotNil(t, f)
	assert.True(t, finished)
	assert.Equal(t, []string{"first", "second"}, f.Messages)
}

func TestLivelockIsReported(t *testing.T) {
	f := pooltest.Explore([]uint64{1}, func(s *pooltest.Sched) {
		pooltest.Spawn(s, yields(1<<30, 0, nil))
	}, pooltest.MaxSteps(1000))
	require.NotNil(t, f)
	assert.Contains(t, f.Error(), "livelock: 1000 polls")
}

// TestSpuriousPollsHappen checks that a pending task is polled without a
// wake, so that futures are tested against it.
func TestSpuriousPollsHappen(t *testing.T) {
	spurious := 0
	pooltest.RunSeeds(t, 20, func(s *pooltest.Sched) {
		g := &gate{}
		polls := 0
		pooltest.Spawn(s, future.Func[int](func(cx *future.Context) future.Poll[int] {
			polls++
			return future.Map[struct{}](g, func(struct{}) int { return 0 }).Poll(cx)
		}))
		pooltest.BlockOn(s, yields(200, 0, nil))
		spurious += polls - 1
		g.Open(struct{}{})
	})
	assert.Greater(t, spurious, 20*200/100, "about 5%% of 200 steps should be spurious polls")
}

// TestStaleWakerIsDropped: a wake through the waker of an earlier poll
// does not wake the task by default, and does with KeepStaleWakes.
func TestStaleWakerIsDropped(t *testing.T) {
	body := func(s *pooltest.Sched) {
		var first future.Waker
		polls := 0
		h := pooltest.Spawn(s, future.Func[int](func(cx *future.Context) future.Poll[int] {
			polls++
			switch {
			case polls == 1:
				first = cx.Waker()
				cx.Waker().Wake() // poll me again
			case polls == 2:
				first.Wake() // stale: a future keeping its first waker
			default:
				return future.Ready(polls)
			}
			return future.Pending[int]()
		}))
		s.Wait()
		_, _ = h.Value()
	}
	f := pooltest.Explore([]uint64{1}, body, pooltest.IdleTimeout(time.Millisecond), pooltest.SpuriousPolls(0))
	require.NotNil(t, f)
	assert.Contains(t, f.Error(), "1 wakes of stale wakers dropped")
	assert.Nil(t, pooltest.Explore([]uint64{1}, body, pooltest.KeepStaleWakes(), pooltest.SpuriousPolls(0)))
}

func TestHandlePolledAfterReadyPanics(t *testing.T) {
	f := pooltest.Explore([]uint64{1}, func(s *pooltest.Sched) {
		h := pooltest.Spawn(s, future.Done(1))
		pooltest.BlockOn(s, future.Func[int](func(cx *future.Context) future.Poll[int] {
			if v, ok := h.Poll(cx).Value(); ok {
				h.Poll(cx)
				return future.Ready(v)
			}
			return future.Pending[int]()
		}))
	})
	require.NotNil(t, f)
	assert.Contains(t, f.Error(), future.ErrPolledAfterReady.Error())
}

func TestCoopBudgetIsSet(t *testing.T) {
	pooltest.Run(t, 1, func(s *pooltest.Sched) {
		got := pooltest.BlockOn(s, future.Func[int](func(cx *future.Context) future.Poll[int] {
			n := 0
			for future.Coop(cx) {
				n++
			}
			return future.Ready(n)
		}))
		require.Equal(s, 5, got)
		require.Same(s, s, pooltest.BlockOn(s, future.Func[any](func(cx *future.Context) future.Poll[any] {
			return future.Ready(cx.Ext())
		})))
	}, pooltest.Budget(5))
}

func TestSeedEnvReplaysOneSeed(t *testing.T) {
	t.Setenv(pooltest.SeedEnv, "4242")
	var seeds []uint64
	pooltest.RunSeeds(t, 100, func(s *pooltest.Sched) { seeds = append(seeds, s.Seed()) })
	assert.Equal(t, []uint64{4242}, seeds)
}

func TestSeedsEnvAndBase(t *testing.T) {
	t.Setenv(pooltest.SeedsEnv, "3")
	t.Setenv(pooltest.SeedBaseEnv, "10")
	var seeds []uint64
	pooltest.RunSeeds(t, 100, func(s *pooltest.Sched) { seeds = append(seeds, s.Seed()) })
	assert.Equal(t, []uint64{10, 11, 12}, seeds)
}

func TestNilFutureIsMisuse(t *testing.T) {
	pooltest.Run(t, 1, func(s *pooltest.Sched) {
		assert.PanicsWithError(t, (&future.MisuseError{Future: "pooltest.Spawn", Err: future.ErrNilFuture}).Error(), func() {
			pooltest.Spawn[int](s, nil)
		})
	})
}

func TestSpawnSiteOfBlockOnIsTheBody(t *testing.T) {
	f := pooltest.Explore([]uint64{1}, func(s *pooltest.Sched) {
		pooltest.BlockOn(s, future.Never[int]())
	}, pooltest.IdleTimeout(time.Millisecond))
	require.NotNil(t, f)
	assert.Regexp(t, `task 1 spawned at sched_test.go:\d+: pending`, f.Error())
}

// TestHandleAwaitedFromTwoTasksIsCaught: a Handle keeps one waker, as any
// future; awaiting it from two tasks at once loses one of them, and the
// run says which.
func TestHandleAwaitedFromTwoTasksIsCaught(t *testing.T) {
	f := pooltest.Explore(pooltest.Seeds(1, 100), func(s *pooltest.Sched) {
		a := pooltest.Spawn(s, yields(2, 20, nil))
		pooltest.Spawn(s, future.Map[int](a, func(v int) int { return v }))
		pooltest.Spawn(s, future.Map[int](a, func(v int) int { return v }))
	}, pooltest.IdleTimeout(time.Millisecond))
	require.NotNil(t, f)
	assert.Contains(t, f.Error(), "deadlock: 1 tasks pending")
}

func TestFailureTraceShowsTheEndOfTheSchedule(t *testing.T) {
	f := pooltest.Explore([]uint64{5}, func(s *pooltest.Sched) {
		pooltest.Spawn(s, yields(100, 0, nil))
		pooltest.BlockOn(s, pooltest.Sleep(time.Hour))
		s.Error("stop here")
	}, pooltest.SpuriousPolls(0))
	require.NotNil(t, f)
	require.NotEmpty(t, f.Trace)
	assert.Contains(t, f.Trace[0], "earlier events not kept")
	assert.Len(t, f.Trace, 49)
	joined := strings.Join(f.Trace, "\n")
	assert.Contains(t, joined, "clock jumps to +1h0m0s")
	assert.Contains(t, joined, "of task 2: Ready")
	assert.Contains(t, f.Error(), "last steps of the schedule:")
}

func TestBlockOnInsideATaskIsMisuse(t *testing.T) {
	f := pooltest.Explore([]uint64{1}, func(s *pooltest.Sched) {
		pooltest.BlockOn(s, future.Lazy(func() int {
			return pooltest.BlockOn(s, future.Done(1))
		}))
	})
	require.NotNil(t, f)
	assert.Contains(t, f.Error(), pooltest.ErrNestedLoop.Error())
	assert.Contains(t, f.Error(), "*future.MisuseError")
}

// TestSchedIsADriver: inside a task, cx.Driver() is the Sched, whose Park
// returns on Unpark from another goroutine or at its timeout.
func TestSchedIsADriver(t *testing.T) {
	pooltest.Run(t, 1, func(s *pooltest.Sched) {
		d := pooltest.BlockOn(s, future.Func[future.Driver](func(cx *future.Context) future.Poll[future.Driver] {
			return future.Ready(cx.Driver())
		}))
		require.Same(s, s, d)
		s.Park(nil, 0) // the Spawn above left an Unpark token: Park may return early, as the Driver contract allows
		start := time.Now()
		s.Park(nil, 5*time.Millisecond)
		require.GreaterOrEqual(s, time.Since(start), 5*time.Millisecond)
		done := make(chan struct{})
		go func() {
			defer close(done)
			time.Sleep(time.Millisecond)
			s.Unpark()
		}()
		start = time.Now()
		s.Park(nil, -1) // waits for the Unpark, not the 1-minute idle timeout
		require.Less(s, time.Since(start), 30*time.Second)
		<-done
	}, pooltest.IdleTimeout(time.Minute))
}

// TestLateWakesLetOthersRunFirst: with every wake held back, a task woken
// by another does not run before the waker's other work. Without late
// wakes, it can run right after the waking poll.
func TestLateWakesLetOthersRunFirst(t *testing.T) {
	reorderings := func(opts ...pooltest.Option) int {
		n := 0
		pooltest.RunSeeds(t, 200, func(s *pooltest.Sched) {
			g := &gate{}
			var order []string
			pooltest.Spawn(s, future.Map[struct{}](g, func(struct{}) int { order = append(order, "woken"); return 0 }))
			pooltest.Spawn(s, yields(1, 0, func(int) { g.Open(struct{}{}) }))
			pooltest.Spawn(s, yields(3, 0, func(int) { order = append(order, "other") }))
			s.Wait()
			if order[len(order)-1] == "woken" {
				n++
			}
		}, opts...)
		return n
	}
	always := reorderings(pooltest.LateWakes(1), pooltest.SpuriousPolls(0))
	never := reorderings(pooltest.LateWakes(0), pooltest.SpuriousPolls(0))
	assert.Greater(t, always, never, "holding wakes back should make the woken task run last more often")
}
