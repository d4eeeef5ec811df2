package bench

// This test lives in the bench module, not beside package pool, because it
// needs golang.org/x/exp/trace: kept here, x/exp (a pseudo-version) stays
// out of the module graph of every program that imports spindle.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"runtime/trace"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	xtrace "golang.org/x/exp/trace"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/pool"
)

// nextLine returns the file of its caller and the line after the call,
// where the spawn whose site a test checks is written.
func nextLine() (string, int) {
	_, file, line, _ := runtime.Caller(1)
	return file, line + 1
}

// traceTask is what a recorded trace says of one runtime/trace task.
type traceTask struct {
	name    string
	parent  xtrace.TaskID
	ended   bool
	regions int // "poll" regions begun
	open    int // begun and not ended
}

// readTrace collects the tasks of a trace and their poll regions.
func readTrace(t *testing.T, r io.Reader) map[xtrace.TaskID]*traceTask {
	rd, err := xtrace.NewReader(r)
	require.NoError(t, err)
	tasks := map[xtrace.TaskID]*traceTask{}
	get := func(id xtrace.TaskID) *traceTask {
		if tasks[id] == nil {
			tasks[id] = &traceTask{}
		}
		return tasks[id]
	}
	for {
		ev, err := rd.ReadEvent()
		if errors.Is(err, io.EOF) {
			return tasks
		}
		require.NoError(t, err)
		switch ev.Kind() {
		case xtrace.EventTaskBegin:
			tk := ev.Task()
			get(tk.ID).name, get(tk.ID).parent = tk.Type, tk.Parent
		case xtrace.EventTaskEnd:
			get(ev.Task().ID).ended = true
		case xtrace.EventRegionBegin:
			if rg := ev.Region(); rg.Type == "poll" {
				get(rg.Task).regions++
				get(rg.Task).open++
			}
		case xtrace.EventRegionEnd:
			if rg := ev.Region(); rg.Type == "poll" {
				get(rg.Task).open--
			}
		}
	}
}

// byName returns the tasks of the trace named name.
func byName(tasks map[xtrace.TaskID]*traceTask, name string) (ids []xtrace.TaskID) {
	for id, tk := range tasks {
		if tk.name == name {
			ids = append(ids, id)
		}
	}
	return ids
}

// With the execution tracer on, each task is a runtime/trace task named
// after its spawn site, with a "poll" region per poll; a task spawned
// from a task is its child, and aborted tasks end too.
func TestTraceRecordsTasksAndPolls(t *testing.T) {
	if trace.IsEnabled() {
		t.Skip("a trace is already running (go test -trace): only one may be")
	}
	p := poolNew(t, pool.WithWorkers(2))
	var buf bytes.Buffer
	require.NoError(t, trace.Start(&buf))
	stopped := false
	defer func() {
		if !stopped {
			trace.Stop()
		}
	}()

	// Three tasks, spawned on three lines: 1, 4 and 10 polls.
	yields := []int{0, 3, 9}
	lines := make([]int, 3)
	hs := make([]*pool.JoinHandle[int], 3)
	file, l0 := nextLine()
	hs[0] = pool.Spawn[int](p, &yieldN{n: yields[0]})
	_, l1 := nextLine()
	hs[1] = pool.Spawn[int](p, &yieldN{n: yields[1]})
	_, l2 := nextLine()
	hs[2] = pool.Spawn[int](p, &yieldN{n: yields[2]})
	lines[0], lines[1], lines[2] = l0, l1, l2
	for i, h := range hs {
		v, err := wait(t, h)
		require.NoError(t, err)
		require.Equal(t, yields[i]+1, v, "polls seen by the future")
	}
	// A parent spawning two children from inside its poll.
	parentFile, parentLine := nextLine()
	v, err := wait(t, pool.Spawn[int](p, &spawnChildren{n: 2}))
	require.NoError(t, err)
	require.Equal(t, 2, v)
	// An aborted task.
	_, abortLine := nextLine()
	ah := pool.Spawn(p, future.Never[int]())
	ah.Abort()
	_, err = wait(t, ah)
	require.ErrorIs(t, err, pool.ErrAborted)

	trace.Stop()
	stopped = true
	tasks := readTrace(t, &buf)

	name := func(line int) string { return fmt.Sprintf("spindle: %s:%d", filepath.Base(file), line) }
	for i, n := range yields {
		ids := byName(tasks, name(lines[i]))
		require.Len(t, ids, 1, "one task named %q in %v", name(lines[i]), tasks)
		tk := tasks[ids[0]]
		assert.True(t, tk.ended, "task %q ended", tk.name)
		assert.Equal(t, n+1, tk.regions, "one poll region per poll of %q", tk.name)
		assert.Zero(t, tk.open, "every region ended")
	}

	require.Equal(t, file, parentFile)
	parents := byName(tasks, name(parentLine))
	require.Len(t, parents, 1)
	var children int
	for _, tk := range tasks {
		if tk.parent == parents[0] {
			children++
			assert.True(t, tk.ended)
			assert.Equal(t, 1, tk.regions, "a child ready at its first poll")
			assert.Contains(t, tk.name, "trace_helpers_test.go:", "named after SpawnFrom's caller")
		}
	}
	assert.Equal(t, 2, children, "children of the parent's trace task")

	aborted := byName(tasks, name(abortLine))
	require.Len(t, aborted, 1)
	assert.True(t, tasks[aborted[0]].ended, "an aborted task's trace task ends")
}

// A task spawned before the trace started is traced from its next poll if
// its pool has introspection (the wrapper is there to notice), and not at
// all otherwise (it was never wrapped).
func TestTraceLateStart(t *testing.T) {
	if trace.IsEnabled() {
		t.Skip("a trace is already running (go test -trace): only one may be")
	}
	withIntro := poolNew(t, pool.WithWorkers(1), pool.WithIntrospection(pool.Introspection{SpawnSites: true}))
	plain := poolNew(t, pool.WithWorkers(1))
	setA, evA := channel.NewOneshot[struct{}]()
	setB, evB := channel.NewOneshot[struct{}]()
	file, lineA := nextLine()
	ha := pool.Spawn(withIntro, evA)
	_, lineB := nextLine()
	hb := pool.Spawn(plain, evB)
	require.Eventually(t, func() bool { ts := withIntro.Tasks(); return len(ts) == 1 && ts[0].Polls == 1 }, 10*time.Second, time.Millisecond)

	var buf bytes.Buffer
	require.NoError(t, trace.Start(&buf))
	require.NoError(t, setA.Send(struct{}{}))
	require.NoError(t, setB.Send(struct{}{}))
	_, errA := wait(t, ha)
	_, errB := wait(t, hb)
	trace.Stop()
	require.NoError(t, errA)
	require.NoError(t, errB)

	tasks := readTrace(t, &buf)
	base := filepath.Base(file)
	a := byName(tasks, fmt.Sprintf("spindle: %s:%d", base, lineA))
	require.Len(t, a, 1, "the introspected task is traced from its second poll: %v", tasks)
	assert.Equal(t, 1, tasks[a[0]].regions)
	assert.True(t, tasks[a[0]].ended)
	assert.Empty(t, byName(tasks, fmt.Sprintf("spindle: %s:%d", base, lineB)), "the plain pool's task was never wrapped")
}
