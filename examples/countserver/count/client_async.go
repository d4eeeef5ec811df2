package count

// The async client runs min(M, N) clientTasks on a spindle pool. They take
// transactions from a shared ticket counter, so at most M are in flight.
// Each task is an async function (client_body.go), compiled by
// spindle-async into a future or, with Alt, run on a coroutine by
// future/async, looping through one transaction after another:
//
//	stop, or no ticket left ──▶ return
//	take a ticket; await the connect ──error──▶ record the failure; loop
//	await reads until EOF ──error, or the reply buffer full──▶ close,
//	  record the failure; loop
//	close, parse, record; loop
//
// The connect, and then the reply, are each bounded by a deadline timer
// (ClientConfig.Timeout), armed the first time the transaction has to
// wait; a wait also ends when the grace period after a stop runs out.

import (
	"context"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
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
		var f future.Future[struct{}] = t.run()
		if s.cfg.Alt {
			f = async.New(func(a *async.Awaiter) struct{} {
				t.runBody(a)
				return struct{}{}
			})
		}
		hs = append(hs, pool.Spawn(p, f))
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
