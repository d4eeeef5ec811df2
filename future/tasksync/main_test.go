package tasksync_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/spindle-rt/spindle/future"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// poll polls f once with cx and splits the result.
func poll[T any](f future.Future[T], cx *future.Context) (T, bool) {
	return f.Poll(cx).Value()
}
