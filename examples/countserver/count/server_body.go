package count

//go:generate go run github.com/spindle-rt/spindle/cmd/spindle-async

import (
	"errors"
	"sync"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

// acceptor is what the accept loop of an async server shares with the
// connection tasks it spawns and with serve.
type acceptor struct {
	ln       *poll.Listener
	srv      *Server
	stop     stopSignal
	closed   closeWake      // a connection closed during a back-off
	inflight sync.WaitGroup // connection tasks not finished yet
	bo       acceptBackoff
	backoffs int64 // ln.Backoffs() as last seen
	coro     bool  // the bodies run on coroutines (ServerConfig.Alt)
}

// acceptBody accepts connections and spawns a task that answers each,
// until the stop or an accept error.
//
//spindle:async accept
func (a *acceptor) acceptBody(aw *async.Awaiter) error {
	defer a.ln.Close()
	defer a.bo.end()
	var next uint64 // only this body touches it
	for {
		c, err := async.TryAwait(aw, stoppableAccept{a: a, acc: a.ln.Accept()})
		switch {
		case err == errStopped:
			return nil
		case err == errAcceptRefused:
			// poll.Listener counts the refusals (EMFILE, ENFILE, ENOBUFS,
			// ENOMEM) without saying which: refusedCause finds out.
			cause := ""
			if !a.bo.inBurst() {
				cause = refusedCause()
			}
			wait := poll.Sleep(a.bo.refusedBy(cause))
			a.closed.wait()
			if stopped := async.Await(aw, backoffWait{a: a, timer: wait}); stopped {
				return nil
			}
			a.closed.done()
			continue
		case err != nil:
			if a.stop.fired.Load() {
				return nil
			}
			return err // the listener failed for good
		}
		a.bo.succeeded()
		v := next
		next++
		a.srv.count.Store(next)
		a.inflight.Add(1)
		a.spawnAnswer(aw.Context(), c, v)
	}
}

// spawnAnswer spawns the task that answers c with v, on the worker that
// runs cx.
func (a *acceptor) spawnAnswer(cx *future.Context, c *poll.Conn, v uint64) {
	if a.coro {
		pool.SpawnFrom(cx, future.Future[struct{}](async.New(func(aw *async.Awaiter) struct{} {
			a.answerBody(aw, c, v)
			return struct{}{}
		})))
		return
	}
	pool.SpawnFrom(cx, a.answer(c, v))
}

// answerBody writes v to c and closes it.
//
//spindle:async answer
func (a *acceptor) answerBody(aw *async.Awaiter, c *poll.Conn, v uint64) {
	var reply [MaxReply]byte
	n := len(AppendReply(reply[:0], v))
	// An error is the client's loss: it reset the connection, or kept its
	// window shut past asyncWriteTimeout.
	async.Await(aw, poll.Timeout(c.WriteAll(reply[:n]), asyncWriteTimeout))
	c.Close()
	a.closed.closed()
	a.inflight.Done()
}

var (
	// errStopped ends a stoppableAccept when the server is stopped.
	errStopped = errors.New("count: server stopped")
	// errAcceptRefused ends a stoppableAccept whose accept was refused
	// for lack of descriptors or memory.
	errAcceptRefused = errors.New("count: accept refused")
)

// stoppableAccept is acc, ended early with errStopped when the server is
// stopped and with errAcceptRefused, instead of poll.Listener's own
// back-off, when the listener counts a refused accept.
type stoppableAccept struct {
	a   *acceptor
	acc *poll.AcceptFuture
}

func (f stoppableAccept) Poll(cx *future.Context) future.Poll[future.Result[*poll.Conn]] {
	if f.a.stop.check(cx) {
		f.acc.Cancel()
		return future.Ready(future.Err[*poll.Conn](errStopped))
	}
	r := f.acc.Poll(cx)
	if r.IsPending() {
		if b := f.a.ln.Backoffs(); b != f.a.backoffs {
			f.a.backoffs = b
			f.acc.Cancel() // its own back-off timer is withdrawn
			return future.Ready(future.Err[*poll.Conn](errAcceptRefused))
		}
	}
	return r
}

// Cancel withdraws the accept.
func (f stoppableAccept) Cancel() { f.acc.Cancel() }

// backoffWait is the wait after a refused accept: it completes with false
// when its timer fires or a connection closes, with true when the server
// is stopped; the timer is cancelled either way.
type backoffWait struct {
	a     *acceptor
	timer *poll.SleepFuture
}

func (w backoffWait) Poll(cx *future.Context) future.Poll[bool] {
	stopped := w.a.stop.check(cx)
	if !stopped && !w.a.closed.check(cx) && w.timer.Poll(cx).IsPending() {
		return future.Pending[bool]()
	}
	w.timer.Cancel()
	return future.Ready(stopped)
}

// Cancel cancels the timer.
func (w backoffWait) Cancel() { w.timer.Cancel() }
