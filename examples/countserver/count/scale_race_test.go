//go:build race

package count

// matrixN is smaller under the race detector, which slows every
// transaction several times, but still thousands of connections.
const matrixN = 2000
