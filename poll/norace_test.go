//go:build !race

package poll_test

const manyTimers = 1_000_000

// manyConns is the size of the many-connection tests.
const manyConns = 10_000

const stressTimers = 5_000

const stressChurn = 300

const lazyRounds = 300
