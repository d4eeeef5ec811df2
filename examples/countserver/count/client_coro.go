package count

// The Async client's alternative (ClientConfig.Alt, the --alt flag): the
// same transactions as client_async.go, written as straight-line
// future/async bodies instead of a hand-written state machine. Each of the
// min(M, N) tasks loops: take a ticket, await the connect, await reads
// until EOF, record. Every await is bounded by the timeout of its phase
// and by the grace period after a stop.

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/bridge"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

func runCoroClient(s *clientShared, rec *Recorder) error {
	p, release, err := clientPool(s.cfg)
	if err != nil {
		return err
	}
	defer release()
	var hs []*pool.JoinHandle[struct{}]
	for range min(s.cfg.M, max(s.cfg.N, 1)) {
		sh := rec.Shard()
		body := func(a *async.Awaiter) struct{} {
			defer sh.Flush()
			var buf [MaxReply + 1]byte
			for s.take() {
				coroTransact(a, s, buf[:], sh)
				a.Yield() // a long run of ready sockets must not hold the worker
			}
			return struct{}{}
		}
		hs = append(hs, pool.Spawn(p, future.Future[struct{}](async.New(body))))
	}
	return joinAll(hs)
}

// coroTransact makes one transaction and records it.
func coroTransact(a *async.Awaiter, s *clientShared, buf []byte, sh *Shard) {
	t0 := time.Now()
	c, err := async.TryAwait(a, bounded[*poll.Conn](s, poll.Dial("tcp", s.cfg.Addr), s.cfg.Timeout))
	if err != nil {
		s.fail(sh, phaseErr(err, "connect", s.cfg.Timeout))
		return
	}
	defer c.Close()
	deadline := time.Now().Add(s.cfg.Timeout)
	n := 0
	for {
		k, err := async.TryAwait(a, bounded[int](s, c.Read(buf[n:]), time.Until(deadline)))
		n += k
		if err == io.EOF {
			break
		}
		if err != nil {
			s.fail(sh, phaseErr(err, "reply", s.cfg.Timeout))
			return
		}
		if n == len(buf) {
			s.fail(sh, ErrReplyTooLong)
			return
		}
	}
	v, err := ParseReply(buf[:n])
	if err != nil {
		s.fail(sh, err)
		return
	}
	sh.Record(v, time.Since(t0))
}

// bounded is f with a timeout of d, abandoned when the grace period after
// a stop runs out.
func bounded[T any](s *clientShared, f future.Future[future.Result[T]], d time.Duration) future.Future[future.Result[T]] {
	return bridge.TryWithContext(s.abandon, poll.TryTimeout(f, max(d, 0)))
}

// phaseErr turns the timeout of a bounded wait into the TimeoutError of
// its phase.
func phaseErr(err error, op string, d time.Duration) error {
	switch {
	case errors.Is(err, poll.ErrTimeout):
		return &TimeoutError{Op: op, After: d}
	case errors.Is(err, context.Canceled):
		return ErrAbandoned
	}
	return err
}
