// Package channel holds channels for tasks: Oneshot, bounded and unbounded
// MPSC, Broadcast and Watch. Sends and receives that may have to wait are
// Futures, so a task waiting on a channel returns Pending and frees its
// worker; from plain goroutines, run them with future.BlockOn.
//
// # Closing
//
// Go has no destructors, so every handle has an explicit Close, and the
// rule everywhere is: no value that a send accepted is lost, and no waiter
// is left hanging when the other side goes away.
//
//   - A receiver sees ErrClosed only after it has received every value that
//     was accepted before the last sender closed (a Oneshot sender's Close
//     without Send is "dropped without a value").
//   - When a receiver closes, sends fail with a *SendError that hands the
//     value back; values already accepted can still be received.
//   - Every waiter, on either side, is woken by the Close that decides its
//     fate.
//
// Handles that are dropped without Close are closed when the garbage
// collector finds them unreachable (runtime.AddCleanup), as Rust's Drop
// would, only later: so a task that is aborted while holding a sender does
// not leave the receiver hanging. (A Oneshot sender registers this only
// once its receiver waits, so a oneshot answered at once pays nothing.)
//
// # Cancellation and memory
//
// A send waiting for room in a bounded MPSC holds a queue node with its
// value. It completes the moment a receive makes room (the value moves into
// the buffer then, so a completed send can never be lost with a dropped
// future). Withdraw (or Cancel) on the send future removes a queued value
// and says whether it was still unsent; a send future dropped without
// Cancel stays queued, and may still be delivered, until the collector
// finds it and removes it (the first 32 queued sends of a channel skip that
// registration, which costs a runtime lock: they leave the queue when a
// receive delivers them, so at most 32 abandoned sends ever linger). Receivers hold
// one waker slot each, replaced on every poll, so abandoned receive futures
// cost nothing.
//
// # Hot loops
//
// Send and Recv allocate a small future per call. A producer task can keep
// one send future and Reset it with each value, or call TrySend first; a
// consumer can call PollRecv (or TryRecv) from its own Poll. None of these
// allocate.
package channel
