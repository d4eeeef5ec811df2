package bench

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks the bench package leaks no goroutine: a suspended async
// Task left behind would show up here as a parked coroutine.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
