package pool

// defaultSema is the parking semaphore workers use; see
// docs/parts/bench-pool.md for the measurements behind the choice.
func defaultSema() sema { return newChanSema() }
