// Command httpd is an HTTP/1.1 server written on spindle: a task per
// connection, compiled by spindle-async into a state machine (conn.go,
// conn_async.go), keep-alive and pipelining, GET / and /count (the count
// server's counter over HTTP), limits and timeouts against bad clients,
// and a graceful stop on SIGTERM or SIGINT.
//
//	go run ./examples/httpd -addr 127.0.0.1:8080
//	curl http://127.0.0.1:8080/count
//
// With -nethttp it serves the same handler with net/http instead, for the
// benchmark in bench/cmd/httpbench. It prints "listening on ADDR" once it
// accepts, "served N connections" when it stops, and a line of memory
// statistics at each SIGUSR1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/stream"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "httpd:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("httpd", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	workers := fs.Int("workers", 0, "spindle pool workers (default GOMAXPROCS)")
	nethttp := fs.Bool("nethttp", false, "serve the same handler with net/http instead, for comparison")
	var cfg Config
	fs.IntVar(&cfg.MaxHeaderBytes, "max-header", 0, "longest request head in bytes (default 8 KiB)")
	fs.Int64Var(&cfg.MaxBodyBytes, "max-body", 0, "longest request body in bytes (default 1 MiB)")
	fs.DurationVar(&cfg.ReadTimeout, "read-timeout", 0, "time to read a request (default 10s)")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", 0, "time a keep-alive connection may wait (default 60s)")
	fs.DurationVar(&cfg.WriteTimeout, "write-timeout", 0, "time a client has to take its responses (default 10s)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	defer reportMemory(out)()
	if *nethttp {
		return runNetHTTP(*addr, cfg.withDefaults(), out)
	}
	var opts []pool.Option
	if *workers > 0 {
		opts = append(opts, pool.WithWorkers(*workers))
	}
	p, err := poll.NewPool(opts...)
	if err != nil {
		return err
	}
	defer p.Shutdown(context.Background())
	l, err := poll.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	s := NewServer(cfg)
	sigs := poll.Signals(syscall.SIGTERM, syscall.SIGINT)
	defer sigs.Close()
	pool.Spawn(p, future.Map(future.SelectN(
		future.On(sigs.Recv(), func(stream.Item[os.Signal]) bool { return true }),
		future.On(s.stop.Cancelled(), func(struct{}) bool { return true }),
	), func(bool) struct{} { s.Stop(); return struct{}{} }))
	fmt.Fprintln(out, "listening on", l.Addr())
	served, err := pool.TryBlockOn(p, s.Serve(p, l))
	fmt.Fprintln(out, "served", served, "connections")
	return err
}

// runNetHTTP serves Handler with net/http, with the same limits, until
// SIGTERM or SIGINT.
func runNetHTTP(addr string, cfg Config, out io.Writer) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	var s Server
	srv := &http.Server{
		Handler:        NetHTTP(&s.count),
		MaxHeaderBytes: cfg.MaxHeaderBytes,
		ReadTimeout:    cfg.ReadTimeout,
		IdleTimeout:    cfg.IdleTimeout,
		WriteTimeout:   cfg.WriteTimeout,
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-sigs
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()
	fmt.Fprintln(out, "listening on", l.Addr())
	err = srv.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		<-done
		err = nil
	}
	return err
}
