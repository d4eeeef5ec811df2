package count

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spindle-rt/spindle/pool"
)

// ClientConfig configures a client run.
type ClientConfig struct {
	// Mode is the concurrency model. Required.
	Mode Mode
	// Addr is the server's "host:port".
	Addr string
	// N is the number of transactions to make.
	N int
	// M is the most transactions in flight at once; Seq ignores it.
	M int
	// Pool is the pool an Async client runs on; it must have a reactor as
	// its driver (see NewPool). Nil makes the client create one for the
	// run. Other modes ignore it.
	Pool *pool.Pool
	// Workers is the number of workers of the pool an Async client makes
	// for itself (when Pool is nil); zero means the pool's default.
	Workers int
	// Timeout bounds the connect of each transaction, and then, from the
	// moment it connected, the wait for the whole reply: a server that
	// accepts and never answers costs a transaction at most 2×Timeout.
	// Zero means DefaultTimeout.
	Timeout time.Duration
	// Grace bounds how long the transactions in flight may go on once ctx
	// has ended; those still unfinished then are abandoned (recorded as
	// failed with ErrAbandoned). Zero means DefaultGrace.
	Grace time.Duration
	// Alt selects the other implementation of the mode, as the Rust
	// demo's --alt does: for Async, the same async function run on
	// coroutines by future/async instead of compiled by spindle-async. Seq and Thread
	// have no other client (as in the Rust demo) and refuse it.
	Alt bool
}

// DefaultTimeout is the connect timeout, and the reply timeout, of a
// ClientConfig that sets none. A loopback transaction takes tens of µs; a
// connect that waits for a full listen backlog is retried by the kernel
// after 1 s and 3 s, so 10 s leaves room for that and still gives up on a
// server that will never answer.
const DefaultTimeout = 10 * time.Second

// DefaultGrace is the Grace of a ClientConfig that sets none: after a stop
// (Ctrl-C), the transactions in flight get this long to finish.
const DefaultGrace = 2 * time.Second

// ErrReplyTooLong is the error of a transaction whose reply exceeded
// MaxReply bytes.
var ErrReplyTooLong = errors.New("count: reply longer than 22 bytes")

// ErrAbandoned is the error of a transaction still in flight when the
// grace period after a stop ran out.
var ErrAbandoned = errors.New("count: transaction abandoned: the grace period after the stop ran out")

// TimeoutError is the error of a transaction that did not connect, or did
// not get its whole reply, within ClientConfig.Timeout.
type TimeoutError struct {
	// Op is "connect" or "reply".
	Op string
	// After is the timeout that ran out.
	After time.Duration
}

func (e *TimeoutError) Error() string {
	if e.Op == "connect" {
		return fmt.Sprintf("count: connect timed out after %v", e.After)
	}
	return fmt.Sprintf("count: no complete reply within %v of connecting", e.After)
}

// Timeout reports true, as net.Error's Timeout does.
func (e *TimeoutError) Timeout() bool { return true }

// GiveUpError is returned by RunClient when it stopped early because the
// server cannot be reached or does not answer: the connection was refused,
// the host is unreachable, or a transaction timed out. Every further
// transaction would fail the same way, so the client starts no more and
// lets the ones in flight end (each within its timeout).
type GiveUpError struct {
	// Addr is the server's address.
	Addr string
	// Err is the failure of the transaction that made the client give up.
	Err error
}

func (e *GiveUpError) Error() string {
	var te *TimeoutError
	switch {
	case errors.Is(e.Err, syscall.ECONNREFUSED):
		return fmt.Sprintf("connection to %s refused: no server is listening there", e.Addr)
	case errors.As(e.Err, &te) && te.Op == "connect":
		return fmt.Sprintf("no connection to %s within %v (timeout)", e.Addr, te.After)
	case errors.As(e.Err, &te):
		return fmt.Sprintf("server %s accepted but sent no complete reply within %v (timeout)", e.Addr, te.After)
	}
	return fmt.Sprintf("server %s unreachable: %v", e.Addr, e.Err)
}

func (e *GiveUpError) Unwrap() error { return e.Err }

// RunClient makes cfg.N transactions against cfg.Addr and records each in
// rec. It stops starting new transactions when ctx is done and returns
// after the ones in flight have finished, or after cfg.Grace. A failed
// transaction is recorded, not returned; RunClient returns a *GiveUpError
// when a failure means the server is gone or stuck (see GiveUpError), and
// other errors for a configuration that cannot run.
func RunClient(ctx context.Context, cfg ClientConfig, rec *Recorder) error {
	if cfg.N < 0 {
		return fmt.Errorf("count: negative transaction count %d", cfg.N)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Grace <= 0 {
		cfg.Grace = DefaultGrace
	}
	if cfg.Alt && cfg.Mode != Async {
		return fmt.Errorf("count: no alt %v client", cfg.Mode)
	}
	if cfg.Mode == Seq {
		cfg.M = 1
	}
	if cfg.M < 1 && (cfg.Mode == Thread || cfg.Mode == Async) {
		return fmt.Errorf("count: need at least 1 transaction in flight, got %d", cfg.M)
	}
	sh, release := newClientShared(ctx, cfg)
	defer release()
	var err error
	switch cfg.Mode {
	case Seq, Thread:
		runNetClient(sh, rec)
	case Async:
		err = runAsyncClient(sh, rec)
	default:
		return fmt.Errorf("count: unknown client mode %v", cfg.Mode)
	}
	if err != nil {
		return err
	}
	if g := sh.gaveUp.Load(); g != nil {
		return g
	}
	return nil
}

// clientShared is what the workers of one client run share, in every mode.
type clientShared struct {
	cfg     ClientConfig
	tickets atomic.Int64 // transactions not yet started; below 0 when all are taken
	stopped atomic.Bool  // ctx ended or the client gave up: start no more transactions
	gaveUp  atomic.Pointer[GiveUpError]
	// abandon ends cfg.Grace after ctx ends: the transactions in flight
	// then give up too.
	abandon context.Context
}

// newClientShared returns the shared state of a run and a function that
// releases its context callbacks and timer.
func newClientShared(ctx context.Context, cfg ClientConfig) (*clientShared, func()) {
	s := &clientShared{cfg: cfg}
	s.tickets.Store(int64(cfg.N))
	abandon, cancel := context.WithCancel(context.Background())
	s.abandon = abandon
	var mu sync.Mutex
	var grace *time.Timer
	released := false
	stop := context.AfterFunc(ctx, func() {
		s.stopped.Store(true)
		mu.Lock()
		defer mu.Unlock()
		if !released {
			grace = time.AfterFunc(cfg.Grace, cancel)
		}
	})
	return s, func() {
		stop()
		mu.Lock()
		released = true
		if grace != nil {
			grace.Stop()
		}
		mu.Unlock()
		cancel()
	}
}

// take reports whether the caller may start one more transaction.
func (s *clientShared) take() bool {
	return !s.stopped.Load() && s.tickets.Add(-1) >= 0
}

// fail records a failed transaction and makes the client give up when
// the failure says the server is gone or stuck.
func (s *clientShared) fail(sh *Shard, err error) {
	if s.abandon.Err() != nil {
		err = ErrAbandoned
	}
	sh.Fail(err)
	if fatal(err) {
		s.gaveUp.CompareAndSwap(nil, &GiveUpError{Addr: s.cfg.Addr, Err: err})
		s.stopped.Store(true)
	}
}

// fatal reports whether err means no further transaction can succeed:
// nothing listens at the address, the host cannot be reached, or the
// server let a transaction time out.
func fatal(err error) bool {
	var te *TimeoutError
	return errors.As(err, &te) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH)
}

// runNetClient runs M goroutines (one for Seq) that take transactions
// from the shared tickets until N are taken, with the net package.
func runNetClient(s *clientShared, rec *Recorder) {
	var wg sync.WaitGroup
	for range min(s.cfg.M, max(s.cfg.N, 1)) {
		sh := rec.Shard()
		wg.Go(func() {
			defer sh.Flush()
			d := net.Dialer{Timeout: s.cfg.Timeout}
			var buf [MaxReply + 1]byte
			for s.take() {
				transactNet(&d, s, buf[:], sh)
			}
		})
	}
	wg.Wait()
}

// aLongTimeAgo is a deadline in the past: setting it fails pending I/O.
var aLongTimeAgo = time.Unix(1, 0)

// transactNet makes one transaction with the net package and records it.
func transactNet(d *net.Dialer, s *clientShared, buf []byte, sh *Shard) {
	t0 := time.Now()
	c, err := d.DialContext(s.abandon, "tcp", s.cfg.Addr)
	if err != nil {
		if isTimeout(err) && s.abandon.Err() == nil {
			err = &TimeoutError{Op: "connect", After: s.cfg.Timeout}
		}
		s.fail(sh, err)
		return
	}
	_ = c.SetReadDeadline(time.Now().Add(s.cfg.Timeout))
	stop := context.AfterFunc(s.abandon, func() { _ = c.SetReadDeadline(aLongTimeAgo) })
	n, err := readToEnd(c, buf)
	stop()
	_ = c.Close()
	if err != nil {
		if isTimeout(err) {
			err = &TimeoutError{Op: "reply", After: s.cfg.Timeout}
		}
		s.fail(sh, err)
		return
	}
	v, err := ParseReply(buf[:n])
	if err != nil {
		s.fail(sh, err)
		return
	}
	sh.Record(v, time.Since(t0))
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}

// readToEnd reads r until EOF into buf. Filling buf is an error: buf is one
// byte longer than any valid reply.
func readToEnd(r io.Reader, buf []byte) (int, error) {
	n := 0
	for {
		k, err := r.Read(buf[n:])
		n += k
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if n == len(buf) {
			return n, ErrReplyTooLong
		}
	}
}

// Measure runs a client that records nothing but the outcome and returns
// its report, or an error if the run could not start or any transaction
// failed. Benchmarks use it.
func Measure(ctx context.Context, cfg ClientConfig) (*Report, error) {
	rec := NewRecorder(nil)
	t0 := time.Now()
	if err := RunClient(ctx, cfg, rec); err != nil {
		return nil, err
	}
	rep := rec.Report(cfg.N, time.Since(t0))
	if rep.Errors > 0 {
		return rep, fmt.Errorf("count: %d of %d transactions failed (first: %w)", rep.Errors, cfg.N, rep.FirstErr)
	}
	return rep, nil
}
