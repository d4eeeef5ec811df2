package aio

import (
	"sync"

	"github.com/spindle-rt/spindle/future"
)

// Split divides rw into a read half and a write half that two tasks can
// own and poll at the same time (tokio's io::split): one task reads, the
// other writes. A mutex, held only for the length of one non-blocking
// poll, keeps the two from calling into rw at the same instant, so rw
// need not be safe for concurrent calls; it must keep its read and write
// wakers apart (see the package documentation). Unsplit puts the halves
// back together.
//
// For a poll.Conn the halves are not needed for safety (a Conn takes one
// reader and one writer at once) but give each task a handle that can do
// only its half.
func Split(rw ReadWriter) (*ReadHalf, *WriteHalf) {
	s := &splitState{rw: rw}
	return &ReadHalf{s: s}, &WriteHalf{s: s}
}

type splitState struct {
	mu sync.Mutex
	rw ReadWriter
}

// ReadHalf is the read side of a Split.
type ReadHalf struct{ s *splitState }

// WriteHalf is the write side of a Split.
type WriteHalf struct{ s *splitState }

// PollRead reads from the underlying reader.
func (h *ReadHalf) PollRead(cx *future.Context, p []byte) future.Poll[future.Result[int]] {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	return h.s.rw.PollRead(cx, p)
}

// PollWrite writes to the underlying writer.
func (h *WriteHalf) PollWrite(cx *future.Context, p []byte) future.Poll[future.Result[int]] {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	return h.s.rw.PollWrite(cx, p)
}

// PollFlush flushes the underlying writer if it is a Flusher and is ready
// at once otherwise.
func (h *WriteHalf) PollFlush(cx *future.Context) future.Poll[future.Result[struct{}]] {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	if f, ok := h.s.rw.(Flusher); ok {
		return f.PollFlush(cx)
	}
	return future.Ready(future.Result[struct{}]{})
}

// PollCloseWrite half-closes the underlying writer if it is a CloseWriter
// and is ready at once otherwise.
func (h *WriteHalf) PollCloseWrite(cx *future.Context) future.Poll[future.Result[struct{}]] {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	if cw, ok := h.s.rw.(CloseWriter); ok {
		return cw.PollCloseWrite(cx)
	}
	return future.Ready(future.Result[struct{}]{})
}

// Unsplit returns the ReadWriter that r and w were split from, or
// ErrSplitMismatch if they come from different Splits.
func Unsplit(r *ReadHalf, w *WriteHalf) (ReadWriter, error) {
	if r.s != w.s {
		return nil, ErrSplitMismatch
	}
	return r.s.rw, nil
}
