//go:build !race

package async_test

// manyTasks is how many Tasks the stress tests keep suspended at once.
const manyTasks = 100_000
