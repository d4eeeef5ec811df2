// Package aio is spindle's io and bufio for futures: the interfaces a
// byte stream implements (tokio's AsyncRead and AsyncWrite, futures-rs's
// AsyncRead/AsyncWrite) and the helpers every protocol needs on top of
// them — Copy, CopyBidirectional, ReadFull, WriteAll, ReadAll, BufReader
// (ReadLine, ReadUntil, Lines), BufWriter (Flush) and Split.
//
// # The interfaces
//
// A Reader has PollRead(cx, p), a Writer PollWrite(cx, p); a CloseWriter
// can half-close with PollCloseWrite(cx) and a Flusher push buffered bytes
// on with PollFlush(cx). The shape follows the rest of spindle: a poll
// returns Pending after arranging a wake (the waker contract of package
// future), or Ready with a future.Result.
//
//   - PollRead with len(p) > 0 completes with Ok(n), 0 < n ≤ len(p), or
//     with an error: io.EOF at the end of the stream. It never completes
//     with Ok(0), and never with bytes and an error together: data that
//     arrived before an error is returned first, the error on the next
//     call. Go's io.Reader allows (n > 0, err) and every caller must
//     remember to use the n before the err; tokio signals EOF as Ok(0).
//     Both are easy to get wrong; with "bytes xor error" there is one
//     check, and io.EOF keeps Go's name for the end.
//   - PollWrite with len(p) > 0 completes with Ok(n), 0 < n ≤ len(p), or
//     an error. A short write is not an error: WriteAll loops.
//   - There is no PollClose. Closing a descriptor never waits (see
//     poll.Conn.Close), so Close stays the plain io.Closer call, while
//     the two things that can wait get their own interface: PollFlush
//     (tokio's poll_flush; only buffering writers have it, as only
//     bufio.Writer has Flush in Go) and PollCloseWrite (tokio's
//     poll_shutdown, named after net.TCPConn.CloseWrite; a BufWriter
//     flushes before it half-closes).
//
// Where a reader or writer is polled from two tasks at once, the read side
// and the write side must keep their wakers apart (poll.Conn does: one read
// and one write may wait at once). Split relies on that.
//
// # Why a package of its own
//
// aio depends on package future and package stream only, not on the
// reactor. An in-memory pipe, a TLS layer written as futures or a test
// double implements the interfaces without importing package poll, and
// the helpers work over all of them; poll's connections implement them
// (Conn, UnixConn, Fd) without importing aio. It lives under future/ beside
// stream because, like stream, it is an abstraction over futures, not a
// driver.
//
// # Buffers and cancellation
//
// Copy allocates its 32 KiB buffer once per call, on the first poll, never
// per poll; CopyBuffer takes the caller's. A future that holds a buffer or
// a child future implements future.Canceler: Cancel drops them, and the
// future must not be polled afterwards. BufReader keeps what it has read
// inside itself, so a ReadLine cancelled half way (lost a race against a
// timeout) loses no bytes: the next ReadLine sees them. Copy is not
// cancel-safe in that sense: bytes read but not yet written are dropped
// with it.
//
// Every future here, like every future, is polled by one task at a time;
// a BufReader or BufWriter belongs to one task (Split gives two tasks a
// half each).
package aio
