//go:build !race

package poll

// readinessInputs is how many random inputs TestReadinessRandom runs.
const readinessInputs = 2000
