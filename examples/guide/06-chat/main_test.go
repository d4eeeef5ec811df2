package main

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func Example() {
	main()
	// Output:
	// welcome user1
	// welcome user2
	// welcome user3
	// every client saw the same order: true
	// user1: hello from client 1
	// user2: hello from client 2
	// user3: hello from client 3
}
