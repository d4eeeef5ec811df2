package channel_test

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/spindle-rt/spindle/future"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// countWaker counts wakes; tests poll by hand with it.
type countWaker struct{ n atomic.Int32 }

func (w *countWaker) Wake()               { w.n.Add(1) }
func (w *countWaker) count() int          { return int(w.n.Load()) }
func (w *countWaker) cx() *future.Context { return future.NewContext(w) }

// pollRes polls f once and splits a Ready result.
func pollRes[T any](f future.Future[future.Result[T]], w *countWaker) (v T, err error, ready bool) {
	r, ok := f.Poll(w.cx()).Value()
	return r.Value, r.Err, ok
}

func assertMisuse(t *testing.T, want error, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		e, ok := r.(*future.MisuseError)
		require.True(t, ok, "want *future.MisuseError panic, got %T %v", r, r)
		assert.ErrorIs(t, e, want)
	}()
	fn()
}

// eventually collects garbage until cond holds: cleanups of dropped
// handles run on their own goroutine after a GC.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(what)
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
}
