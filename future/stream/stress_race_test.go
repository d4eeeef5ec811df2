//go:build race

package stream_test

// stressN is the size of the stress loops, smaller under the race detector
// which makes every synchronisation ~10x slower.
const stressN = 10_000
