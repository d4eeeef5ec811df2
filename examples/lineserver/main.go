// Lineserver is a TCP server that answers every line with the line in
// upper case: the server a new user writes to learn spindle's accept loop,
// line reading, timeouts and graceful stop.
//
//	go run ./examples/lineserver                # on 127.0.0.1:7007
//	nc 127.0.0.1 7007                           # in another terminal
//
// A line longer than -max bytes gets "error: line too long" and the
// connection goes on with the next line. A connection that sends nothing
// for -idle gets "bye: idle" and is closed. SIGINT or SIGTERM stops the
// server gracefully: it stops accepting; each connection answers the line
// it has received, says "bye: server stopping" and closes; connections
// that have not finished after -grace (a client that does not read its
// answers) are aborted; the server then prints what it served and exits 0.
//
// The accept loop and the connection are compiled async functions
// (server.go, conn.go).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/stream"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

func main() {
	os.Exit(lineserver(os.Args[1:], os.Stderr))
}

// config is what the flags set.
type config struct {
	maxLine     int
	idle, grace time.Duration
}

// lineserver is main with its arguments and log passed in, for the test.
func lineserver(args []string, log io.Writer) int {
	fs := flag.NewFlagSet("lineserver", flag.ContinueOnError)
	fs.SetOutput(log)
	addr := fs.String("addr", "127.0.0.1:7007", "address to listen on")
	var cfg config
	fs.IntVar(&cfg.maxLine, "max", 1024, "longest line accepted, in bytes")
	fs.DurationVar(&cfg.idle, "idle", 30*time.Second, "close a connection that sends nothing for this long")
	fs.DurationVar(&cfg.grace, "grace", 5*time.Second, "on a stop, abort connections still open after this long")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if cfg.maxLine < 1 || cfg.idle <= 0 || cfg.grace < 0 {
		fmt.Fprintln(log, "lineserver: -max and -idle must be positive, -grace not negative")
		return 2
	}

	p, err := poll.NewPool()
	if err != nil {
		fmt.Fprintln(log, "lineserver:", err)
		return 1
	}
	defer p.Shutdown(context.Background())
	l, err := poll.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(log, "lineserver:", err)
		return 1
	}
	// The first SIGINT or SIGTERM cancels stop, which every task watches.
	stop := tasksync.NewCancellationToken()
	sigs := poll.Signals(os.Interrupt, syscall.SIGTERM)
	defer sigs.Close()
	pool.Spawn(p, future.Map(sigs.Recv(), func(stream.Item[os.Signal]) struct{} {
		stop.Cancel()
		return struct{}{}
	}))

	fmt.Fprintln(log, "lineserver: listening on", l.Addr())
	s, err := pool.TryBlockOn(p, serve(p, l, cfg, stop))
	if err != nil {
		fmt.Fprintln(log, "lineserver:", err)
		return 1
	}
	fmt.Fprintf(log, "lineserver: stopped: %d connections, %d lines answered, %d aborted after the grace\n",
		s.conns, s.lines, s.aborted)
	return 0
}
