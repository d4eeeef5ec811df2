//go:build race

package async_test

// manyTasks is how many Tasks the stress tests keep suspended at once. Each
// suspended Task is a parked goroutine, and the race detector refuses more
// than 8128 live goroutines.
const manyTasks = 4_000
