// Package stream is futures-rs's Stream for spindle: an asynchronous
// sequence of values, the async counterpart of iter.Seq.
//
// A Stream[T] is polled with PollNext, which returns Pending (after
// arranging a wake, exactly as a Future does) or Ready with an Item: either
// Some(v), the next value, or End, meaning the stream is finished. The
// package-level functions build streams (FromSlice, FromSeq, Endless), adapt
// them (Map, Filter, Take, Fuse, Merge, Buffered, BufferUnordered) and turn
// them into futures (Collect, ForEach, Next) or, for goroutine code, into
// iterators (All, AllContext).
//
// # Rules every stream here follows
//
//   - The waker contract of package future applies to PollNext unchanged.
//   - Leaf streams (those that produce values themselves, like FromSlice)
//     call future.Coop before producing a value, so a task draining a stream
//     that is always ready still yields to its worker.
//   - Polling a stream again after it returned End is a programming error
//     and panics with a *future.MisuseError wrapping ErrPolledAfterEnd. Wrap
//     a stream in Fuse where that must be harmless.
//   - A stream that holds resources (FromSeq's goroutine) has a Close method.
//     Combinators forward Close to the streams they own, Take closes its
//     source when it has taken enough, and All closes the stream when the
//     loop body breaks out. Close(s) calls it if s has one. Polling a
//     closed stream panics with a *future.MisuseError wrapping
//     ErrPolledAfterClose (an adapter without state of its own passes the
//     poll to its source, which does the same); it never hangs.
//
// A stream, like a future, is polled by one goroutine at a time.
package stream
