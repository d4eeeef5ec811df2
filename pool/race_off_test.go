//go:build !race

package pool_test

const scale = 1
