//go:build race

package channel_test

// scale shrinks stress loops under the race detector, which is ~10x slower.
const scale = 10
