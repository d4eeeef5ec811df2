package aio

import (
	"io"

	"github.com/spindle-rt/spindle/future"
)

// copyBufSize is io.Copy's buffer size.
const copyBufSize = 32 << 10

// copier moves bytes from src to dst through buf, one direction of Copy or
// CopyBidirectional:
//
//	reading ──Ok(n)──▶ writing buf[r:w] ──all written──▶ reading
//	   │ io.EOF
//	   ▼
//	flushing (dst's PollFlush, if any) ──▶ closing (dst's PollCloseWrite,
//	if asked and dst has one) ──▶ done
//
// Any error ends it. Bytes read but not yet written are lost if it is
// abandoned.
type copier struct {
	dst        Writer
	src        Reader
	buf        []byte
	r, w       int
	n          int64
	eof        bool
	flushed    bool
	closeWrite bool
	done       bool
}

// step advances the copy as far as it can; done reports completion.
func (c *copier) step(cx *future.Context) (done bool, err error) {
	if c.buf == nil {
		c.buf = make([]byte, copyBufSize)
	}
	for {
		if c.r < c.w {
			n, ok, err := writeOnce(cx, c.dst, c.buf[c.r:c.w])
			if !ok {
				return false, nil
			}
			if err != nil {
				return true, err
			}
			c.r += n
			c.n += int64(n)
			continue
		}
		if c.eof {
			return c.finish(cx)
		}
		n, ok, err := readOnce(cx, c.src, c.buf)
		if !ok {
			return false, nil
		}
		if err == io.EOF {
			c.eof = true
			continue
		}
		if err != nil {
			return true, err
		}
		c.r, c.w = 0, n
	}
}

func (c *copier) finish(cx *future.Context) (bool, error) {
	if !c.flushed {
		if f, ok := c.dst.(Flusher); ok {
			res, ready := f.PollFlush(cx).Value()
			if !ready {
				return false, nil
			}
			if res.Err != nil {
				return true, res.Err
			}
		}
		c.flushed = true
	}
	if c.closeWrite {
		if cw, ok := c.dst.(CloseWriter); ok {
			res, ready := cw.PollCloseWrite(cx).Value()
			if !ready {
				return false, nil
			}
			return true, res.Err
		}
	}
	return true, nil
}

func (c *copier) release() {
	c.buf, c.dst, c.src = nil, nil, nil
	c.done = true
}

// Copy returns a future that copies from src to dst until src reports
// io.EOF, then flushes dst if it is a Flusher, and completes with the
// number of bytes written, as io.Copy does (EOF is not an error). On an
// error the Result holds the error and the count written before it. Its
// 32 KiB buffer is allocated on the first poll and kept until the copy
// ends. It implements future.Canceler.
//
// Cancel safety: not cancel safe; bytes read from src but not yet written
// to dst are dropped with it (the package doc says more).
func Copy(dst Writer, src Reader) *CopyFuture {
	return &CopyFuture{c: copier{dst: dst, src: src}}
}

// CopyBuffer is Copy with the caller's buffer, so a loop of copies can
// reuse one; buf must not be empty and must not be touched until the copy
// completes.
func CopyBuffer(dst Writer, src Reader, buf []byte) *CopyFuture {
	if len(buf) == 0 {
		panic(&future.MisuseError{Future: "aio.CopyBuffer", Err: errEmptyBuffer})
	}
	return &CopyFuture{c: copier{dst: dst, src: src, buf: buf}}
}

// CopyFuture is the future of Copy and CopyBuffer.
type CopyFuture struct {
	c copier
}

// Poll copies what can be copied without waiting.
func (f *CopyFuture) Poll(cx *future.Context) future.Poll[future.Result[int64]] {
	if f.c.done {
		future.PanicPolledAfterReady(f)
	}
	done, err := f.c.step(cx)
	if !done {
		return future.Pending[future.Result[int64]]()
	}
	n := f.c.n
	f.c.release()
	return future.Ready(future.Result[int64]{Value: n, Err: err})
}

// Cancel drops the buffer; bytes read but not yet written are lost.
func (f *CopyFuture) Cancel() { f.c.release() }

// CopyBidirectional returns a future that copies a to b and b to a at the
// same time, as tokio's copy_bidirectional: when one side reports io.EOF
// the other side's write half is closed (if it is a CloseWriter, after a
// flush if it is a Flusher), and the future completes once both directions
// are done, with the counts a→b (First) and b→a (Second). The first error
// in either direction ends both; the Result then holds the counts so far.
// Each direction allocates one 32 KiB buffer on its first poll. It
// implements future.Canceler.
//
// Cancel safety: not cancel safe, as Copy, in each direction.
func CopyBidirectional(a, b ReadWriter) *BidiFuture {
	return &BidiFuture{
		ab: copier{dst: b, src: a, closeWrite: true},
		ba: copier{dst: a, src: b, closeWrite: true},
	}
}

// BidiFuture is the future of CopyBidirectional.
type BidiFuture struct {
	ab, ba copier
	done   bool
}

// Poll advances both directions.
func (f *BidiFuture) Poll(cx *future.Context) future.Poll[future.Result[future.Pair[int64, int64]]] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	var err error
	for _, c := range [2]*copier{&f.ab, &f.ba} {
		if c.done {
			continue
		}
		done, e := c.step(cx)
		if done {
			c.done = true
			c.buf = nil // the other direction may run on for long
			if e != nil {
				err = e
				break
			}
		}
	}
	if err == nil && !(f.ab.done && f.ba.done) {
		return future.Pending[future.Result[future.Pair[int64, int64]]]()
	}
	out := future.Pair[int64, int64]{First: f.ab.n, Second: f.ba.n}
	f.Cancel()
	return future.Ready(future.Result[future.Pair[int64, int64]]{Value: out, Err: err})
}

// Cancel drops both buffers.
func (f *BidiFuture) Cancel() {
	f.done = true
	f.ab.release()
	f.ba.release()
}
