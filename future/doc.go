// Package future is the heart of spindle: Rust's Future model in Go.
//
// A Future[T] is a computation that may not have finished yet. An executor
// drives it by calling Poll, which returns either Ready(value) or Pending.
// Nothing happens between polls; a future makes progress only while it is
// polled, and it tells the executor when polling again is worthwhile by
// waking the Waker found in the Context it was polled with.
//
// # The waker contract
//
// These rules bind every Future in this module and every Future written by a
// user. They are the same as Rust's std::future::Future and tokio's tutorial:
//
//  1. A future that returns Pending must first have arranged for the Waker of
//     that most recent poll (cx.Waker()) to be woken once progress is
//     possible. A future that returns Pending without such an arrangement is
//     never polled again: the task hangs. Returning Pending and waking at
//     once (as YieldNow does) is allowed and means "poll me later".
//  2. Only the waker of the most recent poll counts. Executors may hand a
//     different waker to each poll; a future that stores a waker must replace
//     the stored one on every poll.
//  3. Wake may be called any number of times, from any goroutine, before,
//     during or after the poll that registered it. Several wakes before the
//     next poll cause at least one poll; a wake that arrives while Poll is
//     running causes a poll after it returns; a wake after the future
//     completed does nothing. Wake is a signal, not a publication: state
//     that Poll reads must be written with an atomic operation or under a
//     lock before Wake is called; the poll the wake causes then sees it
//     (see [Waker]).
//  4. A poll must not block the goroutine: a future that would block returns
//     Pending instead. Polls should be short, since a worker runs many tasks.
//  5. Once a future returned Ready it must not be polled again. Doing so is a
//     programming error; the futures of this module report it by panicking
//     with a *MisuseError whose message names the future's type. Wrap a
//     future in Fuse where re-polling after completion must be harmless.
//  6. A future is polled by one goroutine at a time. The Context and anything
//     reached through it are valid only during the Poll call they were
//     passed to.
//
// # Errors
//
// Futures that can fail have the type Future[Result[T]]: a Result carries a
// value or an error, so the Go habit of (value, error) survives composition.
// Get returns the pair. Every combinator works on such futures unchanged;
// TryJoin, TryRace, FirstOk, AndThen, MapOk, TryMap and MapErr add the early
// exit of "if err != nil { return err }". Panics are not errors: a panic in
// user code (a function given to Map, a child's Poll) propagates unchanged
// to the caller of Poll, and the futures it crossed then refuse to be polled
// again (ErrPolledAfterPanic). See docs/design.md for why.
//
// # Combinators
//
// Done, Never, Lazy, Map, Then, YieldNow and Fuse wrap one future or value.
// Join, Join2, Join3, Race, Select, SelectN, SelectBiased, TryJoin, TryRace
// and FirstOk run several children concurrently within one task; SelectN
// and SelectBiased wait on futures of different types, each given with On
// as a Case, like the cases of Go's select statement. These give each child its own
// waker and poll only the children woken since their previous poll, each at
// most once per poll, so joining n futures costs O(n) polls and a wake
// costs O(1) with no allocation. When a race is decided or a TryJoin fails,
// the other children are cancelled (see Canceler) and never polled again;
// every combinator is a Canceler that cancels its live children, so
// cancellation reaches the leaves through any nesting. Combinators pass
// the task's Context (executor, driver, budget) to their children and never
// consume the cooperative budget themselves: leaf futures do (see Coop).
//
// # Releasing what a stage holds
//
// Cancel gives back what a future waits for (a place in a lock's queue, a
// timer); it cannot give back what a stage of a chain already holds: a
// permit taken by the first stage of an AndThen and released by a Map at
// the end stays taken when the chain is cancelled in between (a race's
// loser, the rest of a failed TryJoin, an aborted pool task), because the
// Map never runs. Go has no destructor to do it, and the garbage collector
// will not. Two combinators say "release this however the chain ends".
// Reach for Using(acquire, use, release) when the resource comes from a
// future that can fail, as a permit does (ErrClosed): the permit below is
// released when the job succeeds, fails, panics or is cancelled, and never
// if it was not acquired.
//
//	future.Using(sem.Acquire(1), func(*tasksync.Permit) future.Future[future.Result[T]] {
//		return job()
//	}, (*tasksync.Permit).Release)
//
// Reach for Finally(f, fn) when the resource is already in hand (a lock
// guard given to a Then, a connection a stage opened): fn runs exactly
// once when f completes, panics or is cancelled.
//
// Both run the release on the goroutine that polls or cancels, never
// during a poll of another stage, and before the result reaches the next
// stage.
//
// # Running futures
//
// BlockOn runs a future that needs no driver to completion on the calling
// goroutine, parking it between polls: tests, and goroutine code waiting
// for a channel or a lock. A program runs its futures with pool.BlockOn,
// as tasks on a few OS-thread-locked workers, with the poll package's I/O
// and timers (docs/guide.md has a table of every way to wait). No blocking
// call may be made from inside a task: they fail with ErrInWorker.
package future
