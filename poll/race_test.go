//go:build race

package poll_test

// The race detector makes every access ~10x slower; the stress tests keep
// their shape at a smaller size.
const manyTimers = 200_000

const manyConns = 1_000

const stressTimers = 1_000

const stressChurn = 60

const lazyRounds = 60
