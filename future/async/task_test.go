package async_test

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

func TestAwaitOfReadyFuturesFinishesInOnePoll(t *testing.T) {
	w := &futuretest.CountWaker{}
	task := async.New(func(a *async.Awaiter) int {
		x := async.Await(a, future.Func[int](func(*future.Context) future.Poll[int] { return future.Ready(20) }))
		y := async.Await(a, future.Func[int](func(*future.Context) future.Poll[int] { return future.Ready(22) }))
		return x + y
	})
	v, ok := task.Poll(future.NewContext(w)).Value()
	require.True(t, ok)
	assert.Equal(t, 42, v)
	assert.Zero(t, w.Count())
	assert.Nil(t, task.PanicStack())
}

func TestAwaitSuspendsUntilWokenAndResumesWhereItWas(t *testing.T) {
	sig := &futuretest.Gate[string]{}
	var trace []string
	task := async.New(func(a *async.Awaiter) string {
		trace = append(trace, "before")
		v := async.Await(a, sig)
		trace = append(trace, "after "+v)
		return v + "!"
	})
	w := &futuretest.CountWaker{}
	cx := future.NewContext(w)
	assert.True(t, task.Poll(cx).IsPending())
	assert.Equal(t, []string{"before"}, trace)
	assert.True(t, task.Poll(cx).IsPending(), "a spurious poll re-polls the awaited future and suspends again")
	assert.Equal(t, 2, sig.Polls())
	assert.Zero(t, w.Count())

	sig.Open("go")
	assert.Equal(t, 1, w.Count(), "the awaited future's wake reaches the task's waker")
	v, ok := task.Poll(cx).Value()
	require.True(t, ok)
	assert.Equal(t, "go!", v)
	assert.Equal(t, []string{"before", "after go"}, trace)
}

func TestAwaitUsesTheLatestPollsContext(t *testing.T) {
	sig := &futuretest.Gate[int]{}
	task := async.New(func(a *async.Awaiter) int {
		first := a.Context().Ext()
		v := async.Await(a, sig)
		assert.Equal(t, "poll-1", first)
		assert.Equal(t, "poll-2", a.Context().Ext())
		return v
	})
	w1, w2 := &futuretest.CountWaker{}, &futuretest.CountWaker{}
	cx1 := future.NewContext(w1)
	cx1.SetExt("poll-1")
	cx2 := future.NewContext(w2)
	cx2.SetExt("poll-2")
	require.True(t, task.Poll(cx1).IsPending())
	require.True(t, task.Poll(cx2).IsPending())
	sig.Open(7)
	assert.Zero(t, w1.Count(), "only the latest poll's waker counts")
	assert.Equal(t, 1, w2.Count())
	v, ok := task.Poll(cx2).Value()
	require.True(t, ok)
	assert.Equal(t, 7, v)
}

func TestAwaitInsideLoops(t *testing.T) {
	const n = 1000
	task := async.New(func(a *async.Awaiter) int {
		sum := 0
		for i := range n {
			sum += async.Await(a, &yieldOnce[int]{v: i})
		}
		return sum
	})
	polls := 0
	cx := future.NewContext(&futuretest.CountWaker{})
	for {
		polls++
		if v, ok := task.Poll(cx).Value(); ok {
			assert.Equal(t, n*(n-1)/2, v)
			break
		}
	}
	assert.Equal(t, n+1, polls, "each Await suspends exactly once")
}

func TestNestedTasks(t *testing.T) {
	sig := &futuretest.Gate[int]{}
	leaf := func(k int) *async.Task[int] {
		return async.New(func(a *async.Awaiter) int { return k * async.Await(a, sig) })
	}
	middle := async.New(func(a *async.Awaiter) int {
		return async.Await(a, leaf(2)) + async.Await(a, leaf(3))
	})
	outer := async.New(func(a *async.Awaiter) int {
		return 1 + async.Await(a, middle)
	})
	go sig.Open(10)
	assert.Equal(t, 51, future.BlockOn[int](outer))
}

func TestTryAndTryAwait(t *testing.T) {
	boom := assert.AnError
	failing := async.Try(func(a *async.Awaiter) (int, error) {
		async.Await(a, &yieldOnce[int]{})
		return 0, boom
	})
	task := async.Try(func(a *async.Awaiter) (string, error) {
		_, err := async.TryAwait(a, failing)
		if err != nil {
			return "", err
		}
		return "unreachable", nil
	})
	_, err := future.BlockOn[future.Result[string]](task).Get()
	assert.ErrorIs(t, err, boom)
}

func TestYieldWakesAndSuspends(t *testing.T) {
	task := async.New(func(a *async.Awaiter) int {
		a.Yield()
		a.Yield()
		return 3
	})
	w := &futuretest.CountWaker{}
	cx := future.NewContext(w)
	assert.True(t, task.Poll(cx).IsPending())
	assert.Equal(t, 1, w.Count())
	assert.True(t, task.Poll(cx).IsPending())
	assert.Equal(t, 2, w.Count())
	v, ok := task.Poll(cx).Value()
	require.True(t, ok)
	assert.Equal(t, 3, v)
}

func TestTaskMovesBetweenLockedWorkers(t *testing.T) {
	q := newRunQueue(t, 2)
	defer q.close()
	const tasks, awaits = 200, 50
	var mu sync.Mutex
	moved := 0
	handles := make([]*queued, tasks)
	for i := range tasks {
		handles[i] = q.spawn(async.New(func(a *async.Awaiter) int {
			seen := map[int]bool{}
			sum := 0
			for j := range awaits {
				seen[async.ThreadID()] = true
				sum += async.Await(a, &yieldOnce[int]{v: j})
			}
			if len(seen) > 1 {
				mu.Lock()
				moved++
				mu.Unlock()
			}
			return i + sum
		}))
	}
	for i, h := range handles {
		assert.Equal(t, i+awaits*(awaits-1)/2, h.result(t), "task %d", i)
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Positive(t, moved, "some body must have resumed on another worker's thread")
}

func TestPollerWithDeeperLockIsPinned(t *testing.T) {
	sig := &futuretest.Gate[int]{}
	unwound := false
	task := async.New(func(a *async.Awaiter) int {
		defer func() { unwound = true }()
		return async.Await(a, sig)
	})
	polled, cancel, cancelled := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		runtime.LockOSThread()
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer runtime.UnlockOSThread()
		assert.True(t, task.Poll(future.NewContext(nil)).IsPending())
		close(polled)
		<-cancel
		task.Cancel() // only the pinned thread can unwind it
		close(cancelled)
	}()
	<-polled
	got := make(chan any, 1)
	go func() {
		defer func() { got <- recover() }()
		task.Poll(future.NewContext(nil))
	}()
	futuretest.RequireMisuseValue(t, <-got, async.ErrThreadChanged)
	got2 := make(chan any, 1)
	go func() {
		defer func() { got2 <- recover() }()
		task.Cancel()
	}()
	futuretest.RequireMisuseValue(t, <-got2, async.ErrThreadChanged)
	close(cancel)
	<-cancelled
	assert.True(t, unwound)
}

func TestPinnedTaskRunsToCompletionOnItsThread(t *testing.T) {
	done := make(chan int)
	go func() {
		runtime.LockOSThread()
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer runtime.UnlockOSThread()
		task := async.New(func(a *async.Awaiter) int {
			return async.Await(a, &yieldOnce[int]{v: 5}) + async.Await(a, &yieldOnce[int]{v: 6})
		})
		done <- future.BlockOn[int](task)
		assert.True(t, async.LockedOSThread())
	}()
	assert.Equal(t, 11, <-done)
}

func TestManyConcurrentTasks(t *testing.T) {
	gate := &futuretest.Gate[int]{}
	tasks := make([]*async.Task[int], manyTasks)
	cx := future.NewContext(future.NoopWaker)
	for i := range tasks {
		tasks[i] = async.New(func(a *async.Awaiter) int { return i + async.Await(a, gate) })
		require.True(t, tasks[i].Poll(cx).IsPending())
	}
	assert.Equal(t, manyTasks, gate.Polls(), "every task is suspended at once")
	gate.OpenWithoutWake(1)
	sum := 0
	for _, task := range tasks {
		v, ok := task.Poll(cx).Value()
		require.True(t, ok)
		sum += v
	}
	assert.Equal(t, manyTasks*(manyTasks-1)/2+manyTasks, sum)
}

func TestBodyThatBlocksOrIsPreemptedWhileItsWorkerIsUnlocked(t *testing.T) {
	// A body that blocks (here time.Sleep, against the rules but possible)
	// or gives way (Gosched) parks its coroutine while the worker goroutine
	// waits inside the switch, unlocked. The coroutine may continue on
	// another thread, and the worker then comes back, and locks again, on
	// that thread. Results must be right and workers locked after each poll.
	q := newRunQueue(t, 2)
	const tasks, steps = 100, 20
	handles := make([]*queued, tasks)
	for i := range tasks {
		handles[i] = q.spawn(async.New(func(a *async.Awaiter) int {
			sum := 0
			for j := range steps {
				if j%2 == 0 {
					time.Sleep(50 * time.Microsecond)
				} else {
					runtime.Gosched()
				}
				sum += async.Await(a, &yieldOnce[int]{v: 1})
			}
			return sum
		}))
	}
	for _, h := range handles {
		assert.Equal(t, steps, h.result(t))
	}
	q.close()
	// Hundreds of the 2100 polls migrate in practice; none would mean the
	// test no longer exercises what it is for.
	assert.Positive(t, q.migrated.Load(), "no poll came back on another thread")
	t.Logf("%d of %d polls returned on another thread than they started on", q.migrated.Load(), tasks*(steps+1))
}
