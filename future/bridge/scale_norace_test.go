//go:build !race

package bridge_test

// abandoned is how many futures the memory tests abandon.
const abandoned = 1_000_000
