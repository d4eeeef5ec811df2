//go:build !race

package stream_test

// stressN is the size of the stress loops.
const stressN = 100_000
