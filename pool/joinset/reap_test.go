package joinset_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"weak"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool/joinset"
)

// manualExec is an executor whose tasks never run: the test finishes each
// handle with the value it chooses, when it chooses.
type manualExec struct {
	spawned chan<- *manualHandle[future.Result[int]]
}

type manualHandle[U any] struct {
	mu   sync.Mutex
	w    future.Waker
	done bool
	v    U
}

func (h *manualHandle[U]) Poll(cx *future.Context) future.Poll[future.Result[U]] {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.done {
		return future.Ready(future.Ok(h.v))
	}
	h.w = cx.Waker()
	return future.Pending[future.Result[U]]()
}

func (h *manualHandle[U]) Abort() {}

func (h *manualHandle[U]) finish(v U) {
	h.mu.Lock()
	h.done, h.v = true, v
	w := h.w
	h.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

func manualSpawn(e manualExec, _ future.Future[future.Result[int]]) *manualHandle[future.Result[int]] {
	h := &manualHandle[future.Result[int]]{}
	e.spawned <- h
	return h
}

func newManualSet(t *testing.T, n int) (*joinset.JoinSet[int], []*manualHandle[future.Result[int]]) {
	t.Helper()
	ch := make(chan *manualHandle[future.Result[int]], n)
	s := joinset.NewOn[int](manualExec{ch}, manualSpawn)
	hs := make([]*manualHandle[future.Result[int]], n)
	for i := range hs {
		s.SpawnOk(future.Never[int]())
		hs[i] = <-ch
	}
	return s, hs
}

func TestTryNextReapsOnlyFinishedTasks(t *testing.T) {
	s, hs := newManualSet(t, 3)
	_, ok := s.TryNext()
	require.False(t, ok, "nothing finished")
	require.Equal(t, 3, s.Len())

	hs[2].finish(future.Ok(20))
	hs[0].finish(future.Ok(0))
	for _, want := range []int{20, 0} { // in the order of their wakes
		r, ok := s.TryNext()
		require.True(t, ok)
		assert.Equal(t, want, r.Value)
		assert.NoError(t, r.Err)
	}
	_, ok = s.TryNext()
	require.False(t, ok, "the third still runs")
	require.Equal(t, 1, s.Len())

	// A task's own error that happens to be ErrEmpty is still its result,
	// not an empty set.
	hs[1].finish(future.Err[int](joinset.ErrEmpty))
	r, ok := s.TryNext()
	require.True(t, ok)
	assert.ErrorIs(t, r.Err, joinset.ErrEmpty)
	_, ok = s.TryNext()
	assert.False(t, ok, "empty")
	assert.Zero(t, s.Len())
}

// TryNext between two polls of a Next must not take the place of Next's
// waker: the task awaiting Next would never be woken.
func TestTryNextLeavesNextsWaker(t *testing.T) {
	s, hs := newManualSet(t, 2)
	var wakes atomic.Int32
	w := future.WakerFunc(func() { wakes.Add(1) })
	next := s.Next()
	require.True(t, next.Poll(future.NewContext(w)).IsPending())
	_, ok := s.TryNext()
	require.False(t, ok)
	hs[1].finish(future.Ok(1))
	assert.Equal(t, int32(1), wakes.Load(), "Next's task was woken")
	r, ok := next.Poll(future.NewContext(w)).Value()
	require.True(t, ok)
	assert.Equal(t, 1, r.Value)
}

type payload struct{ _ [1 << 10]byte }

// A result reaped by TryNext or Next is not held by the set while other
// tasks still run: the set keeps nothing of a task once it returned it.
func TestReapedResultsAreNotHeld(t *testing.T) {
	ch := make(chan *manualHandle[future.Result[*payload]], 3)
	s := joinset.NewOn[*payload](ch, func(ch chan *manualHandle[future.Result[*payload]], _ future.Future[future.Result[*payload]]) *manualHandle[future.Result[*payload]] {
		h := &manualHandle[future.Result[*payload]]{}
		ch <- h
		return h
	})
	for range 3 {
		s.SpawnOk(future.Never[*payload]())
	}
	h0, h1 := <-ch, <-ch
	<-ch // the third never finishes: the set stays in use
	_, ok := s.TryNext()
	require.False(t, ok) // registers the entries' wakers with the handles

	// Each result is dropped when its reap function returns.
	reap := func(get func() (future.Result[*payload], bool)) {
		r, ok := get()
		require.True(t, ok)
		require.NoError(t, r.Err)
		require.NotNil(t, r.Value)
	}
	weak0 := finishWith(h0)
	h0 = nil
	reap(s.TryNext)
	weak1 := finishWith(h1)
	h1 = nil
	reap(func() (future.Result[*payload], bool) {
		return future.BlockOn(future.Future[future.Result[*payload]](s.Next())), true
	})

	runtime.GC()
	assert.Nil(t, weak0.Value(), "the result TryNext returned is not held")
	assert.Nil(t, weak1.Value(), "the result Next returned is not held")
	assert.Equal(t, 1, s.Len())
	runtime.KeepAlive(s)
}

// finishWith finishes h with a new payload and returns a weak pointer to it.
func finishWith(h *manualHandle[future.Result[*payload]]) weak.Pointer[payload] {
	p := &payload{}
	h.finish(future.Ok(p))
	return weak.Make(p)
}

func TestSpawnOkOfNilIsMisuse(t *testing.T) {
	s := joinset.NewOn[int](manualExec{}, manualSpawn)
	for name, spawn := range map[string]func(){
		"joinset.SpawnOk":     func() { s.SpawnOk(nil) },
		"joinset.SpawnOkFrom": func() { s.SpawnOkFrom(future.NewContext(nil), nil) },
	} {
		func() {
			defer func() {
				e, ok := recover().(*future.MisuseError)
				require.True(t, ok, "%s: want a *future.MisuseError, not a panic in the task", name)
				assert.ErrorIs(t, e, future.ErrNilFuture)
				assert.Equal(t, name, e.Future)
			}()
			spawn()
		}()
	}
	assert.Zero(t, s.Len())
}
