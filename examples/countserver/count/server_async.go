package count

// The async server is two hand-written futures on a spindle pool.
//
// acceptTask, one per server, loops:
//
//	check stop ──fired──▶ close listener ──▶ Ready
//	    │
//	    ▼
//	backing off? ──timer pending and no connection closed──▶ Pending
//	    │ no, or the wait is over
//	    ▼
//	poll Accept ──Pending, the listener counted a refused accept──▶ drop
//	    │                 that Accept, back off (acceptBackoff) ──▶ loop
//	    ├ Pending ──▶ Pending
//	    │ Ok(conn): hand out the next value, spawn a connTask on this
//	    │           worker, end a burst of refused accepts, loop
//	    └ Err: the listener failed for good ──▶ Ready(err)
//
// poll.Listener backs off by itself on EMFILE (5 ms doubling to 1 s); the
// accept task watches Listener.Backoffs to see a refused accept, cancels
// that Accept and waits on its own terms instead: from MinAcceptBackoff,
// and woken early by a connTask that closes its connection.
//
// connTask, one per connection:
//
//	writing ──all bytes written, or an error──▶ close ──▶ Ready
//	   │ Pending (the client's window is full: almost never for 22 bytes)
//	   ▼
//	arm a write deadline; if it passes first ──▶ close ──▶ Ready
//
// No goroutine is started per connection: a connTask is a small struct
// that the reactor wakes when its socket is writable.

import (
	"context"
	"net"
	"sync"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

// asyncWriteTimeout bounds how long a connection task waits for a client
// whose receive window is closed.
const asyncWriteTimeout = 10 * time.Second

type asyncServer struct {
	ln  *poll.Listener
	p   *pool.Pool
	own bool // p was made by listenAsync: shut it down at the end
	alt bool // serve with future/async bodies (server_coro.go)
}

// listenAsync makes the pool (when the config brings none) together with
// the listener, so that every descriptor the server needs exists before it
// serves: a server started while descriptors are short fails at once
// instead of later.
func listenAsync(addr string, cfg ServerConfig) (serverImpl, error) {
	ln, err := poll.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &asyncServer{ln: ln, p: cfg.Pool, alt: cfg.Alt}
	if s.p == nil {
		var opts []pool.Option
		workers := cfg.Workers
		if workers <= 0 {
			workers = DefaultServerWorkers
		}
		opts = append(opts, pool.WithWorkers(workers))
		if s.p, err = NewPool(opts...); err != nil {
			_ = ln.Close()
			return nil, err
		}
		s.own = true
	}
	return s, nil
}

func (s *asyncServer) addr() net.Addr { return s.ln.Addr() }

func (s *asyncServer) close() error {
	err := s.ln.Close()
	if s.own {
		shutdownPool(s.p)
	}
	return err
}

func (s *asyncServer) serve(ctx context.Context, srv *Server) error {
	p := s.p
	if s.own {
		defer shutdownPool(p)
	}
	if s.alt {
		return s.serveCoro(ctx, srv)
	}
	a := &acceptTask{ln: s.ln, srv: srv, bo: acceptBackoff{log: srv.log}}
	h := pool.Spawn(p, future.Future[error](a))
	stop := context.AfterFunc(ctx, a.stop.fire)
	defer stop()
	serr, err := h.Wait(context.Background())
	// The accept task has returned, so no connection task is spawned any
	// more: wait for the ones in flight (graceful shutdown).
	a.inflight.Wait()
	if err != nil {
		_ = s.ln.Close()
		return err
	}
	return serr
}

// acceptTask accepts connections and spawns a connTask for each.
type acceptTask struct {
	ln       *poll.Listener
	srv      *Server
	stop     stopSignal
	inflight sync.WaitGroup // connection tasks not finished yet

	acc      *poll.AcceptFuture // the accept in progress, nil between
	next     uint64             // the next value; only this task touches it
	backoffs int64              // ln.Backoffs() as last seen
	bo       acceptBackoff
	timer    *poll.SleepFuture // the back-off in progress, nil outside one
	closed   closeWake         // a connTask closed its connection during the back-off
	done     bool
}

func (a *acceptTask) Poll(cx *future.Context) future.Poll[error] {
	if a.done {
		future.PanicPolledAfterReady(a)
	}
	for {
		if a.stop.check(cx) {
			return a.finish(nil)
		}
		if a.timer != nil {
			if !a.closed.check(cx) && a.timer.Poll(cx).IsPending() {
				return future.Pending[error]()
			}
			a.endWait()
		}
		if a.acc == nil {
			a.acc = a.ln.Accept()
		}
		r, ok := a.acc.Poll(cx).Value()
		if !ok {
			if b := a.ln.Backoffs(); b != a.backoffs {
				a.backoffs = b
				a.acc.Cancel() // its own back-off timer is withdrawn
				a.acc = nil
				a.startWait()
				continue
			}
			return future.Pending[error]()
		}
		a.acc = nil
		c, err := r.Get()
		if err != nil {
			if a.stop.check(cx) {
				return a.finish(nil)
			}
			return a.finish(err)
		}
		a.bo.succeeded()
		t := &connTask{c: c, a: a}
		t.n = len(AppendReply(t.buf[:0], a.next))
		a.next++
		a.srv.count.Store(a.next)
		a.inflight.Add(1)
		pool.SpawnFrom(cx, future.Future[struct{}](t))
	}
}

// startWait starts the back-off after a refused accept. poll.Listener
// counts the refusals (EMFILE, ENFILE, ENOBUFS, ENOMEM) without saying
// which; refusedCause finds out.
func (a *acceptTask) startWait() {
	cause := ""
	if !a.bo.inBurst() {
		cause = refusedCause()
	}
	a.timer = poll.Sleep(a.bo.refusedBy(cause))
	a.closed.wait()
}

// endWait ends a back-off: its timer fired or a connection closed.
func (a *acceptTask) endWait() {
	a.timer.Cancel()
	a.timer = nil
	a.closed.done()
}

func (a *acceptTask) finish(err error) future.Poll[error] {
	a.done = true
	if a.acc != nil {
		a.acc.Cancel()
		a.acc = nil
	}
	if a.timer != nil {
		a.timer.Cancel()
		a.timer = nil
	}
	a.bo.end()
	_ = a.ln.Close()
	return future.Ready(err)
}

// connTask writes one reply and closes the connection.
type connTask struct {
	c     *poll.Conn
	a     *acceptTask
	buf   [MaxReply]byte
	n     int // reply length
	off   int // bytes written
	timer *poll.SleepFuture
	done  bool
}

func (t *connTask) Poll(cx *future.Context) future.Poll[struct{}] {
	if t.done {
		future.PanicPolledAfterReady(t)
	}
	for t.off < t.n {
		r, ok := t.c.PollWrite(cx, t.buf[t.off:t.n]).Value()
		if !ok {
			if t.timer == nil {
				t.timer = poll.Sleep(asyncWriteTimeout)
			}
			if t.timer.Poll(cx).IsPending() {
				return future.Pending[struct{}]()
			}
			t.timer = nil // fired: give up on this client
			break
		}
		if r.Err != nil {
			break // the client reset the connection: its loss
		}
		t.off += r.Value
	}
	if t.timer != nil {
		t.timer.Cancel()
	}
	t.c.Close()
	t.done = true
	t.a.closed.closed()
	t.a.inflight.Done()
	return future.Ready(struct{}{})
}
