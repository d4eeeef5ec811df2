//go:build race

package pooltest_test

// seeds is how many schedules each test of a primitive explores: fewer
// under the race detector, which slows every poll about tenfold.
const seeds = 1000
