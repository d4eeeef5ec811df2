//go:build !race

package future_test

// stressDivisor scales the stress tests down under the race detector,
// which makes them ~10x slower; they still run thousands of wakes there.
const stressDivisor = 1

const raceEnabled = false
