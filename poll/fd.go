package poll

import (
	"io"
	"os"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/spindle-rt/spindle/future"
)

// Fd drives the readiness of a non-blocking descriptor that this package
// did not make — a pipe, an eventfd, a signalfd, a socket of some other
// kind, an inherited descriptor — as tokio's AsyncFd does. It owns the
// descriptor: Close (or the garbage collector, for an Fd dropped without
// it) closes it.
//
// The core is PollIO: it runs a non-blocking operation and, when the
// operation says EAGAIN, waits for the reactor to report the descriptor
// ready and runs it again. The descriptor joins the reactor of the first
// task that has to wait on it (cx.Driver()), and stays with it.
//
// Regular files cannot be driven (epoll refuses them, EPERM): read them on
// a goroutine (pool.SpawnBlocking). One reader and one writer may wait at
// once, from different tasks.
type Fd struct {
	ref        *fdRef
	rkey, wkey waitKey
}

// Interest says which readiness an operation waits for.
type Interest uint8

// Interests of PollIO.
const (
	Readable Interest = Interest(readyRead)
	Writable Interest = Interest(readyWrite)
)

// NewFd takes fd over: it puts it in non-blocking mode and returns the Fd
// that drives it. fd must not be used or closed by anyone else afterwards.
func NewFd(fd int) (*Fd, error) {
	if fd < 0 {
		return nil, os.NewSyscallError("fcntl", unix.EBADF)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		return nil, os.NewSyscallError("fcntl", err)
	}
	return newFd(fd), nil
}

func newFd(fd int) *Fd {
	f := &Fd{ref: &fdRef{fd: fd}}
	runtime.AddCleanup(f, closeAbandoned, f.ref)
	return f
}

// FromFile returns an Fd driving a duplicate of f's descriptor (close-on-
// exec); f stays the caller's to close. The two share the file's status
// flags, so f becomes non-blocking too, which is how package os keeps
// pipes and sockets anyway.
func FromFile(f *os.File) (*Fd, error) {
	fd, err := dupOf(f)
	if err != nil {
		return nil, err
	}
	return NewFd(fd)
}

// dupOf duplicates the descriptor of a syscall.Conn (an *os.File, a
// *net.TCPConn, ...) without the blocking-mode switch of os.File.Fd.
func dupOf(sc syscall.Conn) (int, error) {
	rc, err := sc.SyscallConn()
	if err != nil {
		return -1, err
	}
	nfd := -1
	var derr error
	if err := rc.Control(func(fd uintptr) {
		nfd, derr = unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, 0)
	}); err != nil {
		return -1, err
	}
	if derr != nil {
		return -1, os.NewSyscallError("fcntl", derr)
	}
	return nfd, nil
}

// Fd returns the descriptor number, for operations PollIO does not cover.
// It stays valid until Close.
func (f *Fd) Fd() int { return f.ref.fd }

// Close closes the descriptor once no operation is using it and ends
// every wait on it with net.ErrClosed. A second Close returns an error
// wrapping net.ErrClosed.
func (f *Fd) Close() error {
	if !f.ref.close() {
		return os.NewSyscallError("close", errClosedConn)
	}
	return nil
}

// PollIO runs op on the descriptor until it does not fail with EAGAIN:
// Ready with op's count and error (EINTR is retried), or Pending after
// op said EAGAIN and the reactor has not reported the descriptor ready for
// interest since. op runs on the polling goroutine with the descriptor
// held open; it must not block. A closed Fd completes with net.ErrClosed.
func (f *Fd) PollIO(cx *future.Context, interest Interest, op func(fd int) (int, error)) future.Poll[future.Result[int]] {
	key := &f.rkey
	if interest == Writable {
		key = &f.wkey
	}
	return pollFd(cx, f.ref, f, key, uint8(interest), op)
}

// pollFd is PollIO for any fdRef: try op, register on the first EAGAIN
// with the task's reactor, wait for readiness, try again.
func pollFd(cx *future.Context, ref *fdRef, owner any, key *waitKey, dir uint8, op func(fd int) (int, error)) future.Poll[future.Result[int]] {
	if !future.Coop(cx) {
		return future.Pending[future.Result[int]]()
	}
	if !ref.incref() {
		return future.Ready(future.Err[int](errClosedConn))
	}
	defer ref.decref()
	var reg registration
	if ref.regd.Load() {
		reg = ref.reg
	} else {
		n, err := op(ref.fd)
		for err == unix.EINTR {
			n, err = op(ref.fd)
		}
		if err != unix.EAGAIN {
			return future.Ready(future.Result[int]{Value: n, Err: err})
		}
		if reg, err = ref.register(reactorOf(cx, owner)); err != nil {
			return future.Ready(future.Err[int](err))
		}
	}
	for {
		st, tick := reg.pollReady(cx, dir, key)
		switch st {
		case slotPending:
			return future.Pending[future.Result[int]]()
		case slotClosed:
			return future.Ready(future.Err[int](reg.closedErr()))
		}
		n, err := op(ref.fd)
		switch err {
		case unix.EAGAIN:
			reg.clearReady(dir, tick)
			continue
		case unix.EINTR:
			continue
		}
		return future.Ready(future.Result[int]{Value: n, Err: err})
	}
}

// PollRead reads into p with read(2): Ok(n > 0), io.EOF when read
// returns 0, or the error (an *os.SyscallError). It makes an Fd an
// aio.Reader, for pipes and other byte streams.
func (f *Fd) PollRead(cx *future.Context, p []byte) future.Poll[future.Result[int]] {
	if len(p) == 0 {
		return future.Ready(future.Ok(0))
	}
	res, ok := f.PollIO(cx, Readable, func(fd int) (int, error) { return unix.Read(fd, p) }).Value()
	if !ok {
		return future.Pending[future.Result[int]]()
	}
	return future.Ready(streamResult("read", res, true))
}

// PollWrite writes from p with write(2): Ok(n) or the error. It makes an
// Fd an aio.Writer.
func (f *Fd) PollWrite(cx *future.Context, p []byte) future.Poll[future.Result[int]] {
	if len(p) == 0 {
		return future.Ready(future.Ok(0))
	}
	res, ok := f.PollIO(cx, Writable, func(fd int) (int, error) { return unix.Write(fd, p) }).Value()
	if !ok {
		return future.Pending[future.Result[int]]()
	}
	return future.Ready(streamResult("write", res, false))
}

// streamResult maps a raw read or write to aio's contract: bytes xor an
// error, io.EOF for a read of 0.
func streamResult(op string, res future.Result[int], read bool) future.Result[int] {
	switch {
	case res.Err == errClosedConn || res.Err == ErrReactorClosed:
		return future.Err[int](res.Err)
	case res.Err != nil:
		return future.Err[int](os.NewSyscallError(op, res.Err))
	case res.Value == 0 && read:
		return future.Err[int](io.EOF)
	}
	return res
}

func setNonblock(fd int) error {
	if err := unix.SetNonblock(fd, true); err != nil {
		return os.NewSyscallError("fcntl", err)
	}
	return nil
}

func isEOF(err error) bool { return err == io.EOF }
