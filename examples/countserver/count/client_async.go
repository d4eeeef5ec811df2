package count

// The async client runs min(M, N) clientTasks on a spindle pool. They take
// transactions from a shared ticket counter, so at most M are in flight.
// Each task is a hand-written future looping through one transaction
// after another:
//
//	idle ──stop, or no ticket left──▶ Ready
//	  │ take a ticket, start a non-blocking connect
//	  ▼
//	dialing ──Err──▶ record the failure ──▶ idle
//	  │ Ok(conn)
//	  ▼
//	reading ──bytes──▶ reading (until the reply buffer is full: error)
//	  │ EOF: close, parse, record ──▶ idle
//	  └ error: close, record the failure ──▶ idle
//
// The connect, and then the reply, are each bounded by a deadline timer
// (ClientConfig.Timeout), armed the first time the transaction has to
// wait; a wait also ends when the grace period after a stop runs out.

import (
	"context"
	"io"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

func runAsyncClient(s *clientShared, rec *Recorder) error {
	p, release, err := clientPool(s.cfg)
	if err != nil {
		return err
	}
	defer release()
	var ts []*clientTask
	var hs []*pool.JoinHandle[struct{}]
	for range min(s.cfg.M, max(s.cfg.N, 1)) {
		t := &clientTask{sh: s, rec: rec.Shard()}
		ts = append(ts, t)
		hs = append(hs, pool.Spawn(p, future.Future[struct{}](t)))
	}
	// A task waiting on a socket or a timer must be woken to abandon its
	// transaction when the grace period runs out.
	stop := context.AfterFunc(s.abandon, func() {
		for _, t := range ts {
			t.abandon.fire()
		}
	})
	defer stop()
	return joinAll(hs)
}

// clientPool returns the pool of an Async client: cfg.Pool, or one made
// for the run, released by the function returned.
func clientPool(cfg ClientConfig) (*pool.Pool, func(), error) {
	if cfg.Pool != nil {
		return cfg.Pool, func() {}, nil
	}
	var opts []pool.Option
	if cfg.Workers > 0 {
		opts = append(opts, pool.WithWorkers(cfg.Workers))
	}
	p, err := NewPool(opts...)
	if err != nil {
		return nil, nil, err
	}
	return p, func() { shutdownPool(p) }, nil
}

// joinAll waits for every handle and returns the first error.
func joinAll[T any](hs []*pool.JoinHandle[T]) error {
	var first error
	for _, h := range hs {
		if _, err := h.Wait(context.Background()); err != nil && first == nil {
			first = err
		}
	}
	return first
}

type clientState uint8

const (
	clientIdle clientState = iota
	clientDialing
	clientReading
	clientDone
)

// clientTask makes transactions until the tickets run out.
type clientTask struct {
	sh      *clientShared
	rec     *Shard
	abandon stopSignal // the grace period after a stop ran out
	st      clientState
	t0      time.Time // start of the transaction
	t1      time.Time // start of the current wait: the connect, then the reply
	dial    *poll.DialFuture
	c       *poll.Conn
	buf     [MaxReply + 1]byte
	n       int
	timer   *poll.SleepFuture // deadline of the transaction, armed on its first wait
}

func (t *clientTask) Poll(cx *future.Context) future.Poll[struct{}] {
	for {
		switch t.st {
		case clientIdle:
			if t.sh.stopped.Load() || t.sh.tickets.Load() <= 0 {
				return t.finish()
			}
			if !future.Coop(cx) {
				return future.Pending[struct{}]() // Coop woke us: others run first
			}
			if !t.sh.take() {
				return t.finish()
			}
			t.t0 = time.Now()
			t.t1 = t.t0
			t.dial = poll.Dial("tcp", t.sh.cfg.Addr)
			t.st = clientDialing

		case clientDialing:
			r, ok := t.dial.Poll(cx).Value()
			if !ok {
				if err := t.expired(cx, "connect"); err != nil {
					t.dial.Cancel()
					t.fail(err)
					continue
				}
				return future.Pending[struct{}]()
			}
			t.dial = nil
			c, err := r.Get()
			if err != nil {
				t.fail(err)
				continue
			}
			t.c, t.n = c, 0
			t.disarm() // the reply gets a timeout of its own
			t.t1 = time.Now()
			t.st = clientReading

		case clientReading:
			r, ok := t.c.PollRead(cx, t.buf[t.n:]).Value()
			if !ok {
				if err := t.expired(cx, "reply"); err != nil {
					t.closeAndFail(err)
					continue
				}
				return future.Pending[struct{}]()
			}
			k, err := r.Get()
			switch {
			case err == io.EOF:
				t.c.Close()
				t.c = nil
				v, perr := ParseReply(t.buf[:t.n])
				if perr != nil {
					t.fail(perr)
					continue
				}
				t.disarm()
				t.rec.Record(v, time.Since(t.t0))
				t.st = clientIdle
			case err != nil:
				t.closeAndFail(err)
			default:
				t.n += k
				if t.n == len(t.buf) {
					t.closeAndFail(ErrReplyTooLong)
				}
			}

		case clientDone:
			future.PanicPolledAfterReady(t)
		}
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

func (t *clientTask) closeAndFail(err error) {
	t.c.Close()
	t.c = nil
	t.fail(err)
}

func (t *clientTask) fail(err error) {
	t.disarm()
	t.sh.fail(t.rec, err)
	t.st = clientIdle
}

func (t *clientTask) finish() future.Poll[struct{}] {
	t.st = clientDone
	t.rec.Flush()
	return future.Ready(struct{}{})
}
