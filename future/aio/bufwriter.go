package aio

import (
	"github.com/spindle-rt/spindle/future"
)

// BufWriter adds a buffer to a Writer, as bufio.Writer does: writes land
// in buf[:n] and go out when it is full, on PollFlush (the Flush future)
// or on PollCloseWrite. Bytes buf[:off] of them were already handed on by
// a flush in progress. After a write error every later write and flush
// fails with that error, as in bufio.
//
// A BufWriter is used by one task at a time.
type BufWriter struct {
	wr     Writer
	buf    []byte
	size   int
	off, n int
	err    error
}

// NewBufWriter returns a BufWriter over wr with a 4 KiB buffer, allocated
// on the first write.
func NewBufWriter(wr Writer) *BufWriter { return NewBufWriterSize(wr, defaultBufSize) }

// NewBufWriterSize is NewBufWriter with a buffer of size bytes (at least
// 16).
func NewBufWriterSize(wr Writer, size int) *BufWriter {
	return &BufWriter{wr: wr, size: max(size, 16)}
}

// Buffered returns how many bytes are waiting for a flush.
func (b *BufWriter) Buffered() int { return b.n - b.off }

// Available returns how many bytes fit before the buffer must be flushed.
func (b *BufWriter) Available() int { return b.size - b.n }

// PollWrite takes as much of p as fits in the buffer, flushing it first
// when it is full; a write of at least the buffer's size into an empty
// buffer goes straight to the underlying writer.
func (b *BufWriter) PollWrite(cx *future.Context, p []byte) future.Poll[future.Result[int]] {
	if b.err != nil {
		return future.Ready(future.Err[int](b.err))
	}
	if len(p) == 0 {
		return future.Ready(future.Ok(0))
	}
	if b.n == b.size {
		if b.pollDrain(cx) {
			return future.Pending[future.Result[int]]()
		}
		if b.err != nil {
			return future.Ready(future.Err[int](b.err))
		}
	}
	if b.n == 0 && len(p) >= b.size {
		poll := b.wr.PollWrite(cx, p)
		if res, ok := poll.Value(); ok && res.Err != nil {
			b.err = res.Err
		}
		return poll
	}
	if b.buf == nil {
		b.buf = make([]byte, b.size)
	}
	k := copy(b.buf[b.n:], p)
	b.n += k
	return future.Ready(future.Ok(k))
}

// pollDrain writes the buffer out; true while pending. On success the
// buffer is empty; on failure b.err is set.
func (b *BufWriter) pollDrain(cx *future.Context) (pending bool) {
	for b.off < b.n {
		k, ok, err := writeOnce(cx, b.wr, b.buf[b.off:b.n])
		if !ok {
			return true
		}
		if err != nil {
			b.err = err
			return false
		}
		b.off += k
	}
	b.off, b.n = 0, 0
	return false
}

// PollFlush writes every buffered byte, then flushes the underlying writer
// if it is a Flusher.
func (b *BufWriter) PollFlush(cx *future.Context) future.Poll[future.Result[struct{}]] {
	if b.err == nil && b.pollDrain(cx) {
		return future.Pending[future.Result[struct{}]]()
	}
	if b.err != nil {
		return future.Ready(future.Result[struct{}]{Err: b.err})
	}
	if f, ok := b.wr.(Flusher); ok {
		return f.PollFlush(cx)
	}
	return future.Ready(future.Result[struct{}]{})
}

// PollCloseWrite flushes, then half-closes the underlying writer if it is
// a CloseWriter.
func (b *BufWriter) PollCloseWrite(cx *future.Context) future.Poll[future.Result[struct{}]] {
	p := b.PollFlush(cx)
	if res, ok := p.Value(); !ok || res.Err != nil {
		return p
	}
	if cw, ok := b.wr.(CloseWriter); ok {
		return cw.PollCloseWrite(cx)
	}
	return future.Ready(future.Result[struct{}]{})
}

// Flush returns a future of PollFlush: it completes once every byte
// written so far reached the underlying writer.
//
// Cancel safety: the bytes not yet written stay buffered, so a cancelled
// Flush loses nothing; the next Flush or Write carries on.
func (b *BufWriter) Flush() future.Future[future.Result[struct{}]] {
	return &flushFuture{b: b}
}

type flushFuture struct {
	b    *BufWriter
	done bool
}

func (f *flushFuture) Poll(cx *future.Context) future.Poll[future.Result[struct{}]] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	p := f.b.PollFlush(cx)
	f.done = p.IsReady()
	return p
}
