package channel_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// pollRes polls f once and splits a Ready result.
func pollRes[T any](f future.Future[future.Result[T]], w *futuretest.CountWaker) (v T, err error, ready bool) {
	r, ok := f.Poll(w.Context()).Value()
	return r.Value, r.Err, ok
}
