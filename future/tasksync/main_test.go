package tasksync_test

import (
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"

	"github.com/spindle-rt/spindle/future"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// countWaker counts wakes; tests poll by hand with it.
type countWaker struct{ n atomic.Int32 }

func (w *countWaker) Wake()               { w.n.Add(1) }
func (w *countWaker) count() int          { return int(w.n.Load()) }
func (w *countWaker) cx() *future.Context { return future.NewContext(w) }

func poll[T any](f future.Future[T], cx *future.Context) (T, bool) {
	return f.Poll(cx).Value()
}
