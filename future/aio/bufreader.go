package aio

import (
	"bytes"
	"fmt"
	"io"

	"github.com/spindle-rt/spindle/future"
)

// BufReader adds a buffer to a Reader, as bufio.Reader does, and reads
// lines or delimited records from it without allocating per poll.
//
// Unread bytes live in buf[r:w]; scan counts the bytes after r already
// searched for the delimiter, so a line that arrives in many pieces is
// searched once. The buffer starts at the size asked for and grows, only
// while a line does not fit, up to the line limit. A line longer than the
// limit fails with ErrLineTooLong and the reader then discards input up to
// and including the next delimiter (skip), so the next ReadLine returns
// the line after the long one: a server can answer "too long" and go on.
//
// A BufReader is used by one task at a time. What it has read stays in it
// when a ReadLine or ReadUntil future is cancelled.
type BufReader struct {
	rd      Reader
	buf     []byte
	size    int
	maxLine int
	r, w    int
	scan    int
	skip    bool
	eof     bool
	err     error // sticky read error other than io.EOF
}

const (
	defaultBufSize = 4096
	// DefaultMaxLine is the line limit of a new BufReader, the limit
	// bufio.Scanner has by default (bufio.MaxScanTokenSize).
	DefaultMaxLine = 64 << 10
)

// NewBufReader returns a BufReader over rd with a 4 KiB buffer and a line
// limit of DefaultMaxLine. The buffer is allocated on the first read.
func NewBufReader(rd Reader) *BufReader { return NewBufReaderSize(rd, defaultBufSize) }

// NewBufReaderSize is NewBufReader with a buffer of size bytes (at least
// 16). The line limit is the larger of size and DefaultMaxLine.
func NewBufReaderSize(rd Reader, size int) *BufReader {
	size = max(size, 16)
	return &BufReader{rd: rd, size: size, maxLine: max(size, DefaultMaxLine)}
}

// SetMaxLine sets the longest line, delimiter included, that ReadLine,
// ReadUntil and Lines accept; n < 1 panics with a *future.MisuseError.
// Call it before reading.
func (b *BufReader) SetMaxLine(n int) {
	if n < 1 {
		panic(&future.MisuseError{Future: "*aio.BufReader", Err: fmt.Errorf("SetMaxLine(%d): the limit must be at least 1", n)})
	}
	b.maxLine = n
}

// Buffered returns how many bytes can be read without reading from the
// underlying reader.
func (b *BufReader) Buffered() int { return b.w - b.r }

// PollRead reads from the buffer, filling it first when it is empty; a
// read of at least the buffer's size bypasses it. It makes a BufReader a
// Reader itself.
func (b *BufReader) PollRead(cx *future.Context, p []byte) future.Poll[future.Result[int]] {
	if len(p) == 0 {
		return future.Ready(future.Ok(0))
	}
	b.skip = false // a caller reading bytes takes the rest of a long line
	if b.r == b.w {
		if err := b.stickyErr(); err != nil {
			return future.Ready(future.Err[int](err))
		}
		if len(p) >= b.size {
			return b.rd.PollRead(cx, p)
		}
		b.r, b.w, b.scan = 0, 0, 0
		if b.fill(cx) {
			return future.Pending[future.Result[int]]()
		}
		if b.r == b.w {
			return future.Ready(future.Err[int](b.stickyErr()))
		}
	}
	n := copy(p, b.buf[b.r:b.w])
	b.r += n
	b.scan = max(b.scan-n, 0)
	return future.Ready(future.Ok(n))
}

func (b *BufReader) stickyErr() error {
	if b.err != nil {
		return b.err
	}
	if b.eof {
		return io.EOF
	}
	return nil
}

// fill reads once into the free end of the buffer, making room first
// (sliding the unread bytes down, or growing up to the line limit). It
// returns true when the read is pending; else the bytes, EOF or error are
// recorded in b.
func (b *BufReader) fill(cx *future.Context) (pending bool) {
	if b.buf == nil {
		b.buf = make([]byte, b.size)
	}
	// Slide the unread bytes (a partial line, usually short) down before
	// every read, as bufio does, so the read gets the whole free space
	// rather than the sliver left at the end of the buffer.
	if b.r > 0 {
		copy(b.buf, b.buf[b.r:b.w])
		b.w -= b.r
		b.r = 0
	}
	if b.w == len(b.buf) { // a line longer than the buffer, within the limit
		grown := make([]byte, min(2*len(b.buf), max(b.maxLine, len(b.buf))))
		copy(grown, b.buf[:b.w])
		b.buf = grown
	}
	n, ok, err := readOnce(cx, b.rd, b.buf[b.w:])
	switch {
	case !ok:
		return true
	case err == io.EOF:
		b.eof = true
	case err != nil:
		b.err = err
	default:
		b.w += n
	}
	return false
}

// pollUntil finds the next record ending in delim and returns it as a
// slice of the buffer, valid until the next call: the record with its
// delimiter, or the unterminated rest at EOF, or an error (io.EOF when
// nothing is left).
func (b *BufReader) pollUntil(cx *future.Context, delim byte) future.Poll[future.Result[[]byte]] {
	for {
		if b.skip {
			if i := bytes.IndexByte(b.buf[b.r:b.w], delim); i >= 0 {
				b.r += i + 1
				b.skip = false
			} else {
				b.r = b.w
			}
			b.scan = 0
		}
		if !b.skip {
			if i := bytes.IndexByte(b.buf[b.r+b.scan:b.w], delim); i >= 0 {
				end := b.r + b.scan + i + 1
				line := b.buf[b.r:end]
				b.r, b.scan = end, 0
				if len(line) > b.maxLine { // the buffer is larger than the limit
					return future.Ready(future.Err[[]byte](b.tooLong(delim)))
				}
				return future.Ready(future.Ok(line))
			}
			b.scan = b.w - b.r
			if b.w-b.r >= b.maxLine {
				b.skip = true
				b.r, b.scan = b.w, 0
				return future.Ready(future.Err[[]byte](b.tooLong(delim)))
			}
		}
		if err := b.stickyErr(); err != nil {
			if b.r < b.w && !b.skip {
				line := b.buf[b.r:b.w]
				b.r, b.scan = b.w, 0
				return future.Ready(future.Ok(line))
			}
			return future.Ready(future.Err[[]byte](err))
		}
		if b.r == b.w {
			b.r, b.w = 0, 0 // reuse the whole buffer
		}
		if b.fill(cx) {
			return future.Pending[future.Result[[]byte]]()
		}
	}
}

func (b *BufReader) tooLong(delim byte) error {
	return fmt.Errorf("%w: no %q within %d bytes", ErrLineTooLong, delim, b.maxLine)
}

// ReadUntil returns a future that reads up to and including the next
// delim and completes with a copy of those bytes (tokio's read_until, Go's
// bufio.Reader.ReadBytes). At the end of the stream it completes with
// what is left, unterminated, and then with io.EOF. A record longer than
// the line limit fails with an error wrapping ErrLineTooLong.
//
// Cancel safety: the bytes read so far stay in the BufReader, so a
// cancelled ReadUntil loses nothing and the next one sees them.
func (b *BufReader) ReadUntil(delim byte) future.Future[future.Result[[]byte]] {
	return &untilFuture{b: b, delim: delim}
}

type untilFuture struct {
	b     *BufReader
	delim byte
	done  bool
}

func (f *untilFuture) Poll(cx *future.Context) future.Poll[future.Result[[]byte]] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	res, ok := f.b.pollUntil(cx, f.delim).Value()
	if !ok {
		return future.Pending[future.Result[[]byte]]()
	}
	f.done = true
	if res.Err != nil {
		return future.Ready(res)
	}
	return future.Ready(future.Ok(bytes.Clone(res.Value)))
}

// ReadLine returns a future that reads the next line and completes with
// it, without its "\n" or "\r\n" (tokio's read_line keeps it; Go's
// bufio.Reader.ReadLine drops it). The last line may lack its newline; after
// it the future completes with io.EOF. A line longer than the limit fails
// with an error wrapping ErrLineTooLong, and the next ReadLine returns the
// line after it.
//
// Cancel safety: as ReadUntil, a cancelled ReadLine (one that lost a race
// against a timeout, say) loses no bytes.
//
// Each call allocates its future; a loop over every line reads them
// cheaper through [BufReader.Lines].
func (b *BufReader) ReadLine() future.Future[future.Result[string]] {
	return &lineFuture{b: b}
}

type lineFuture struct {
	b    *BufReader
	done bool
}

func (f *lineFuture) Poll(cx *future.Context) future.Poll[future.Result[string]] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	res, ok := f.b.pollUntil(cx, '\n').Value()
	if !ok {
		return future.Pending[future.Result[string]]()
	}
	f.done = true
	if res.Err != nil {
		return future.Ready(future.Err[string](res.Err))
	}
	return future.Ready(future.Ok(string(trimEOL(res.Value))))
}

// trimEOL drops a final "\n", then a final "\r" (as bufio.ScanLines does),
// with byte tests: bytes.TrimSuffix makes a general comparison call for
// one byte, on every line.
func trimEOL(line []byte) []byte {
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line
}
