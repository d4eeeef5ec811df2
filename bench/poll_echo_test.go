package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

const pollEchoMsg = 64

// BenchmarkPollEcho: 64-byte echo round trips over loopback, one op = one
// round trip, with 1 and 32 connections busy at once. Servers: spindle (a
// task per connection on a 2-worker pool with a reactor) and plain Go (a
// goroutine per connection with package net). Clients: goroutines with
// net for both servers ("net-client"), and for spindle also spindle tasks
// on the same pool ("spindle-both" against "go-both").
func BenchmarkPollEcho(b *testing.B) {
	for _, conns := range []int{1, 32} {
		b.Run(fmt.Sprintf("conns=%d/spindle-server/net-client", conns), func(b *testing.B) {
			_, addr, stop := pollEchoServer(b)
			defer stop()
			pollNetClients(b, addr, conns)
		})
		b.Run(fmt.Sprintf("conns=%d/go-server/net-client", conns), func(b *testing.B) {
			addr, stop := goEchoServer(b)
			defer stop()
			pollNetClients(b, addr, conns)
		})
		b.Run(fmt.Sprintf("conns=%d/spindle-both", conns), func(b *testing.B) {
			p, addr, stop := pollEchoServer(b)
			defer stop()
			per := (b.N + conns - 1) / conns
			b.ResetTimer()
			hs := make([]*pool.JoinHandle[error], conns)
			for i := range hs {
				hs[i] = pool.Spawn(p, pollEchoClient(addr, per))
			}
			for _, h := range hs {
				if err, _ := h.Wait(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("conns=%d/go-both", conns), func(b *testing.B) {
			addr, stop := goEchoServer(b)
			defer stop()
			pollNetClients(b, addr, conns)
		})
	}
}

func pollNetClients(b *testing.B, addr string, conns int) {
	cs := make([]net.Conn, conns)
	for i := range cs {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		cs[i] = c
	}
	per := (b.N + conns - 1) / conns
	b.ResetTimer()
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Go(func() {
			msg := make([]byte, pollEchoMsg)
			got := make([]byte, pollEchoMsg)
			for range per {
				if _, err := c.Write(msg); err != nil {
					b.Error(err)
					return
				}
				if _, err := io.ReadFull(c, got); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func goEchoServer(b *testing.B) (string, func()) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				buf := make([]byte, 32<<10)
				for {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					if _, err := c.Write(buf[:n]); err != nil {
						return
					}
				}
			})
		}
	})
	return l.Addr().String(), func() { l.Close(); wg.Wait() }
}

// pollEchoServer starts a 2-worker pool with a reactor and an echo server
// task on it. stop closes the listener (ending the accept task) and shuts
// the pool down; connections are closed by their clients first, which ends
// their tasks.
func pollEchoServer(b *testing.B) (*pool.Pool, string, func()) {
	p, err := poll.NewPool(pool.WithWorkers(2))
	if err != nil {
		b.Fatal(err)
	}
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	var acc *poll.AcceptFuture
	pool.Spawn(p, future.Future[struct{}](future.Func[struct{}](func(cx *future.Context) future.Poll[struct{}] {
		for {
			if acc == nil {
				acc = l.Accept()
			}
			res, ok := acc.Poll(cx).Value()
			if !ok {
				return future.Pending[struct{}]()
			}
			acc = nil
			if res.Err != nil {
				return future.Ready(struct{}{})
			}
			pool.SpawnFrom(cx, future.Future[struct{}](&pollEcho{c: res.Value, buf: make([]byte, 32<<10)}))
		}
	})))
	return p, l.Addr().String(), func() {
		l.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := p.Shutdown(ctx); err != nil {
			b.Error(err)
		}
	}
}

// pollEcho is the hand-written echo task: read, write it all back, repeat.
type pollEcho struct {
	c   *poll.Conn
	buf []byte
	n   int // bytes read and not yet written
	off int
}

func (e *pollEcho) Poll(cx *future.Context) future.Poll[struct{}] {
	for {
		if e.n == 0 {
			r, ok := e.c.PollRead(cx, e.buf).Value()
			if !ok {
				return future.Pending[struct{}]()
			}
			if r.Err != nil {
				e.c.Close()
				return future.Ready(struct{}{})
			}
			e.n, e.off = r.Value, 0
		}
		for e.off < e.n {
			r, ok := e.c.PollWrite(cx, e.buf[e.off:e.n]).Value()
			if !ok {
				return future.Pending[struct{}]()
			}
			if r.Err != nil {
				e.c.Close()
				return future.Ready(struct{}{})
			}
			e.off += r.Value
		}
		e.n = 0
	}
}

// pollEchoClient dials addr and does n round trips.
func pollEchoClient(addr string, n int) future.Future[error] {
	var dial *poll.DialFuture
	var c *poll.Conn
	msg := make([]byte, pollEchoMsg)
	got := make([]byte, pollEchoMsg)
	sent, recvd, done := 0, 0, 0
	return future.Func[error](func(cx *future.Context) future.Poll[error] {
		if c == nil {
			if dial == nil {
				dial = poll.Dial("tcp", addr)
			}
			res, ok := dial.Poll(cx).Value()
			if !ok {
				return future.Pending[error]()
			}
			if res.Err != nil {
				return future.Ready(res.Err)
			}
			c = res.Value
		}
		for done < n {
			for sent < len(msg) {
				r, ok := c.PollWrite(cx, msg[sent:]).Value()
				if !ok {
					return future.Pending[error]()
				}
				if r.Err != nil {
					return future.Ready(r.Err)
				}
				sent += r.Value
			}
			for recvd < len(got) {
				r, ok := c.PollRead(cx, got[recvd:]).Value()
				if !ok {
					return future.Pending[error]()
				}
				if r.Err != nil {
					return future.Ready(r.Err)
				}
				recvd += r.Value
			}
			sent, recvd = 0, 0
			done++
		}
		c.Close()
		return future.Ready[error](nil)
	})
}
