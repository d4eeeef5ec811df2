package poll_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/bridge"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/joinset"
)

func ExampleSleep() {
	start := time.Now()
	_, err := poll.BlockOn[struct{}](poll.Sleep(10 * time.Millisecond))
	fmt.Println(err, time.Since(start) >= 10*time.Millisecond)
	// Output: <nil> true
}

func ExampleTimeout() {
	never := future.Func[int](func(*future.Context) future.Poll[int] { return future.Pending[int]() })
	res, _ := poll.BlockOn(poll.Timeout[int](never, 5*time.Millisecond))
	fmt.Println(res.Err)
	// Output: poll: timeout
}

func ExampleInterval() {
	k := poll.Interval(time.Millisecond)
	ticks := 0
	poll.BlockOn[struct{}](future.Func[struct{}](func(cx *future.Context) future.Poll[struct{}] {
		for k.PollNext(cx).IsReady() {
			if ticks++; ticks == 3 {
				k.Stop()
				return future.Ready(struct{}{})
			}
		}
		return future.Pending[struct{}]()
	}))
	fmt.Println(ticks, "ticks")
	// Output: 3 ticks
}

// A server and a client in one program on one goroutine: BlockOn drives
// the reactor, Join2 polls the server's future and the client's until both
// are done.
func ExampleDial() {
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	server := async.Try(func(a *async.Awaiter) (string, error) {
		c, err := async.TryAwait(a, l.Accept())
		if err != nil {
			return "", err
		}
		defer c.Close()
		buf := make([]byte, 4)
		n, err := async.TryAwait(a, c.Read(buf))
		if err != nil {
			return "", err
		}
		_, err = async.TryAwait(a, c.WriteAll([]byte("pong")))
		return string(buf[:n]), err
	})
	client := async.Try(func(a *async.Awaiter) (string, error) {
		c, err := async.TryAwait(a, poll.Dial("tcp", l.Addr().String()))
		if err != nil {
			return "", err
		}
		defer c.Close()
		if _, err := async.TryAwait(a, c.WriteAll([]byte("ping"))); err != nil {
			return "", err
		}
		b, err := async.TryAwait(a, c.ReadToEnd()) // the server closes after "pong"
		return string(b), err
	})
	both, err := poll.BlockOn(future.Join2(server, client))
	if err != nil {
		panic(err)
	}
	fmt.Printf("server got %q\n", both.First.Value)
	fmt.Printf("client got %q\n", both.Second.Value)
	// Output:
	// server got "ping"
	// client got "pong"
}

// A server's accept loop: one task waits at once for a connection, for
// the signal to stop and for a connection's task to finish (tokio's
// select! over accept, shutdown and join_next), spawns a task per
// connection into a JoinSet, and reaps finished ones as it goes so that
// their results are not held. Stopping closes the listener and waits for
// the connections already accepted.
func ExampleListener_Accept() {
	p, err := poll.NewPool() // timers and sockets need the pool with a reactor
	if err != nil {
		panic(err)
	}
	defer p.Shutdown(context.Background())
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	server := pool.Spawn(p, async.New(func(a *async.Awaiter) int {
		defer l.Close()
		conns := joinset.New[int](p)
		accepted, served := 0, 0
		for {
			var conn *poll.Conn
			stopping := async.Await(a, future.SelectN(
				future.On(bridge.FromContext(ctx), func(error) bool { return true }),
				future.On(l.Accept(), func(r future.Result[*poll.Conn]) bool {
					conn = r.Value
					return r.Err != nil // the listener failed: stop
				}),
				future.On(conns.Next(), func(future.Result[int]) bool {
					served++
					return false
				}).If(conns.Len() > 0), // Next on an empty set would be Ready at once
			))
			if stopping {
				break
			}
			if conn != nil {
				accepted++
				conns.SpawnOkFrom(a.Context(), greet(conn, accepted))
			}
		}
		rest, _ := async.Await(a, conns.JoinAll()).Get()
		return served + len(rest)
	}))

	for range 3 { // clients in plain Go
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			panic(err)
		}
		b, _ := io.ReadAll(c)
		c.Close()
		fmt.Print(string(b))
	}
	stop()
	served, err := server.Wait(context.Background())
	fmt.Println("served", served, err)
	// Output:
	// hello, client 1
	// hello, client 2
	// hello, client 3
	// served 3 <nil>
}

// greet is one connection's task: it writes a line and closes.
func greet(c *poll.Conn, n int) future.Future[int] {
	return async.New(func(a *async.Awaiter) int {
		defer c.Close()
		k, _ := async.TryAwait(a, c.WriteAll(fmt.Appendf(nil, "hello, client %d\n", n)))
		return k
	})
}

func ExampleNewPool() {
	p, err := poll.NewPool(pool.WithWorkers(2))
	if err != nil {
		panic(err)
	}
	defer p.Shutdown(context.Background())
	h := pool.Spawn(p, future.Future[future.Result[struct{}]](poll.Timeout[struct{}](poll.Sleep(time.Millisecond), time.Second)))
	res, err := h.Wait(context.Background())
	fmt.Println(res.Err, err)
	// Output: <nil> <nil>
}
