package main

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The example runs the program and checks its whole output.
func Example() {
	main()
	// Output: 10000 goroutines: sum 49995000, sum of squares 333283335000
}
