//go:build race

package bridge_test

// abandoned is how many futures the memory tests abandon, fewer under the
// race detector, which makes each registration ~10x slower.
const abandoned = 50_000
