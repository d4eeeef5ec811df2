package poll

import (
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// fdRef keeps a descriptor from being closed while a syscall uses it, as
// Go's internal/poll.FD does: without it, Close in one task could free the
// number, another open could reuse it, and a read still running in another
// task would read someone else's socket.
//
// word: bit 63 set once Close was called; the low bits count the
// operations in flight. The descriptor is closed by whichever of Close and
// the last decref sees the word become exactly closedBit.
type fdRef struct {
	fd   int
	word atomic.Uint64
	reg  registration
}

const closedBit = 1 << 63

// incref admits an operation; false once Close was called.
func (f *fdRef) incref() bool {
	for {
		w := f.word.Load()
		if w&closedBit != 0 {
			return false
		}
		if f.word.CompareAndSwap(w, w+1) {
			return true
		}
	}
}

func (f *fdRef) decref() {
	if f.word.Add(^uint64(0)) == closedBit {
		f.destroy()
	}
}

// close marks the descriptor closed and wakes its waiters at once; the
// descriptor itself is closed when no operation is in flight. It returns
// false if it was already closed.
func (f *fdRef) close() bool {
	// Close holds a reference of its own while it deregisters, so the
	// last in-flight operation cannot close (and free the number of) the
	// descriptor before epoll has forgotten it.
	if !f.incref() {
		return false
	}
	if f.word.Or(closedBit)&closedBit != 0 {
		f.decref() // a concurrent Close won
		return false
	}
	f.reg.deregister(f.fd)
	f.decref()
	return true
}

func (f *fdRef) destroy() { _ = unix.Close(f.fd) }

// closeAbandoned is the GC cleanup of a Conn or Listener that became
// unreachable without Close. It must not reference the Conn itself.
func closeAbandoned(f *fdRef) { f.close() }
