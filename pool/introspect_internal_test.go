package pool

import (
	"context"
	"runtime/trace"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
)

// Off, a spawn leaves the future as it is: no wrapper, no record.
func TestNotObservedNotWrapped(t *testing.T) {
	if trace.IsEnabled() {
		t.Skip("the execution tracer is on: every spawn is wrapped")
	}
	p, err := New(WithWorkers(1))
	require.NoError(t, err)
	defer p.Shutdown(context.Background())
	h := Spawn(p, future.Never[int]())
	_, wrapped := h.t.fut.(*tracked[int])
	assert.False(t, wrapped)
	h.Abort()
}

// A tracked task's waker is its record, which JoinHandle recognises as a
// task of the pool: joining from a tracked task does not go through the
// foreign registry that Shutdown must sweep, and successive polls of the
// handle by the same task keep one join waker.
func TestRecordIsTheTasksWaker(t *testing.T) {
	p, err := New(WithWorkers(1), WithIntrospection(Introspection{}))
	require.NoError(t, err)
	defer p.Shutdown(context.Background())

	gate := make(chan struct{})
	child := Spawn(p, future.Func[int](func(cx *future.Context) future.Poll[int] {
		select {
		case <-gate:
			return future.Ready(5)
		default:
			cx.Waker().Wake() // yield until the gate opens
			return future.Pending[int]()
		}
	}))
	var seen future.Waker
	parent := Spawn(p, future.Func[int](func(cx *future.Context) future.Poll[int] {
		seen = cx.Waker()
		r, ok := child.Poll(cx).Value()
		if !ok {
			return future.Pending[int]()
		}
		return future.Ready(r.Value)
	}))
	time.Sleep(5 * time.Millisecond) // let the parent poll the handle a few times
	close(gate)
	v, err := parent.Wait(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 5, v)
	r, ok := seen.(*taskRecord)
	require.True(t, ok, "the inner future sees the record as its waker")
	assert.Same(t, &parent.t.h, r.hdr())
	assert.True(t, p.owns(seen))
	assert.Zero(t, child.t.h.state.load()&stForeignJoin, "joined as a task of the pool")
}

// The wrapper, its record included, fits the 160-byte size class: that is
// what introspection adds to every task.
func TestTrackedSize(t *testing.T) {
	assert.Equal(t, uintptr(160), unsafe.Sizeof(tracked[int]{}))
}
