// Command countserver is spindle's demo: a count server and client, each in
// three concurrency models (seq, thread, async), speaking the protocol of
// the Rust demo pdx-cs-rust/countserver (the README says exactly which
// bytes and flags are the same).
//
// Run it without arguments for the demo (an async server and client in one
// process, 100,000 transactions, verified), or as a server and a client in
// two terminals:
//
//	go run ./examples/countserver -s -a
//	go run ./examples/countserver -c -a -q
//
// See -h and the README for every flag.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole program: it parses args, runs the demo, a server or a
// client, writes values to stdout and messages to stderr, and returns the
// exit status. SIGINT and SIGTERM end it gracefully; a second one ends it
// at once.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The first signal starts a graceful stop; restoring the default
	// handling then lets a second Ctrl-C end a stop that takes too long
	// (a client waiting on a server that never answers).
	context.AfterFunc(ctx, stop)
	return runContext(ctx, args, stdout, stderr)
}
