package pool_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/trace"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/joinset"
)

// nextLine returns the file of its caller and the line after the call,
// where the spawn whose site a test checks is written.
func nextLine() (string, int) {
	_, file, line, _ := runtime.Caller(1)
	return file, line + 1
}

func introPool(t *testing.T, workers int, stuckAfter time.Duration) *pool.Pool {
	return newPool(t, pool.WithWorkers(workers), pool.WithName("intro"),
		pool.WithIntrospection(pool.Introspection{SpawnSites: true, StuckAfter: stuckAfter}))
}

// taskBy returns the task spawned at file:line from a snapshot.
func taskBy(ts []pool.TaskInfo, file string, line int) (pool.TaskInfo, bool) {
	for _, ti := range ts {
		if ti.File == file && ti.Line == line {
			return ti, true
		}
	}
	return pool.TaskInfo{}, false
}

// blocker is a task whose poll blocks its worker until release is closed,
// so that tasks woken meanwhile stay scheduled.
type blocker struct {
	entered chan struct{}
	release chan struct{}
}

func (b *blocker) Poll(*future.Context) future.Poll[struct{}] {
	close(b.entered)
	<-b.release
	return future.Ready(struct{}{})
}

// The dump names a task stuck on a future that never wakes, with the
// file:line that spawned it; a task that was woken since its last poll is
// not flagged, nor is the task running.
func TestDumpNamesStuckTask(t *testing.T) {
	const stuckAfter = 20 * time.Millisecond
	p := introPool(t, 1, stuckAfter)

	stuckFile, stuckLine := nextLine()
	stuck := pool.Spawn(p, future.Never[int]())
	defer stuck.Abort()
	woken := &event{}
	_, wokenLine := nextLine()
	wokenH := pool.Spawn[struct{}](p, woken)
	require.Eventually(t, func() bool {
		ts := p.Tasks()
		return len(ts) == 2 && ts[0].State == pool.TaskIdle && ts[1].State == pool.TaskIdle
	}, 10*time.Second, time.Millisecond)

	// Hold the only worker, then wake the event's task without letting it
	// run: it stays scheduled however long we wait.
	b := &blocker{entered: make(chan struct{}), release: make(chan struct{})}
	_, blockerLine := nextLine()
	bh := pool.Spawn[struct{}](p, b)
	<-b.entered
	woken.mu.Lock()
	w := woken.waker
	woken.mu.Unlock()
	w.Wake()
	time.Sleep(2 * stuckAfter)

	ts := p.Tasks()
	require.Len(t, ts, 3)
	st, ok := taskBy(ts, stuckFile, stuckLine)
	require.True(t, ok, "stuck task listed with its spawn site: %v", ts)
	assert.Equal(t, pool.TaskIdle, st.State)
	assert.True(t, st.Stuck)
	assert.Equal(t, uint64(1), st.Polls)
	assert.Equal(t, uint64(0), st.Wakes)
	assert.Less(t, time.Duration(0), st.SincePoll)
	assert.Equal(t, time.Duration(-1), st.SinceWake, "never woken")
	assert.True(t, strings.HasSuffix(st.Func, ".TestDumpNamesStuckTask"), st.Func)

	wk, ok := taskBy(ts, stuckFile, wokenLine)
	require.True(t, ok)
	assert.Equal(t, pool.TaskScheduled, wk.State, "woken since its poll")
	assert.False(t, wk.Stuck)
	assert.Equal(t, uint64(1), wk.Wakes)
	assert.Less(t, wk.SinceWake, wk.SincePoll)

	bk, ok := taskBy(ts, stuckFile, blockerLine)
	require.True(t, ok)
	assert.Equal(t, pool.TaskRunning, bk.State)
	assert.False(t, bk.Stuck, "a running task is not stuck")

	var buf bytes.Buffer
	require.NoError(t, p.Dump(&buf))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 4, buf.String())
	assert.Equal(t, fmt.Sprintf(`pool "intro": 3 tasks, 1 possibly stuck (idle over %v)`, stuckAfter), lines[0])
	site := fmt.Sprintf("site=pool/introspect_test.go:%d (pool_test.TestDumpNamesStuckTask)", stuckLine)
	assert.Regexp(t, `^task \d+ idle polls=1 wakes=0 age=\S+ since-poll=\S+ since-wake=never `+
		regexpQuote(site)+` possibly stuck$`, lines[1])
	assert.NotContains(t, lines[2], "possibly stuck")
	assert.Contains(t, lines[2], " scheduled ")
	assert.Contains(t, lines[3], " running ")

	close(b.release)
	_, err := wait(t, bh)
	require.NoError(t, err)
	woken.Set()
	_, err = wait(t, wokenH)
	require.NoError(t, err)
	stuck.Abort()
	_, err = wait(t, stuck)
	require.ErrorIs(t, err, pool.ErrAborted)
	assert.Empty(t, p.Tasks(), "completed and aborted tasks leave the registry")
}

func regexpQuote(s string) string {
	r := strings.NewReplacer(".", `\.`, "(", `\(`, ")", `\)`)
	return r.Replace(s)
}

// parkAfter yields n times, waking itself, then waits on ev.
type parkAfter struct {
	n, polls int
	ev       *event
}

func (f *parkAfter) Poll(cx *future.Context) future.Poll[int] {
	f.polls++
	if f.polls <= f.n {
		cx.Waker().Wake()
		return future.Pending[int]()
	}
	if f.ev.Poll(cx).IsReady() {
		return future.Ready(f.polls)
	}
	return future.Pending[int]()
}

// Polls and wakes are counted: a task that yielded n times was polled n+1
// times and woken n times, and its own count of polls agrees.
func TestIntrospectionCountsPolls(t *testing.T) {
	p := introPool(t, 2, time.Hour)
	counts := []int{0, 1, 7, 40}
	evs := make([]*event, len(counts))
	hs := make([]*pool.JoinHandle[int], len(counts))
	for i, n := range counts {
		evs[i] = &event{}
		hs[i] = pool.Spawn[int](p, &parkAfter{n: n, ev: evs[i]})
	}
	require.Eventually(t, func() bool {
		ts := p.Tasks()
		if len(ts) != len(counts) {
			return false
		}
		for _, ti := range ts {
			if ti.State != pool.TaskIdle {
				return false
			}
		}
		return true
	}, 10*time.Second, time.Millisecond)
	ts := p.Tasks()
	for i, n := range counts {
		assert.Equal(t, uint64(i+1), ts[i].ID, "sorted by id, numbered in spawn order")
		assert.Equal(t, uint64(n+1), ts[i].Polls, "task %d", i)
		assert.Equal(t, uint64(n), ts[i].Wakes, "task %d", i)
		assert.False(t, ts[i].Stuck, "an hour has not passed")
	}
	for i, n := range counts {
		evs[i].Set()
		v, err := wait(t, hs[i])
		require.NoError(t, err)
		assert.Equal(t, n+2, v, "the future saw one more poll, after the event")
	}
	assert.Empty(t, p.Tasks())
}

// The registry holds only unfinished tasks: after a storm of tasks that
// complete, yield, panic, are aborted, spawn children and await them, it
// is empty again.
func TestIntrospectionRegistryDoesNotLeak(t *testing.T) {
	p := introPool(t, 2, time.Hour)
	n := 100_000 / scale
	// Readers dump all along, racing links, unlinks and counter updates.
	stop := make(chan struct{})
	var dumps sync.WaitGroup
	dumps.Add(1)
	go func() {
		defer dumps.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			ts := p.Tasks()
			for i := 1; i < len(ts); i++ {
				if ts[i-1].ID >= ts[i].ID {
					panic("Tasks not sorted by id")
				}
			}
			_ = p.Dump(io.Discard)
		}
	}()
	hs := make([]*pool.JoinHandle[int], 0, n)
	for i := 0; i < n; i++ {
		var f future.Future[int]
		switch i % 5 {
		case 0:
			f = readyF(1)
		case 1:
			f = &yieldN{n: 2}
		case 2:
			f = future.Func[int](func(*future.Context) future.Poll[int] { panic("boom") })
		case 3:
			f = future.Never[int]()
		case 4:
			f = &spawnChildren{n: 3}
		}
		h := pool.Spawn(p, f)
		if i%5 == 3 {
			h.Abort()
		}
		hs = append(hs, h)
	}
	for i, h := range hs {
		_, err := wait(t, h)
		switch i % 5 {
		case 2:
			require.Error(t, err)
		case 3:
			require.ErrorIs(t, err, pool.ErrAborted)
		default:
			require.NoError(t, err)
		}
	}
	close(stop)
	dumps.Wait()
	assert.Empty(t, p.Tasks())
}

// spawnChildren spawns n tiny children with SpawnFrom and awaits them.
type spawnChildren struct {
	n  int
	aw *awaitAll
}

func (s *spawnChildren) Poll(cx *future.Context) future.Poll[int] {
	if s.aw == nil {
		s.aw = &awaitAll{}
		for i := 0; i < s.n; i++ {
			s.aw.hs = append(s.aw.hs, pool.SpawnFrom(cx, readyF(1)))
		}
	}
	return s.aw.Poll(cx)
}

// Tasks that Shutdown cancels leave the registry when their handle learns
// of it; their futures are still cancelled through the wrapper.
func TestIntrospectionShutdownCancels(t *testing.T) {
	p, err := pool.New(pool.WithWorkers(1), pool.WithIntrospection(pool.Introspection{}))
	require.NoError(t, err)
	f := &holder{}
	h := pool.Spawn[int](p, f)
	waitPolled(t, f)
	require.Len(t, p.Tasks(), 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, p.Shutdown(ctx), context.DeadlineExceeded)
	_, err = wait(t, h)
	require.ErrorIs(t, err, pool.ErrClosed)
	assert.Equal(t, int32(1), f.canceled.Load(), "Cancel reaches the inner future")
	assert.Empty(t, p.Tasks())
}

// BlockOn's task is named after BlockOn's caller, not BlockOn.
func TestSpawnSiteOfBlockOn(t *testing.T) {
	p := introPool(t, 1, time.Hour)
	var site pool.TaskInfo
	f := future.Func[int](func(*future.Context) future.Poll[int] {
		ts := p.Tasks()
		if len(ts) == 1 {
			site = ts[0]
		}
		return future.Ready(1)
	})
	file, line := nextLine()
	_, err := pool.BlockOn(p, future.Future[int](f))
	require.NoError(t, err)
	assert.Equal(t, file, site.File)
	assert.Equal(t, line, site.Line)
	assert.Equal(t, pool.TaskRunning, site.State, "it looked at itself from inside its poll")
}

// A JoinSet's task is named after the code that called the set's
// SpawnOk, several frames above pool.Spawn.
func TestSpawnSiteOfJoinSet(t *testing.T) {
	p := introPool(t, 1, time.Hour)
	set := joinset.New[int](p)
	ev := &event{}
	file, line := nextLine()
	set.SpawnOk(future.Map(future.Future[struct{}](ev), func(struct{}) int { return 1 }))
	require.Eventually(t, func() bool { return len(p.Tasks()) == 1 }, 10*time.Second, time.Millisecond)
	ti := p.Tasks()[0]
	assert.Equal(t, file, ti.File)
	assert.Equal(t, line, ti.Line)
	assert.True(t, strings.HasSuffix(ti.Func, ".TestSpawnSiteOfJoinSet"), ti.Func)
	ev.Set()
	_, err := pool.BlockOn(p, future.Future[future.Result[[]int]](set.JoinAll()))
	require.NoError(t, err)
}

// Without SpawnSites the site is empty and Dump prints none.
func TestIntrospectionWithoutSites(t *testing.T) {
	if trace.IsEnabled() {
		t.Skip("the execution tracer is on: it captures every spawn site")
	}
	p := newPool(t, pool.WithWorkers(1), pool.WithIntrospection(pool.Introspection{}))
	h := pool.Spawn(p, future.Never[int]())
	defer func() { h.Abort(); _, _ = wait(t, h) }()
	require.Eventually(t, func() bool { ts := p.Tasks(); return len(ts) == 1 && ts[0].Polls == 1 }, 10*time.Second, time.Millisecond)
	ti := p.Tasks()[0]
	assert.Empty(t, ti.File)
	assert.Zero(t, ti.Line)
	assert.NotContains(t, ti.String(), "site=")
}

// A pool without the option lists nothing and says why.
func TestIntrospectionOff(t *testing.T) {
	p := newPool(t, pool.WithWorkers(1))
	h := pool.Spawn(p, future.Never[int]())
	defer func() { h.Abort(); _, _ = wait(t, h) }()
	assert.Nil(t, p.Tasks())
	assert.ErrorIs(t, p.Dump(&bytes.Buffer{}), pool.ErrIntrospectionOff)
}

func TestIntrospectionOptionChecked(t *testing.T) {
	_, err := pool.New(pool.WithIntrospection(pool.Introspection{StuckAfter: -time.Second}))
	assert.ErrorContains(t, err, "negative StuckAfter")
}

// Dump reports the writer's error.
func TestDumpWriteError(t *testing.T) {
	p := introPool(t, 1, time.Hour)
	assert.ErrorIs(t, p.Dump(failWriter{}), errWrite)
}

var errWrite = fmt.Errorf("write failed")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

// Tracked tasks await each other's handles and wake each other across
// workers: the wrapper's waker forwards every wake. Counted, not hoped.
func TestIntrospectionJoinStress(t *testing.T) {
	p := introPool(t, 2, time.Hour)
	roots := 200 / scale
	var total atomic.Int64
	hs := make([]*pool.JoinHandle[int], roots)
	for i := range hs {
		hs[i] = pool.Spawn[int](p, &spawnChildren{n: 50})
	}
	for _, h := range hs {
		v, err := wait(t, h)
		require.NoError(t, err)
		total.Add(int64(v))
	}
	assert.Equal(t, int64(roots*50), total.Load())
	assert.Empty(t, p.Tasks())
}
