//go:build race

package pool_test

// scale shrinks stress loops under the race detector, which slows them
// down about tenfold; they still cross workers and goroutines.
const scale = 10
