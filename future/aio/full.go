package aio

import (
	"errors"
	"io"

	"github.com/spindle-rt/spindle/future"
)

var errEmptyBuffer = errors.New("empty buffer")

// ReadFull returns a future that reads exactly len(p) bytes into p, as
// io.ReadFull (tokio's read_exact): it completes with len(p), or with the
// count read and io.EOF if the stream ended before any byte, or
// io.ErrUnexpectedEOF if it ended part way, or another error. p must not be
// touched until it completes.
func ReadFull(r Reader, p []byte) *IOFuture {
	return &IOFuture{rd: r, p: p}
}

// WriteAll returns a future that writes all of p to w (tokio's write_all;
// Go's io.Writer.Write does it in one call) and completes with len(p), or
// the count written and the error.
//
// Cancel safety (ReadFull and WriteAll): not cancel safe. Bytes already
// read into p, or already written from it, when the future is cancelled
// are not reported; for reads that may lose a race use a BufReader, which
// keeps what it has read.
func WriteAll(w Writer, p []byte) *IOFuture {
	return &IOFuture{wr: w, p: p}
}

// IOFuture is the future of ReadFull and WriteAll.
type IOFuture struct {
	rd   Reader
	wr   Writer
	p    []byte
	n    int
	done bool
}

// Poll reads or writes what it can without waiting.
func (f *IOFuture) Poll(cx *future.Context) future.Poll[future.Result[int]] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	for f.n < len(f.p) {
		var n int
		var err error
		var ok bool
		if f.rd != nil {
			n, ok, err = readOnce(cx, f.rd, f.p[f.n:])
		} else {
			n, ok, err = writeOnce(cx, f.wr, f.p[f.n:])
		}
		if !ok {
			return future.Pending[future.Result[int]]()
		}
		if err != nil {
			if err == io.EOF && f.n > 0 {
				err = io.ErrUnexpectedEOF
			}
			return f.finish(err)
		}
		f.n += n
	}
	return f.finish(nil)
}

func (f *IOFuture) finish(err error) future.Poll[future.Result[int]] {
	n := f.n
	f.Cancel()
	return future.Ready(future.Result[int]{Value: n, Err: err})
}

// Cancel lets go of the reader or writer and the buffer.
func (f *IOFuture) Cancel() {
	f.done = true
	f.rd, f.wr, f.p = nil, nil, nil
}

// ReadAll returns a future that reads r until io.EOF and completes with
// everything read, as io.ReadAll (tokio's read_to_end): EOF is not an
// error. On an error the Result holds the bytes read so far too.
//
// Cancel safety: not cancel safe; what it had read is dropped with it.
func ReadAll(r Reader) future.Future[future.Result[[]byte]] {
	return &readAllFuture{r: r}
}

type readAllFuture struct {
	r    Reader
	buf  []byte
	done bool
}

func (f *readAllFuture) Poll(cx *future.Context) future.Poll[future.Result[[]byte]] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	for {
		switch {
		case f.buf == nil:
			f.buf = make([]byte, 0, 512)
		case len(f.buf) == cap(f.buf):
			f.buf = append(f.buf, 0)[:len(f.buf)] // let append pick the growth
		}
		n, ok, err := readOnce(cx, f.r, f.buf[len(f.buf):cap(f.buf)])
		if !ok {
			return future.Pending[future.Result[[]byte]]()
		}
		if err != nil {
			out := f.buf
			f.Cancel()
			if err == io.EOF {
				err = nil
			}
			return future.Ready(future.Result[[]byte]{Value: out, Err: err})
		}
		f.buf = f.buf[:len(f.buf)+n]
	}
}

// Cancel drops what was read.
func (f *readAllFuture) Cancel() {
	f.done = true
	f.r, f.buf = nil, nil
}
