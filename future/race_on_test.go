//go:build race

package future_test

const stressDivisor = 4

const raceEnabled = true
