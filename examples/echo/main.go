// Command echo is a TCP echo server and client on spindle: a task per
// connection on a two-worker pool whose idle worker waits in the epoll
// reactor.
//
//	echo -listen 127.0.0.1:7000          # serve until interrupted
//	echo -connect 127.0.0.1:7000 hello   # send "hello", print the echo
//	echo                                 # demo: server and 100 clients in one process
//	echo -goroutines                     # the demo with a goroutine per connection (goroutine.go)
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

func main() {
	listen := flag.String("listen", "", "serve on this address")
	connect := flag.String("connect", "", "send the arguments to this server")
	goroutines := flag.Bool("goroutines", false, "demo: serve with a goroutine per connection instead of a task")
	flag.Parse()
	var err error
	switch {
	case *listen != "":
		err = runServer(*listen)
	case *connect != "":
		err = runClient(*connect, strings.Join(flag.Args(), " "))
	default:
		err = demo(100, *goroutines)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "echo:", err)
		os.Exit(1)
	}
}

func runServer(addr string) error {
	p, err := poll.NewPool(pool.WithWorkers(2))
	if err != nil {
		return err
	}
	defer p.Shutdown(context.Background())
	l, err := poll.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Println("echo: serving on", l.Addr())
	h := pool.Spawn(p, serve(l))
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	<-stop
	l.Close()
	_, err = h.Wait(context.Background())
	return err
}

func runClient(addr, msg string) error {
	// A single future needs no pool: BlockOn drives a reactor on this
	// goroutine.
	b, err := poll.TryBlockOn(poll.TryTimeout(client(addr, []byte(msg)), 10*time.Second))
	if err != nil {
		return err
	}
	fmt.Println(string(b))
	return nil
}

// demo serves on a free loopback port, with tasks or with goroutines, and
// runs n clients against it at once, each checking its own echo.
func demo(n int, goroutines bool) error {
	p, err := poll.NewPool(pool.WithWorkers(2))
	if err != nil {
		return err
	}
	var l interface {
		Addr() net.Addr
		Close() error
	}
	var server func() (error, error) // the server's result, and the pool's error
	if goroutines {
		nl, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		done := make(chan error, 1)
		go func() { done <- serveGoroutines(nl) }()
		l, server = nl, func() (error, error) { return <-done, nil }
	} else {
		pl, err := poll.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		h := pool.Spawn(p, serve(pl))
		l, server = pl, func() (error, error) { return h.Wait(context.Background()) }
	}
	hs := make([]*pool.JoinHandle[future.Result[[]byte]], n)
	msgs := make([][]byte, n)
	for i := range hs {
		msgs[i] = bytes.Repeat([]byte{byte('a' + i%26)}, 1000*(i+1))
		hs[i] = pool.Spawn(p, client(l.Addr().String(), msgs[i]))
	}
	ok := 0
	for i, h := range hs {
		b, err := pool.TryWait(context.Background(), h)
		if err == nil && bytes.Equal(b, msgs[i]) {
			ok++
		}
	}
	l.Close()
	if v, err := server(); err != nil || !errors.Is(v, net.ErrClosed) {
		return fmt.Errorf("server ended with %v, %v; want net.ErrClosed", v, err)
	}
	if err := p.Shutdown(context.Background()); err != nil {
		return err
	}
	fmt.Printf("echo: %d of %d clients got their bytes back\n", ok, n)
	if ok != n {
		return fmt.Errorf("%d clients failed", n-ok)
	}
	return nil
}
