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
//     completed does nothing.
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
// Get returns the pair. Combinators whose name starts with Try (TryJoin,
// TryRace, AndThen) stop at the first error. See docs/design.md for why.
//
// # Running futures
//
// BlockOn runs a future to completion on the calling goroutine, parking it
// between polls. The pool package runs many futures as tasks on a few
// OS-thread-locked workers; the poll package adds I/O and timers.
package future
