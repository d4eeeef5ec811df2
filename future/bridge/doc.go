// Package bridge connects spindle futures with the rest of Go: contexts,
// channels, goroutines, and goroutine code that wants a future's value.
//
//   - FromContext: a future that completes when a context.Context is done.
//   - WithContext, TryWithContext: any future, cancelled by a context.
//   - Recv: a future of one receive from a Go channel.
//   - Go: a future of a function run on its own goroutine.
//   - Wait, TryWait: goroutine code waits for a future under a context.
//
// # Cancellation
//
// Cancelling a future in spindle means no longer polling it. These bridges
// make that explicit: when a context ends first, the future it guards is
// released (never polled again, and its Cancel or Close method called if
// it has one, so a channel receive, a timer or a stream gives up its
// goroutine or registration) and
// the waiter gets the context's error (ctx.Err(), so errors.Is(err,
// context.Canceled) and context.DeadlineExceeded work). Each bridge's doc
// says what it releases.
//
// # Goroutines
//
// Recv and Go are the only bridges that start goroutines. Go's goroutine
// lives exactly as long as the function it runs. Recv's goroutine is
// started only if the channel is not ready at the first poll and exits
// when the value arrives, when the future is cancelled, or when the garbage
// collector finds the future abandoned; none outlives its purpose. The
// other bridges use context.AfterFunc, which starts no goroutine until the
// context is done, and deregister when they complete, are cancelled, or
// are collected.
package bridge
