package aio

import (
	"errors"

	"github.com/spindle-rt/spindle/future"
)

// Reader is implemented by byte sources that can be read without blocking.
// PollRead reads into p: Ready(Ok(n)) with 0 < n ≤ len(p), Ready(Err(io.EOF))
// at the end of the stream, another error, or Pending after arranging for
// cx.Waker() to be woken. len(p) == 0 completes with Ok(0) at once. See the
// package documentation for why bytes and an error never come together.
type Reader interface {
	PollRead(cx *future.Context, p []byte) future.Poll[future.Result[int]]
}

// Writer is implemented by byte sinks that can be written without
// blocking. PollWrite writes from p: Ready(Ok(n)) with 0 < n ≤ len(p), an
// error, or Pending after arranging a wake. len(p) == 0 completes with
// Ok(0).
type Writer interface {
	PollWrite(cx *future.Context, p []byte) future.Poll[future.Result[int]]
}

// CloseWriter is implemented by writers that can shut their write side down
// while the read side stays open (a TCP or Unix stream's half-close,
// net.TCPConn.CloseWrite; tokio's poll_shutdown). The peer reads EOF once it
// has read everything written before.
type CloseWriter interface {
	PollCloseWrite(cx *future.Context) future.Poll[future.Result[struct{}]]
}

// Flusher is implemented by writers that hold bytes back (BufWriter).
// PollFlush completes once everything written so far was handed on.
type Flusher interface {
	PollFlush(cx *future.Context) future.Poll[future.Result[struct{}]]
}

// ReadWriter groups Reader and Writer.
type ReadWriter interface {
	Reader
	Writer
}

// ErrLineTooLong is wrapped by the error of BufReader.ReadLine,
// BufReader.ReadUntil and Lines when a line is longer than the reader's
// limit (see BufReader.SetMaxLine). Compare with errors.Is.
var ErrLineTooLong = errors.New("aio: line too long")

// errNoProgress reports a Reader that broke its contract by completing a
// non-empty read with no error and a count outside 1..len(p) (Ok(0), say).
var errNoProgress = errors.New("aio: Reader broke its contract: no error and no bytes (or more than asked for)")

// errZeroWrite is errNoProgress for a Writer.
var errZeroWrite = errors.New("aio: Writer broke its contract: no error and no bytes (or more than given)")

// ErrSplitMismatch is returned by Unsplit for halves of different Splits.
var ErrSplitMismatch = errors.New("aio: Unsplit of halves from different Splits")

// readOnce polls r and folds contract breaches into errors: ok is false
// while pending; then it returns n > 0 or an error.
func readOnce(cx *future.Context, r Reader, p []byte) (n int, ok bool, err error) {
	res, ready := r.PollRead(cx, p).Value()
	if !ready {
		return 0, false, nil
	}
	if res.Err != nil {
		return 0, true, res.Err
	}
	if res.Value <= 0 || res.Value > len(p) {
		return 0, true, errNoProgress
	}
	return res.Value, true, nil
}

// writeOnce is readOnce for writers.
func writeOnce(cx *future.Context, w Writer, p []byte) (n int, ok bool, err error) {
	res, ready := w.PollWrite(cx, p).Value()
	if !ready {
		return 0, false, nil
	}
	if res.Err != nil {
		return 0, true, res.Err
	}
	if res.Value <= 0 || res.Value > len(p) {
		return 0, true, errZeroWrite
	}
	return res.Value, true, nil
}
