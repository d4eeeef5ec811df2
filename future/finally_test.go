package future_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// Finally runs its function exactly once whichever way the future ends.
func TestFinallyRunsOnceHoweverTheFutureEnds(t *testing.T) {
	t.Run("Ready", func(t *testing.T) {
		g := &futuretest.CancelGate[int]{}
		n := 0
		f := future.Finally[int](g, func() { n++ })
		cx, _ := futuretest.NewContext()
		require.False(t, f.Poll(cx).IsReady())
		require.Zero(t, n, "fn ran while f was pending")
		g.OpenWithoutWake(7)
		v, ok := f.Poll(cx).Value()
		require.True(t, ok)
		require.Equal(t, 7, v)
		require.Equal(t, 1, n)
		future.Cancel(f)
		require.Equal(t, 1, n, "Cancel after Ready ran fn again")
		require.Zero(t, g.Cancels(), "a finished child was cancelled")
		futuretest.RequireMisuse(t, future.ErrPolledAfterReady, func() { f.Poll(cx) })
	})
	t.Run("Cancel", func(t *testing.T) {
		g := &futuretest.CancelGate[int]{}
		var order []string
		f := future.Finally[int](g, func() { order = append(order, "fn:"+itoa(g.Cancels())) })
		cx, _ := futuretest.NewContext()
		f.Poll(cx)
		future.Cancel(f)
		future.Cancel(f)
		require.Equal(t, []string{"fn:1"}, order, "fn runs once, after the child's Cancel")
		require.Equal(t, 1, g.Cancels())
		futuretest.RequireMisuse(t, future.ErrPolledAfterCancel, func() { f.Poll(cx) })
	})
	t.Run("CancelBeforeFirstPoll", func(t *testing.T) {
		g := &futuretest.CancelGate[int]{}
		n := 0
		f := future.Finally[int](g, func() { n++ })
		future.Cancel(f)
		require.Equal(t, 1, n)
		require.Equal(t, 1, g.Cancels())
	})
	t.Run("Panic", func(t *testing.T) {
		g := &futuretest.CancelGate[int]{}
		g.PanicWith = "boom"
		n := 0
		f := future.Finally[int](g, func() { n++ })
		cx, _ := futuretest.NewContext()
		require.Equal(t, "boom", futuretest.Catch(func() { f.Poll(cx) }))
		require.Equal(t, 1, n, "fn did not run when the poll panicked")
		future.Cancel(f) // what a pool does with a task whose poll panicked
		require.Equal(t, 1, n, "Cancel after the panic ran fn again")
		require.Zero(t, g.Cancels(), "the panicked child was cancelled")
		futuretest.RequireMisuse(t, future.ErrPolledAfterCancel, func() { f.Poll(cx) })
	})
	t.Run("ChildCancelPanics", func(t *testing.T) {
		n := 0
		f := future.Finally[int](panicCanceler{}, func() { n++ })
		cx, _ := futuretest.NewContext()
		f.Poll(cx)
		require.Equal(t, "cancel boom", futuretest.Catch(func() { future.Cancel(f) }))
		require.Equal(t, 1, n, "fn must run even when the child's Cancel panics")
	})
	t.Run("Misuse", func(t *testing.T) {
		futuretest.RequireMisuse(t, future.ErrNilFuture, func() { future.Finally[int](nil, func() {}) })
		futuretest.RequireMisuse(t, future.ErrNilFunc, func() { future.Finally(future.Done(1), nil) })
	})
}

type panicCanceler struct{}

func (panicCanceler) Poll(*future.Context) future.Poll[int] { return future.Pending[int]() }
func (panicCanceler) Cancel()                               { panic("cancel boom") }

func itoa(n int) string { return string(rune('0' + n)) }

// usingProbe records what a Using did with its resource.
type usingProbe struct {
	used, released []int
	acq            *futuretest.CancelGate[future.Result[int]]
	g              *futuretest.CancelGate[future.Result[string]]
	gCancelsAtRel  int // g's Cancel count when release ran
}

func newUsing(t *testing.T) (*usingProbe, future.Future[future.Result[string]]) {
	p := &usingProbe{acq: &futuretest.CancelGate[future.Result[int]]{}, g: &futuretest.CancelGate[future.Result[string]]{}}
	f := future.Using[int, string](p.acq, func(r int) future.Future[future.Result[string]] {
		p.used = append(p.used, r)
		return p.g
	}, func(r int) {
		p.released = append(p.released, r)
		p.gCancelsAtRel = p.g.Cancels()
	})
	return p, f
}

// Using releases exactly what it acquired, exactly once, however use's
// future ends, and never when acquire failed or never finished.
func TestUsingReleasesOnceHoweverUseEnds(t *testing.T) {
	t.Run("Ready", func(t *testing.T) {
		p, f := newUsing(t)
		cx, _ := futuretest.NewContext()
		require.False(t, f.Poll(cx).IsReady())
		p.acq.OpenWithoutWake(future.Ok(5))
		require.False(t, f.Poll(cx).IsReady())
		require.Equal(t, []int{5}, p.used)
		require.Empty(t, p.released, "released while in use")
		p.g.OpenWithoutWake(future.Ok("done"))
		r, ok := f.Poll(cx).Value()
		require.True(t, ok)
		require.Equal(t, future.Ok("done"), r)
		require.Equal(t, []int{5}, p.released)
		future.Cancel(f)
		require.Equal(t, []int{5}, p.released, "Cancel after Ready released again")
		require.Zero(t, p.g.Cancels()+p.acq.Cancels())
	})
	t.Run("UseFails", func(t *testing.T) {
		p, f := newUsing(t)
		p.acq.OpenWithoutWake(future.Ok(5))
		p.g.OpenWithoutWake(future.Err[string](errTest))
		cx, _ := futuretest.NewContext()
		r, ok := f.Poll(cx).Value()
		require.True(t, ok)
		require.ErrorIs(t, r.Err, errTest)
		require.Equal(t, []int{5}, p.released)
	})
	t.Run("AcquireFails", func(t *testing.T) {
		p, f := newUsing(t)
		p.acq.OpenWithoutWake(future.Err[int](errTest))
		cx, _ := futuretest.NewContext()
		r, ok := f.Poll(cx).Value()
		require.True(t, ok)
		require.ErrorIs(t, r.Err, errTest)
		require.Empty(t, p.used)
		require.Empty(t, p.released)
	})
	t.Run("CancelWhileAcquiring", func(t *testing.T) {
		p, f := newUsing(t)
		cx, _ := futuretest.NewContext()
		f.Poll(cx)
		future.Cancel(f)
		future.Cancel(f)
		require.Equal(t, 1, p.acq.Cancels())
		require.Empty(t, p.used)
		require.Empty(t, p.released)
		futuretest.RequireMisuse(t, future.ErrPolledAfterCancel, func() { f.Poll(cx) })
	})
	t.Run("CancelWhileUsing", func(t *testing.T) {
		p, f := newUsing(t)
		p.acq.OpenWithoutWake(future.Ok(5))
		cx, _ := futuretest.NewContext()
		f.Poll(cx)
		future.Cancel(f)
		future.Cancel(f)
		require.Equal(t, 1, p.g.Cancels())
		require.Zero(t, p.acq.Cancels(), "a finished acquire was cancelled")
		require.Equal(t, []int{5}, p.released)
		require.Equal(t, 1, p.gCancelsAtRel, "release ran before use's future was cancelled")
	})
	t.Run("UseFuturePanics", func(t *testing.T) {
		p, f := newUsing(t)
		p.acq.OpenWithoutWake(future.Ok(5))
		p.g.PanicWith = "boom"
		cx, _ := futuretest.NewContext()
		require.Equal(t, "boom", futuretest.Catch(func() { f.Poll(cx) }))
		require.Equal(t, []int{5}, p.released)
		future.Cancel(f)
		require.Equal(t, []int{5}, p.released, "Cancel after the panic released again")
		futuretest.RequireMisuse(t, future.ErrPolledAfterCancel, func() { f.Poll(cx) })
	})
	t.Run("UsePanics", func(t *testing.T) {
		var released []int
		f := future.Using(future.Done(future.Ok(5)), func(int) future.Future[future.Result[string]] {
			panic("use boom")
		}, func(r int) { released = append(released, r) })
		cx, _ := futuretest.NewContext()
		require.Equal(t, "use boom", futuretest.Catch(func() { f.Poll(cx) }))
		require.Equal(t, []int{5}, released)
		futuretest.RequireMisuse(t, future.ErrPolledAfterPanic, func() { f.Poll(cx) })
	})
	t.Run("UseReturnsNil", func(t *testing.T) {
		var released []int
		f := future.Using(future.Done(future.Ok(5)), func(int) future.Future[future.Result[string]] {
			return nil
		}, func(r int) { released = append(released, r) })
		cx, _ := futuretest.NewContext()
		futuretest.RequireMisuse(t, future.ErrNilFuture, func() { f.Poll(cx) })
		require.Equal(t, []int{5}, released)
	})
	t.Run("ReleasePanicsOnCancel", func(t *testing.T) {
		g := &futuretest.CancelGate[future.Result[string]]{}
		f := future.Using(future.Done(future.Ok(5)), func(int) future.Future[future.Result[string]] { return g },
			func(int) { panic("release boom") })
		cx, _ := futuretest.NewContext()
		f.Poll(cx)
		require.Equal(t, "release boom", futuretest.Catch(func() { future.Cancel(f) }))
		require.Equal(t, 1, g.Cancels())
		assert.NotPanics(t, func() { future.Cancel(f) }, "a second Cancel must do nothing")
	})
	t.Run("Misuse", func(t *testing.T) {
		use := func(int) future.Future[future.Result[int]] { return future.Done(future.Ok(1)) }
		futuretest.RequireMisuse(t, future.ErrNilFuture, func() { future.Using[int, int](nil, use, func(int) {}) })
		futuretest.RequireMisuse(t, future.ErrNilFunc, func() { future.Using[int, int](future.Done(future.Ok(1)), nil, func(int) {}) })
		futuretest.RequireMisuse(t, future.ErrNilFunc, func() { future.Using(future.Done(future.Ok(1)), use, nil) })
	})
}

var errTest = errors.New("test error")
