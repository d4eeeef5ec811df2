package poll_test

import (
	"context"
	"fmt"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
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
// the reactor, the client's future does the dialing, the server's accepts.
func ExampleDial() {
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	var srv, cli future.Future[struct{}]
	srv = pingServer(l)
	cli = pingClient(l.Addr().String())
	both := future.Func[string](func(cx *future.Context) future.Poll[string] {
		if srv != nil && srv.Poll(cx).IsReady() {
			srv = nil
		}
		if cli != nil && cli.Poll(cx).IsReady() {
			cli = nil
		}
		if srv == nil && cli == nil {
			return future.Ready("done")
		}
		return future.Pending[string]()
	})
	fmt.Println(poll.BlockOn[string](both))
	// Output:
	// server got "ping"
	// client got "pong"
	// done <nil>
}

// pingServer accepts one connection, reads to EOF and answers "pong".
func pingServer(l *poll.Listener) future.Future[struct{}] {
	acc := l.Accept()
	var c *poll.Conn
	var rd future.Future[future.Result[[]byte]]
	var wr future.Future[future.Result[int]]
	return fn(func(cx *future.Context) bool {
		if c == nil {
			res, ok := acc.Poll(cx).Value()
			if !ok {
				return false
			}
			c = res.Value
			rd = c.ReadToEnd()
		}
		if rd != nil {
			res, ok := rd.Poll(cx).Value()
			if !ok {
				return false
			}
			fmt.Printf("server got %q\n", res.Value)
			rd, wr = nil, c.WriteAll([]byte("pong"))
		}
		if _, ok := wr.Poll(cx).Value(); !ok {
			return false
		}
		c.Close()
		return true
	})
}

// pingClient says "ping", half-closes and reads the answer.
func pingClient(addr string) future.Future[struct{}] {
	return roundTrip("tcp", addr, []byte("ping"), func(b []byte, err error) {
		fmt.Printf("client got %q\n", b)
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
