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
// While dialing or reading a transaction is bounded by a deadline timer,
// armed the first time the transaction has to wait.

import (
	"context"
	"io"
	"sync/atomic"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

func runAsyncClient(ctx context.Context, cfg ClientConfig, rec *Recorder) error {
	p := cfg.Pool
	if p == nil {
		var err error
		var opts []pool.Option
		if cfg.Workers > 0 {
			opts = append(opts, pool.WithWorkers(cfg.Workers))
		}
		if p, err = NewPool(opts...); err != nil {
			return err
		}
		defer shutdownPool(p)
	}
	shared := &clientShared{cfg: cfg}
	shared.tickets.Store(int64(cfg.N))
	stop := context.AfterFunc(ctx, func() { shared.stopped.Store(true) })
	defer stop()
	var hs []*pool.JoinHandle[struct{}]
	for range min(cfg.M, max(cfg.N, 1)) {
		t := &clientTask{sh: shared, rec: rec.Shard()}
		hs = append(hs, pool.Spawn(p, future.Future[struct{}](t)))
	}
	var first error
	for _, h := range hs {
		if _, err := h.Wait(context.Background()); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// clientShared is what a client's tasks share.
type clientShared struct {
	cfg     ClientConfig
	tickets atomic.Int64 // transactions not yet started; below 0 when all are taken
	stopped atomic.Bool  // ctx ended: start no more transactions
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
	sh    *clientShared
	rec   *Shard
	st    clientState
	t0    time.Time
	dial  *poll.DialFuture
	c     *poll.Conn
	buf   [MaxReply + 1]byte
	n     int
	timer *poll.SleepFuture // deadline of the transaction, armed on its first wait
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
			if t.sh.tickets.Add(-1) < 0 {
				return t.finish()
			}
			t.t0 = time.Now()
			t.dial = poll.Dial("tcp", t.sh.cfg.Addr)
			t.st = clientDialing

		case clientDialing:
			r, ok := t.dial.Poll(cx).Value()
			if !ok {
				if t.expired(cx) {
					t.dial.Cancel()
					t.fail(poll.ErrTimeout)
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
			t.st = clientReading

		case clientReading:
			r, ok := t.c.PollRead(cx, t.buf[t.n:]).Value()
			if !ok {
				if t.expired(cx) {
					t.closeAndFail(poll.ErrTimeout)
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

// expired arms the transaction's deadline on its first wait and reports
// whether it has passed.
func (t *clientTask) expired(cx *future.Context) bool {
	if t.timer == nil {
		t.timer = poll.SleepUntil(t.t0.Add(t.sh.cfg.Timeout))
	}
	if t.timer.Poll(cx).IsPending() {
		return false
	}
	t.timer = nil
	return true
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
	t.rec.Fail(err)
	t.st = clientIdle
}

func (t *clientTask) finish() future.Poll[struct{}] {
	t.st = clientDone
	t.rec.Flush()
	return future.Ready(struct{}{})
}
