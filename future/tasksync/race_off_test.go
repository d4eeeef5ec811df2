//go:build !race

package tasksync_test

const scale = 1
