package count

//go:generate go run github.com/spindle-rt/spindle/cmd/spindle-async

import (
	"io"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/poll"
)

// clientTask makes transactions until the tickets run out.
type clientTask struct {
	sh      *clientShared
	rec     *Shard
	abandon stopSignal // the grace period after a stop ran out
	t1      time.Time  // start of the current wait: the connect, then the reply
	timer   *poll.SleepFuture
	buf     [MaxReply + 1]byte
}

// runBody makes transactions, one after the other, while there are
// tickets.
//
//spindle:async run
func (t *clientTask) runBody(aw *async.Awaiter) {
	defer t.rec.Flush()
transactions:
	for !t.sh.stopped.Load() && t.sh.tickets.Load() > 0 {
		// A long run of ready sockets must not hold the worker.
		async.Await(aw, coop{})
		if !t.sh.take() {
			return
		}
		t0 := time.Now()
		t.t1 = t0
		c, err := async.TryAwait(aw, within[*poll.Conn]{t: t, op: "connect", f: poll.Dial("tcp", t.sh.cfg.Addr)})
		if err != nil {
			t.fail(err)
			continue
		}
		t.disarm() // the reply gets a timeout of its own
		t.t1 = time.Now()
		n := 0
		for {
			k, err := async.TryAwait(aw, within[int]{t: t, op: "reply", f: c.Read(t.buf[n:])})
			if err == io.EOF {
				break
			}
			if err == nil {
				n += k
				if n < len(t.buf) {
					continue
				}
				err = ErrReplyTooLong
			}
			c.Close()
			t.fail(err)
			continue transactions
		}
		c.Close()
		v, err := ParseReply(t.buf[:n])
		if err != nil {
			t.fail(err)
			continue
		}
		t.disarm()
		t.rec.Record(v, time.Since(t0))
	}
}

// expired arms the deadline of the current wait (op: "connect" or
// "reply") the first time it has to wait, and returns the error that ends
// the transaction: the deadline passed, or the grace period after a stop
// ran out. It returns nil while the transaction may go on waiting.
func (t *clientTask) expired(cx *future.Context, op string) error {
	if t.abandon.check(cx) {
		return ErrAbandoned
	}
	if t.timer == nil {
		t.timer = poll.SleepUntil(t.t1.Add(t.sh.cfg.Timeout))
	}
	if t.timer.Poll(cx).IsPending() {
		return nil
	}
	t.timer = nil
	return &TimeoutError{Op: op, After: t.sh.cfg.Timeout}
}

func (t *clientTask) disarm() {
	if t.timer != nil {
		t.timer.Cancel()
		t.timer = nil
	}
}

func (t *clientTask) fail(err error) {
	t.disarm()
	t.sh.fail(t.rec, err)
}

// within is f bounded by the deadline of t's current wait and by the
// grace period after a stop (clientTask.expired); f is cancelled when
// either ends first.
type within[T any] struct {
	t  *clientTask
	op string
	f  future.Future[future.Result[T]]
}

func (w within[T]) Poll(cx *future.Context) future.Poll[future.Result[T]] {
	if r, ok := w.f.Poll(cx).Value(); ok {
		return future.Ready(r)
	}
	if err := w.t.expired(cx, w.op); err != nil {
		future.Cancel(w.f)
		return future.Ready(future.Err[T](err))
	}
	return future.Pending[future.Result[T]]()
}

// Cancel cancels f and the deadline timer.
func (w within[T]) Cancel() {
	future.Cancel(w.f)
	w.t.disarm()
}

// coop is ready at once unless the task has used up its budget of polls
// (future.Coop): then it yields the worker once.
type coop struct{}

func (coop) Poll(cx *future.Context) future.Poll[struct{}] {
	if !future.Coop(cx) {
		return future.Pending[struct{}]() // Coop woke the task: others run first
	}
	return future.Ready(struct{}{})
}
