package tasksync_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// bytesPerWait returns the live heap per Pending wait future made by mk
// (polled once, kept alive), the queue node and cleanup record included.
func bytesPerWait[T any](t *testing.T, mk func() future.Future[T]) int64 {
	const n = 20_000
	cx := future.NewContext(nil)
	fs := make([]future.Future[T], n)
	before := settledHeap()
	for i := range fs {
		fs[i] = mk()
		_, ok := fs[i].Poll(cx).Value()
		require.False(t, ok)
	}
	after := futuretest.HeapAfterGC()
	for _, f := range fs {
		future.Cancel(f)
	}
	return (int64(after) - int64(before)) / n
}

// settledHeap is the live heap once the cleanups of futures dropped before
// have run: a cleanup is left registered when its wait completes, so the
// futures of an earlier measurement are freed a cycle or two later.
func settledHeap() uint64 {
	h := futuretest.HeapAfterGC()
	for range 10 {
		time.Sleep(time.Millisecond)
		next := futuretest.HeapAfterGC()
		if next+1024 >= h && next <= h+1024 {
			return next
		}
		h = next
	}
	return h
}

// TestWaitingCostsLittle: a task waiting on any primitive costs the heap
// a few hundred bytes at most (the future, its queue node and the
// runtime's cleanup record); the new primitives cost no more than the
// Notified or Acquire they are built on, give or take their own fields.
func TestWaitingCostsLittle(t *testing.T) {
	var n tasksync.Notify
	var wg tasksync.WaitGroup
	wg.Add(1)
	b := tasksync.NewBarrier(1 << 30)
	var cell tasksync.OnceCell[int]
	running := cell.GetOrInit(func() future.Future[int] { return future.Never[int]() })
	_, _ = poll(running, future.NewContext(nil))
	tok := tasksync.NewCancellationToken()
	m := tasksync.NewMutex()
	g, _ := m.TryLock()
	cases := []struct {
		name string
		cost int64
	}{
		{"Notified", bytesPerWait(t, func() future.Future[struct{}] { return n.Notified() })},
		{"Mutex.Lock", bytesPerWait(t, func() future.Future[*tasksync.MutexGuard] { return m.Lock() })},
		{"WaitGroup.Wait", bytesPerWait(t, func() future.Future[struct{}] { return wg.Wait() })},
		{"Barrier.Wait", bytesPerWait(t, func() future.Future[bool] { return b.Wait() })},
		{"OnceCell.GetOrInit", bytesPerWait(t, func() future.Future[int] {
			return cell.GetOrInit(func() future.Future[int] { return future.Never[int]() })
		})},
		{"CancellationToken.Cancelled", bytesPerWait(t, func() future.Future[struct{}] { return tok.Cancelled() })},
	}
	for _, c := range cases {
		t.Logf("%-28s %4d bytes per waiting future", c.name, c.cost)
		assert.LessOrEqual(t, c.cost, int64(320), c.name)
	}
	running.Cancel()
	g.Unlock()
	wg.Done()
}

// A child token costs its parent one slot and itself a node, a handle and
// a cleanup record.
func TestChildTokenCostsLittle(t *testing.T) {
	const n = 20_000
	root := tasksync.NewCancellationToken()
	kids := make([]*tasksync.CancellationToken, n)
	before := futuretest.HeapAfterGC()
	for i := range kids {
		kids[i] = root.Child()
	}
	after := futuretest.HeapAfterGC()
	runtime.KeepAlive(kids)
	cost := (int64(after) - int64(before)) / n
	t.Logf("child token: %d bytes", cost)
	assert.LessOrEqual(t, cost, int64(320))
	root.Cancel()
}
