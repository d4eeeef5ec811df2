package count

// The Async server's alternative (ServerConfig.Alt, the --alt flag): the
// same server as server_async.go, written as straight-line future/async
// bodies instead of hand-written futures. One body accepts:
//
//	loop: await Accept (or the stop)
//	        ├ refused for lack of descriptors: await the back-off, a
//	        │ closed connection, or the stop; loop
//	        ├ the stop: return nil
//	        ├ an error: return it
//	        └ a connection: spawn a body that writes its reply (bounded by
//	          asyncWriteTimeout) and closes it; loop
//
// Each body that has started owns a parked goroutine (see future/async), so
// this server costs more per connection than the hand-written one; it is
// here to compare the two styles, as the Rust demo compares tokio and
// async-std.

import (
	"context"
	"errors"
	"sync"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/bridge"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

func (s *asyncServer) serveCoro(ctx context.Context, srv *Server) error {
	var inflight sync.WaitGroup
	var closed closeWake
	body := func(aw *async.Awaiter) error {
		defer s.ln.Close()
		bo := acceptBackoff{log: srv.log}
		defer bo.end()
		seen := s.ln.Backoffs()
		var next uint64
		for {
			acc := &refusableAccept{acc: s.ln.Accept(), ln: s.ln, seen: &seen}
			c, err := async.TryAwait(aw, bridge.TryWithContext(ctx, future.Future[future.Result[*poll.Conn]](acc)))
			switch {
			case ctx.Err() != nil:
				return nil
			case errors.Is(err, errAcceptRefused):
				cause := ""
				if !bo.inBurst() {
					cause = refusedCause()
				}
				wait := bo.refusedBy(cause)
				closed.wait()
				_, _ = async.TryAwait(aw, bridge.WithContext(ctx, future.Race[struct{}](poll.Sleep(wait), closeWakeFuture{&closed})))
				closed.done()
				continue
			case err != nil:
				return err
			}
			bo.succeeded()
			var reply [MaxReply]byte
			n := len(AppendReply(reply[:0], next))
			next++
			srv.count.Store(next)
			inflight.Add(1)
			pool.SpawnFrom(aw.Context(), future.Future[struct{}](async.New(func(aw *async.Awaiter) struct{} {
				defer inflight.Done()
				// An error is the client's loss: it reset the connection, or
				// kept its window shut past asyncWriteTimeout.
				_, _ = async.TryAwait(aw, poll.TryTimeout[int](c.WriteAll(reply[:n]), asyncWriteTimeout))
				c.Close()
				closed.closed()
				return struct{}{}
			})))
		}
	}
	h := pool.Spawn(s.p, future.Future[error](async.New(body)))
	serr, err := h.Wait(context.Background())
	inflight.Wait() // graceful: the connections accepted are answered
	if err != nil {
		_ = s.ln.Close()
		return err
	}
	return serr
}

// errAcceptRefused is the result of a refusableAccept whose accept was
// refused for lack of descriptors or memory.
var errAcceptRefused = errors.New("count: accept refused")

// refusableAccept is ln.Accept, except that it completes with
// errAcceptRefused, instead of backing off by itself, when the listener
// counts a refused accept (Listener.Backoffs), so that the body backs off
// on its own terms.
type refusableAccept struct {
	acc  *poll.AcceptFuture
	ln   *poll.Listener
	seen *int64
}

func (f *refusableAccept) Poll(cx *future.Context) future.Poll[future.Result[*poll.Conn]] {
	r := f.acc.Poll(cx)
	if r.IsPending() {
		if b := f.ln.Backoffs(); b != *f.seen {
			*f.seen = b
			f.acc.Cancel()
			return future.Ready(future.Err[*poll.Conn](errAcceptRefused))
		}
	}
	return r
}

// Cancel withdraws the accept.
func (f *refusableAccept) Cancel() { f.acc.Cancel() }
