// Package async lets a spindle task be written as straight-line code.
//
// Rust turns an async fn into a state machine at compile time; Go has no
// such pass, so a spindle future is normally a hand-written Poll method.
// New wraps a plain function instead:
//
//	t := async.New(func(a *async.Awaiter) int {
//		n := async.Await(a, countFuture)   // suspends while pending
//		async.Await(a, poll.Sleep(time.Second))
//		return n + 1
//	})
//	h := pool.Spawn(p, t)                  // t is a future.Future[int]
//
// The body runs as if it were blocking, but on a coroutine that runs only
// inside the Task's Poll: an Await of a pending future makes Poll return
// Pending, and the body continues where it stopped at the Task's next poll.
// A Task is a future.Future like any other: spawn it, join or race it,
// Await it inside another body, BlockOn it.
//
// # Costs
//
// The convenience has a price (the async rows of docs/benchmarks.md): each
// Task that has started owns a parked goroutine (its coroutine stack, a few
// KiB) instead of a ~100-byte state machine, and each suspension is two
// coroutine switches plus a thread-lock dance. Hand-written futures remain
// the tool for the hottest and most numerous tasks.
//
// # Rules for bodies
//
// A body is polled code, so the rules of Poll apply to it: it must not
// block (no channel waits, no time.Sleep, no BlockOn or JoinHandle.Wait:
// await the future or the JoinHandle instead), since it holds a worker
// while it runs. The blocking calls of this module detect a body that a
// pool worker runs and fail with future.ErrInWorker instead of blocking. It must not keep runtime.LockOSThread across an Await
// (ErrLockedBody). Its Awaiter must not leave it (ErrAwaitOutside). A
// recover in the body may catch the unwinding sentinel of Cancel; it
// cannot stop the unwinding, and it should re-panic values it does not
// know.
//
// # Unwinding
//
// Go has no destructors, so a Task dropped before it finished must be
// unwound explicitly: Cancel resumes the suspended body with its Await
// panicking a private sentinel; the body's deferred calls run and the
// sentinel is recovered by the Task. A Task dropped without Cancel is
// unwound by a GC cleanup once unreachable. Deferred calls must not rely on
// Await while unwinding: every Await of a cancelled body panics the
// sentinel at once.
//
// # Adoption
//
// A Task implements future.Adopter: an owner that cancels it whenever it
// drops it (the pool, for every task it spawns) spares it the GC cleanup,
// and each Await of the body then adopts the future it awaits, since Await
// cancels that future however the body stops awaiting it (Cancel of the
// Task, a panic in the future's poll, a body that refuses to suspend). The
// futures cmd/spindle-async compiles do the same (SetAdopted).
package async
