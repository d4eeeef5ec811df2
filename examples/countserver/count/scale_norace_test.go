//go:build !race

package count

// matrixN is the transactions of each server × client pairing.
const matrixN = 10000
