package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/spindle-rt/spindle/examples/countserver/count"
)

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1 // the run failed: errors, verification, listener
	exitUsage = 2 // bad flags or combination
)

// runContext is run with the signal context made by the caller, so that
// tests can stop a server by cancelling ctx.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseArgs(args)
	if errors.Is(err, errHelp) {
		writeUsage(stdout)
		return exitOK
	}
	if err == nil && !c.demo {
		var addr string
		addr, err = resolveAddr(c.addr)
		if !c.server {
			c.addr = addr // resolved once, not at every connect
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "countserver: %v (see -h)\n", err)
		return exitUsage
	}
	switch {
	case c.demo:
		return runDemo(ctx, c, stderr)
	case c.server:
		return runServer(ctx, c, stderr)
	default:
		return runClient(ctx, c, stdout, stderr)
	}
}

// runServer serves until ctx ends, then prints the final count.
func runServer(ctx context.Context, c config, stderr io.Writer) int {
	cfg := count.ServerConfig{Mode: c.mode, Workers: c.w, Log: stderr, Alt: c.alt}
	if c.mSet {
		cfg.MaxInFlight = c.m
	}
	srv, err := count.Listen(c.addr, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "countserver: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(stderr, "countserver: %s server%s listening on %s (Ctrl-C to stop)\n", c.mode, altNote(c), srv.Addr())
	err = srv.Serve(ctx)
	fmt.Fprintf(stderr, "countserver: %s server stopped; final count %d\n", c.mode, srv.Count())
	if err != nil {
		fmt.Fprintf(stderr, "countserver: %v\n", err)
		return exitFail
	}
	return exitOK
}

// altNote says which implementation --alt selected, for the first line.
func altNote(c config) string {
	switch {
	case !c.alt:
		return ""
	case c.mode == count.Async:
		return " (--alt: async functions on coroutines)"
	}
	return " (--alt: amortized decimal counter)"
}

// runClient makes the transactions, prints the values (or verifies them
// with -q) and the summary; or, when the client gives up on the server,
// one line that says why.
func runClient(ctx context.Context, c config, stdout, stderr io.Writer) int {
	var out io.Writer = stdout
	if c.quiet {
		out = nil
	}
	cfg := count.ClientConfig{Mode: c.mode, Addr: c.addr, N: c.n, M: c.m, Workers: c.w, Alt: c.alt, Timeout: c.timeout}
	if c.mode == count.Seq {
		cfg.M = 1
	}
	fmt.Fprintf(stderr, "countserver: %s client%s, %d transactions, at most %d in flight, server %s\n",
		c.mode, altNote(c), cfg.N, cfg.M, c.addr)
	var mu sync.Mutex // the notice below races with nothing else on stderr, but be sure
	stopNotice := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(stderr, "countserver: stopping: finishing the transactions in flight (at most %v; Ctrl-C again to quit now)\n",
			count.DefaultGrace)
	})
	rep, err := measure(ctx, cfg, out, stderr)
	if !stopNotice() {
		mu.Lock() // the notice is being written: let it finish first
		defer mu.Unlock()
	}
	var gu *count.GiveUpError
	if errors.As(err, &gu) {
		fmt.Fprintf(stderr, "countserver: giving up after %d of %d transactions: %v\n", rep.Transactions(), rep.Requested, err)
		return exitFail
	}
	if err != nil {
		fmt.Fprintf(stderr, "countserver: %v\n", err)
		return exitFail
	}
	return summarize(ctx, rep, c.quiet, stderr)
}

// measure runs one client with a progress bar on stderr when it is a
// terminal. The report is there even with an error.
func measure(ctx context.Context, cfg count.ClientConfig, out, stderr io.Writer) (*count.Report, error) {
	rec := count.NewRecorder(out)
	bar := startProgress(stderr, cfg.N, rec)
	t0 := time.Now()
	err := count.RunClient(ctx, cfg, rec)
	elapsed := time.Since(t0)
	bar.stop()
	return rec.Report(cfg.N, elapsed), err
}

// summarize prints the summary and returns the client's exit status: 0
// only if every transaction succeeded (and, with verify, the values are
// distinct and contiguous).
func summarize(ctx context.Context, rep *count.Report, verify bool, stderr io.Writer) int {
	rep.WriteSummary(stderr)
	status := exitOK
	if rep.Transactions() < rep.Requested && ctx.Err() != nil {
		fmt.Fprintf(stderr, "interrupted   after %d of %d transactions\n", rep.Transactions(), rep.Requested)
		status = exitFail
	}
	if rep.Errors > 0 {
		status = exitFail
	}
	if verify {
		if err := rep.Verify(); err != nil {
			fmt.Fprintf(stderr, "verify        FAILED: %v\n", err)
			if errors.Is(err, count.ErrNotContiguous) {
				fmt.Fprintf(stderr, "              (another client of the same server may have taken the missing values;\n"+
					"               -q checks what a lone client of a fresh server sees)\n")
			}
			status = exitFail
		} else if lo, hi := rep.Range(); len(rep.Values) > 0 {
			fmt.Fprintf(stderr, "verify        ok: %d distinct values, contiguous %d..%d\n", len(rep.Values), lo, hi)
		}
	}
	return status
}

// runDemo starts an async server on a free loopback port in this process,
// runs the async client against it, verifies and summarizes.
//
// Server and client share one pool: two pools of GOMAXPROCS workers each
// would put twice as many busy threads as CPUs on the machine.
func runDemo(ctx context.Context, c config, stderr io.Writer) int {
	p, err := count.NewPool()
	if err != nil {
		fmt.Fprintf(stderr, "countserver: %v\n", err)
		return exitFail
	}
	defer func() { _ = p.Shutdown(context.Background()) }()
	srv, err := count.Listen(c.addr, count.ServerConfig{Mode: c.mode, Pool: p, Log: stderr})
	if err != nil {
		fmt.Fprintf(stderr, "countserver: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(stderr, "countserver demo: %s server on %s, %s client, %d transactions, at most %d in flight\n",
		c.mode, srv.Addr(), c.mode, c.n, c.m)
	fmt.Fprintf(stderr, "(in two terminals: go run ./examples/countserver -s -a   and   go run ./examples/countserver -c -a -q)\n")
	sctx, stopServer := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(sctx) }()
	cfg := count.ClientConfig{Mode: c.mode, Addr: srv.Addr().String(), N: c.n, M: c.m, Pool: p}
	rep, err := measure(ctx, cfg, nil, stderr)
	stopServer()
	if serr := <-served; serr != nil && err == nil {
		err = serr
	}
	if err != nil {
		fmt.Fprintf(stderr, "countserver: %v\n", err)
		return exitFail
	}
	return summarize(ctx, rep, true, stderr)
}
