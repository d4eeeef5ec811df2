package poll

import (
	"github.com/spindle-rt/spindle/future"
)

// opFuture is the future of one descriptor operation of an Fd-based type
// (UDP, Unix sockets): pollFd with a waiter key of its own, so that
// Cancel can withdraw exactly this future's waiter, and a finish step that
// turns the raw count and error into the typed outcome.
type opFuture[T any] struct {
	f      *Fd
	dir    uint8
	key    waitKey
	op     func(fd int) (int, error)
	finish func(future.Result[int]) future.Result[T]
	done   bool
}

func newOp[T any](f *Fd, dir Interest, op func(fd int) (int, error), finish func(future.Result[int]) future.Result[T]) *opFuture[T] {
	return &opFuture[T]{f: f, dir: uint8(dir), op: op, finish: finish}
}

func (o *opFuture[T]) Poll(cx *future.Context) future.Poll[future.Result[T]] {
	if o.done {
		future.PanicPolledAfterReady(o)
	}
	res, ok := pollFd(cx, o.f.ref, o, &o.key, o.dir, o.op).Value()
	if !ok {
		return future.Pending[future.Result[T]]()
	}
	o.done = true
	return future.Ready(o.finish(res))
}

// Cancel withdraws the future's waiter.
func (o *opFuture[T]) Cancel() {
	o.done = true
	if !o.f.ref.regd.Load() {
		return
	}
	if g := o.f.ref.reg; g.s != nil {
		g.s.removeWaiter(g.gen, o.dir, &o.key)
	}
}
