package aio

import (
	"io"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/stream"
)

// Lines is the stream of lines of a BufReader, the async bufio.Scanner:
// each value is a line without its "\n" or "\r\n". The stream ends at the
// end of the input or at the first error; Err then tells which (nil for
// the end of the input). A line longer than the reader's limit ends it with
// an error wrapping ErrLineTooLong.
type Lines struct {
	b      *BufReader
	err    error
	ended  bool
	closed bool
}

// Lines returns the stream of b's lines. Reading b otherwise while the
// stream is in use interleaves the two.
func (b *BufReader) Lines() *Lines { return &Lines{b: b} }

// PollNext returns the next line.
func (l *Lines) PollNext(cx *future.Context) future.Poll[stream.Item[string]] {
	switch {
	case l.closed:
		panic(&future.MisuseError{Future: "*aio.Lines", Err: stream.ErrPolledAfterClose})
	case l.ended:
		panic(&future.MisuseError{Future: "*aio.Lines", Err: stream.ErrPolledAfterEnd})
	}
	// A stream that produces values itself yields when the task's budget
	// is spent, so a client that sent a thousand lines at once does not
	// hold the worker (stream's rule for leaf streams).
	if !future.Coop(cx) {
		return future.Pending[stream.Item[string]]()
	}
	res, ok := l.b.pollUntil(cx, '\n').Value()
	if !ok {
		return future.Pending[stream.Item[string]]()
	}
	if res.Err != nil {
		l.ended = true
		if res.Err != io.EOF {
			l.err = res.Err
		}
		return stream.End[string]()
	}
	return stream.Some(string(trimEOL(res.Value)))
}

// Err returns the error that ended the stream, or nil if the input ended
// or the stream has not ended.
func (l *Lines) Err() error { return l.err }

// Close ends the stream early; it must not be polled afterwards. The
// BufReader stays usable.
func (l *Lines) Close() { l.closed = true }
