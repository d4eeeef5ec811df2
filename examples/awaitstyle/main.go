// Command awaitstyle is a count server and its client written as
// straight-line async functions (await.go), running as spindle tasks on a
// pool whose workers park in poll's reactor.
//
// The server accepts connections and answers each with the next value of a
// counter ("42\r\n") before closing it; the client makes -n transactions,
// -m at a time, and checks that it saw every count from 0 to n-1 exactly
// once. -style says how the tasks run:
//
//   - compiled (the default, and the way to write a task): the bodies of
//     await.go compiled by spindle-async into futures (await_async.go).
//   - coroutine: the same bodies on coroutines (async.New): a parked
//     goroutine per task that has started.
//   - handwritten: the same server and client as futures written by hand
//     (handwritten.go), what the compiler writes for you; read it to see
//     how Poll works.
//
// The styles can be read, and timed, side by side:
//
//	go run ./examples/awaitstyle -n 20000 -m 100
//	go run ./examples/awaitstyle -n 20000 -m 100 -style=coroutine
//	go run ./examples/awaitstyle -n 20000 -m 100 -style=handwritten
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("awaitstyle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	fs.IntVar(&cfg.n, "n", 10_000, "transactions to make")
	fs.IntVar(&cfg.m, "m", 100, "transactions in flight at once")
	fs.IntVar(&cfg.workers, "workers", 2, "pool workers")
	fs.StringVar(&cfg.style, "style", "compiled", "how the server and client are run: compiled, coroutine or handwritten")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	res, err := demo(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "awaitstyle:", err)
		return 1
	}
	perTx := time.Duration(0)
	if cfg.n > 0 {
		perTx = res.cpu / time.Duration(cfg.n)
	}
	fmt.Fprintf(stdout, "%s style: %d transactions, %d in flight, %d workers: every count 0..%d seen once, in %v (%.0f transactions/s), %v CPU per transaction\n",
		cfg.style, cfg.n, cfg.m, cfg.workers, cfg.n-1, res.elapsed.Round(time.Millisecond),
		float64(cfg.n)/res.elapsed.Seconds(), perTx.Round(100*time.Nanosecond))
	return 0
}
