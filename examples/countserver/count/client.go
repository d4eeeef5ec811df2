package count

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
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
	// Timeout bounds each transaction, so that a server that accepts and
	// never answers cannot hang the client. Zero means DefaultTimeout.
	Timeout time.Duration
}

// DefaultTimeout is the transaction timeout of a ClientConfig that sets
// none.
const DefaultTimeout = 30 * time.Second

// ErrReplyTooLong is the error of a transaction whose reply exceeded
// MaxReply bytes.
var ErrReplyTooLong = errors.New("count: reply longer than 22 bytes")

// RunClient makes cfg.N transactions against cfg.Addr and records each in
// rec. It stops starting new transactions when ctx is done and returns
// after the ones in flight have finished. Failed transactions are recorded,
// not returned: the error is for a configuration that cannot run.
func RunClient(ctx context.Context, cfg ClientConfig, rec *Recorder) error {
	if cfg.N < 0 {
		return fmt.Errorf("count: negative transaction count %d", cfg.N)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	switch cfg.Mode {
	case Seq:
		runSeqClient(ctx, cfg, rec.Shard())
		return nil
	case Thread:
		if cfg.M < 1 {
			return fmt.Errorf("count: need at least 1 transaction in flight, got %d", cfg.M)
		}
		runThreadClient(ctx, cfg, rec)
		return nil
	case Async:
		if cfg.M < 1 {
			return fmt.Errorf("count: need at least 1 transaction in flight, got %d", cfg.M)
		}
		return runAsyncClient(ctx, cfg, rec)
	}
	return fmt.Errorf("count: unknown client mode %v", cfg.Mode)
}

func runSeqClient(ctx context.Context, cfg ClientConfig, sh *Shard) {
	defer sh.Flush()
	d := net.Dialer{Timeout: cfg.Timeout}
	var buf [MaxReply + 1]byte
	for range cfg.N {
		if ctx.Err() != nil {
			return
		}
		transactNet(&d, cfg, buf[:], sh)
	}
}

// runThreadClient runs M goroutines that take transactions from a shared
// ticket counter until N are taken.
func runThreadClient(ctx context.Context, cfg ClientConfig, rec *Recorder) {
	var tickets atomic.Int64
	tickets.Store(int64(cfg.N))
	var wg sync.WaitGroup
	for range min(cfg.M, max(cfg.N, 1)) {
		sh := rec.Shard()
		wg.Go(func() {
			defer sh.Flush()
			d := net.Dialer{Timeout: cfg.Timeout}
			var buf [MaxReply + 1]byte
			for ctx.Err() == nil && tickets.Add(-1) >= 0 {
				transactNet(&d, cfg, buf[:], sh)
			}
		})
	}
	wg.Wait()
}

// transactNet makes one transaction with the net package and records it.
func transactNet(d *net.Dialer, cfg ClientConfig, buf []byte, sh *Shard) {
	t0 := time.Now()
	c, err := d.Dial("tcp", cfg.Addr)
	if err != nil {
		sh.Fail(err)
		return
	}
	_ = c.SetReadDeadline(t0.Add(cfg.Timeout))
	n, err := readToEnd(c, buf)
	_ = c.Close()
	if err != nil {
		sh.Fail(err)
		return
	}
	v, err := ParseReply(buf[:n])
	if err != nil {
		sh.Fail(err)
		return
	}
	sh.Record(v, time.Since(t0))
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
