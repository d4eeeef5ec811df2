//go:build !race

package pooltest_test

// seeds is how many schedules each test of a primitive explores.
const seeds = 3000
