//go:build !race

package channel_test

const scale = 1
