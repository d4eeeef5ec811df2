package future

// Adopter is implemented by futures that guard a wait with a
// garbage-collector backstop: a runtime.AddCleanup that cancels the wait
// if the future is dropped while queued and nobody called Cancel. The
// backstop costs a separate queue node and a runtime record per wait.
//
// Adopt is the owner's promise that it calls Cancel whenever it stops
// polling the future before Ready — when it is aborted, shut down, or after
// a panic in the future's poll — so the backstop is never needed and the
// future may leave it out. It is called at most once, before the first
// Poll; a future already polled ignores it. Adopting is never required:
// an adopter that is not adopted keeps its backstop.
//
// The pool adopts the future of every task it spawns (a task cancels its
// future on Abort and Shutdown, and after a panic). Map, Then, Join,
// Join2, Join3, Race, TryJoin, TryRace, FirstOk, Select, SelectN,
// SelectBiased and Fuse pass an adoption on to their children, as do the
// futures that cmd/spindle-async compiles and async.Task to the futures
// their bodies await: each cancels every child it drops, the one whose
// poll panicked included. Adopt a future by hand
// only from an owner that keeps the same promise; a future dropped without
// Cancel after being adopted keeps its queue place until it is granted,
// and then holds what it was granted (a lock, a permit) for good.
type Adopter interface {
	Adopt()
}

// Adopt calls f.Adopt if f is an Adopter and does nothing otherwise.
func Adopt(f any) {
	if a, ok := f.(Adopter); ok {
		a.Adopt()
	}
}
