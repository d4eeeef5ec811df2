package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

type config struct {
	n, m, workers int
	style         string
}

// result is what a run measured: wall time, and the CPU time the whole
// process (server, clients, pool, reactor) spent, which on a busy machine
// compares the two styles better than wall time.
type result struct{ elapsed, cpu time.Duration }

// styles are the ways the server and a client connection are run: the
// serve future runs the accept loop until the listener closes; the client
// future makes count transactions and stores each count read in out.
type style struct {
	serve  func(ln *poll.Listener, counter *atomic.Uint64) future.Future[error]
	client func(addr string, out []uint64) future.Future[error]
}

var styles = map[string]style{
	"compiled":    {serve: compiledServe, client: client},
	"coroutine":   {serve: coroServe, client: coroClient},
	"handwritten": {serve: handServe, client: handClient},
}

// demo runs a server and cfg.m clients on one pool and checks the counts.
func demo(cfg config) (result, error) {
	st, ok := styles[cfg.style]
	if !ok {
		return result{}, fmt.Errorf("unknown style %q (compiled, coroutine or handwritten)", cfg.style)
	}
	if cfg.n < 0 || cfg.m < 1 || cfg.workers < 1 {
		return result{}, errors.New("need -n >= 0, -m >= 1 and -workers >= 1")
	}
	r, err := poll.NewReactor()
	if err != nil {
		return result{}, err
	}
	p, err := pool.New(pool.WithWorkers(cfg.workers), pool.WithDriver(r), pool.WithName("awaitstyle"))
	if err != nil {
		_ = r.Close()
		return result{}, err
	}
	defer func() { _ = p.Shutdown(context.Background()) }() // also closes r
	ln, err := poll.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return result{}, err
	}
	var counter atomic.Uint64
	server := pool.Spawn(p, st.serve(ln, &counter))

	start, cpuStart := time.Now(), cpuTime()
	counts := make([]uint64, cfg.n)
	clients := make([]*pool.JoinHandle[error], 0, cfg.m)
	for i := range cfg.m {
		lo, hi := cfg.n*i/cfg.m, cfg.n*(i+1)/cfg.m
		clients = append(clients, pool.Spawn(p, st.client(ln.Addr().String(), counts[lo:hi])))
	}
	var firstErr error
	for _, h := range clients {
		if err := joinErr(h); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	elapsed, cpu := time.Since(start), cpuTime()-cpuStart
	_ = ln.Close() // the server's pending Accept ends with net.ErrClosed
	if err := joinErr(server); err != nil && firstErr == nil {
		firstErr = fmt.Errorf("server: %w", err)
	}
	if firstErr != nil {
		return result{}, firstErr
	}
	return result{elapsed: elapsed, cpu: cpu}, verify(counts)
}

func joinErr(h *pool.JoinHandle[error]) error {
	err, perr := h.Wait(context.Background())
	if perr != nil {
		return perr
	}
	return err
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// verify checks that counts holds every value from 0 to len-1 once.
func verify(counts []uint64) error {
	seen := make([]bool, len(counts))
	for _, v := range counts {
		if v >= uint64(len(counts)) || seen[v] {
			return fmt.Errorf("count %d out of range or seen twice", v)
		}
		seen[v] = true
	}
	return nil
}

// maxReply bounds a reply: 20 digits of a uint64 and "\r\n".
const maxReply = 22

func appendReply(dst []byte, v uint64) []byte {
	return append(strconv.AppendUint(dst, v, 10), '\r', '\n')
}

func parseReply(b []byte) (uint64, error) {
	if len(b) < 3 || len(b) > maxReply || b[len(b)-2] != '\r' || b[len(b)-1] != '\n' {
		return 0, fmt.Errorf("malformed reply %q", b)
	}
	return strconv.ParseUint(string(b[:len(b)-2]), 10, 64)
}

// listenerClosed reports whether an Accept error means the listener was
// closed: the server's normal end. poll's Accept retries transient errors
// (aborted connections, descriptor exhaustion) itself, so any other error
// ends the server with that error.
func listenerClosed(err error) bool { return errors.Is(err, net.ErrClosed) }
