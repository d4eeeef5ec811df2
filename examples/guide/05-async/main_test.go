package main

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func Example() {
	main()
	// Output:
	// [3 ticks message 0 message 1 message 2] <nil>
	// a never-ending future under a 20ms context: context deadline exceeded
}
