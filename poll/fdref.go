package poll

import (
	"sync"
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
//
// reg may be set after the fdRef is made (a Conn registers with epoll
// only when it first has to wait). It is written once, under regMu, and
// regd is set after it: a reader that sees regd may use reg without the
// lock. register and close exclude each other through regMu and the
// closed bit, so a descriptor is never added to epoll after close has
// looked for a registration to remove.
type fdRef struct {
	fd    int
	word  atomic.Uint64
	regMu sync.Mutex
	regd  atomic.Bool
	reg   registration
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
	f.regMu.Lock() // a register running now completes first, or sees closedBit
	reg := f.reg
	f.regMu.Unlock()
	reg.deregister(f.fd) // nothing to do, and no epoll_ctl, if never registered
	f.decref()
	return true
}

// register adds the descriptor to r once; later calls return the same
// registration. The caller holds a reference. It fails with net.ErrClosed
// once close has begun.
func (f *fdRef) register(r *Reactor) (registration, error) {
	f.regMu.Lock()
	defer f.regMu.Unlock()
	if f.regd.Load() {
		return f.reg, nil
	}
	if f.word.Load()&closedBit != 0 {
		return registration{}, errClosedConn
	}
	reg, err := r.register(f.fd)
	if err != nil {
		return registration{}, err
	}
	f.reg = reg
	f.regd.Store(true)
	return reg, nil
}

func (f *fdRef) destroy() { _ = unix.Close(f.fd) }

// closeAbandoned is the GC cleanup of a Conn or Listener that became
// unreachable without Close. It must not reference the Conn itself.
func closeAbandoned(f *fdRef) { f.close() }
