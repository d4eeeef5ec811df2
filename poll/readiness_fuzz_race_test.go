//go:build race

package poll

// readinessInputs is how many random inputs TestReadinessRandom runs; the
// race detector slows the model ~8x, and it has no concurrency to check.
const readinessInputs = 300
