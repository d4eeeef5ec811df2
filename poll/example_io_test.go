package poll_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"syscall"

	"github.com/spindle-rt/spindle/future/aio"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

// net/http serves on a spindle listener: the reactor, driven by a pool,
// does the waiting; the handlers are ordinary goroutine code.
func ExampleListener_Blocking() {
	r, err := poll.NewReactor()
	if err != nil {
		panic(err)
	}
	p, err := pool.New(pool.WithWorkers(1), pool.WithDriver(r)) // drives r
	if err != nil {
		panic(err)
	}
	defer p.Shutdown(context.Background())
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		fmt.Fprintf(w, "hello from %s", req.URL.Path)
	})}
	go srv.Serve(l.Blocking(r))
	defer srv.Close()

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("http://" + l.Addr().String() + "/spindle")
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(string(body))
	// Output: hello from /spindle
}

// DialContext resolves host names on a goroutine of its own and gives up
// when its context ends.
func ExampleDialContext() {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // e.g. the request this dial was for went away
	res, _ := poll.BlockOn(poll.DialContext(ctx, "tcp", "example.com:80"))
	fmt.Println(errors.Is(res.Err, context.Canceled))
	// Output: true
}

// Any descriptor can be driven by the reactor: here the read end of a
// pipe, adopted from an *os.File, read with aio's helpers.
func ExampleFromFile() {
	pr, pw, err := os.Pipe()
	if err != nil {
		panic(err)
	}
	rd, err := poll.FromFile(pr) // a duplicate: pr is still ours to close
	pr.Close()
	if err != nil {
		panic(err)
	}
	defer rd.Close()
	go func() {
		fmt.Fprint(pw, "through a pipe")
		pw.Close()
	}()
	res, _ := poll.BlockOn(aio.ReadAll(rd))
	fmt.Printf("%s %v\n", res.Value, res.Err)
	// Output: through a pipe <nil>
}

// A UDP echo: ReadFrom says who sent the datagram, WriteTo answers.
func ExampleListenUDP() {
	srv, err := poll.ListenUDP("udp4", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	cli, err := poll.DialUDP("udp4", srv.LocalAddr().String())
	if err != nil {
		panic(err)
	}
	defer cli.Close()
	answer, _ := poll.BlockOn(async.New(func(a *async.Awaiter) string {
		async.Await(a, cli.Write([]byte("marco")))
		buf := make([]byte, 64)
		d, _ := async.TryAwait(a, srv.ReadFrom(buf))
		async.Await(a, srv.WriteTo([]byte("polo"), d.Addr))
		n, _ := async.TryAwait(a, cli.Read(buf))
		return string(buf[:n])
	}))
	fmt.Println(answer)
	// Output: polo
}

// Unix stream sockets speak package aio; "@name" is an abstract name.
func ExampleListenUnix() {
	l, err := poll.ListenUnix("@spindle-example")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	c, err := poll.DialUnix("@spindle-example")
	if err != nil {
		panic(err)
	}
	defer c.Close()
	got, _ := poll.BlockOn(async.New(func(a *async.Awaiter) string {
		s, _ := async.TryAwait(a, l.Accept())
		defer s.Close()
		cred, _ := s.PeerCred()
		async.Await(a, aio.WriteAll(c, []byte("hello\n")))
		line, _ := async.TryAwait(a, aio.NewBufReader(s).ReadLine())
		return fmt.Sprint(line, " from pid ok: ", cred.PID == os.Getpid())
	}))
	fmt.Println(got)
	// Output: hello from pid ok: true
}

// CtrlC waits for an interrupt, for a graceful shutdown.
func ExampleCtrlC() {
	stop := poll.CtrlC()
	syscall.Kill(os.Getpid(), syscall.SIGINT) // stands in for a user pressing Ctrl-C
	poll.BlockOn(stop)
	fmt.Println("shutting down")
	// Output: shutting down
}

// Signals is a stream: reload a configuration on every SIGHUP, say.
func ExampleSignals() {
	hup := poll.Signals(syscall.SIGHUP)
	defer hup.Close()
	syscall.Kill(os.Getpid(), syscall.SIGHUP) // stands in for `kill -HUP`
	it, _ := poll.BlockOn(hup.Recv())
	fmt.Println(it.Value)
	// Output: hangup
}
