package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// runIdle opens up to n keep-alive connections to each server in turn,
// each used for one request and then left idle, and reports what the
// server's memory grew by per connection: the Go heap and stacks (from
// the server's own statistics, at SIGUSR1) and its resident set.
//
// The client addresses are spread over 127.0.0.0/8 (1000 connections per
// source address) so that the ephemeral ports of one address do not run
// out. It stops short at the first connection that fails (a descriptor
// limit, most often) or when limit has passed, and says how far it got.
func runIdle(n int, limit time.Duration, out io.Writer) error {
	nofile, short, err := raiseNofile(uint64(n) + 1000)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "descriptor limit %d (client and each server alike); load average %s", nofile, loadavg())
	target := n
	capped := ""
	if spare := 100; uint64(n+spare) > nofile {
		// The client needs a few descriptors beside its connections
		// (/proc, the servers' pipes), and each server as many as its
		// connections plus a few.
		n = int(nofile) - spare
		capped = fmt.Sprintf("descriptor limit %d: %v", nofile, short)
		fmt.Fprintf(out, "STOPPED SHORT: %d connections of %d, because of the %s; the figures per connection are over the connections held\n", n, target, capped)
	}
	dir, err := os.MkdirTemp("", "httpbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, err := buildHttpd(dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "| server | idle connections held (target %d, limit %d) | stopped by | Go heap+stacks per connection | RSS per connection |\n|---|---|---|---|---|\n", target, n)
	for _, s := range newServers() {
		if err := s.start(bin); err != nil {
			return err
		}
		row, err := func() (string, error) {
			defer s.stop()
			return idleOne(s, n, capped, limit)
		}()
		if err != nil {
			return fmt.Errorf("%s: %v", s.name, err)
		}
		fmt.Fprintln(out, row)
	}
	return nil
}

// idleOne holds up to n idle connections to s; capped, if not empty, says
// why n is short of what was asked.
func idleOne(s *server, n int, capped string, limit time.Duration) (string, error) {
	// One request first, so that the server has run its request path
	// once before the baseline.
	c, err := openIdle(s.addr, 0)
	if err != nil {
		return "", err
	}
	c.Close()
	time.Sleep(500 * time.Millisecond)
	goBefore, rssBefore, err := s.memory()
	if err != nil {
		return "", err
	}
	conns := make([]net.Conn, n)
	var next, held atomic.Int64
	var (
		stopMu  sync.Mutex
		stopErr error // the first connection that failed
		stopped atomic.Bool
	)
	deadline := time.Now().Add(limit)
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stopped.Load() && time.Now().Before(deadline) {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				c, err := openIdle(s.addr, i)
				if err != nil {
					stopMu.Lock()
					if stopErr == nil {
						stopErr = err
					}
					stopMu.Unlock()
					stopped.Store(true)
					return
				}
				conns[i] = c
				held.Add(1)
			}
		}()
	}
	wg.Wait()
	stoppedBy := stopReason(int(held.Load()), n, capped, stopErr, limit)
	time.Sleep(time.Second)
	goAfter, rssAfter, err := s.memory()
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
	if err != nil {
		return "", err
	}
	k := held.Load()
	if k == 0 {
		return fmt.Sprintf("| %s | 0 | %s | – | – |", s.name, stoppedBy), nil
	}
	return fmt.Sprintf("| %s | %d | %s | %d B | %d B |", s.name, k, stoppedBy,
		(goAfter-goBefore)/k, (rssAfter-rssBefore)/k), nil
}

// stopReason says why opening connections stopped at held of n.
func stopReason(held, n int, capped string, stopErr error, limit time.Duration) string {
	switch {
	case stopErr != nil:
		return stopErr.Error()
	case held < n:
		return "time limit " + limit.String()
	case capped != "":
		return capped
	}
	return "target reached"
}

// openIdle connects to addr from the i-th source address, makes one
// request and returns the connection, idle.
func openIdle(addr string, i int) (net.Conn, error) {
	j := i/1000 + 1 // 127.0.0.1 and up, 1000 connections each
	src := &net.TCPAddr{IP: net.IPv4(127, byte(j>>16), byte(j>>8), byte(j))}
	d := net.Dialer{LocalAddr: src, Timeout: 10 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: bench\r\n\r\n"); err != nil {
		c.Close()
		return nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReaderSize(c, 512), nil)
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("connection %d: %v", i+1, err)
	}
	c.SetDeadline(time.Time{})
	return c, nil
}

// memory asks the server for its Go heap and stacks in use (SIGUSR1) and
// reads its resident set from /proc.
func (s *server) memory() (goBytes, rss int64, err error) {
	if err := s.cmd.Process.Signal(syscall.SIGUSR1); err != nil {
		return 0, 0, err
	}
	var line string
	select {
	case line = <-s.stats:
	case <-time.After(30 * time.Second):
		return 0, 0, fmt.Errorf("no memstats line within 30s")
	}
	var heap, stacks, gs int64
	if _, err := fmt.Sscanf(line, "memstats heap=%d stacks=%d goroutines=%d", &heap, &stacks, &gs); err != nil {
		return 0, 0, fmt.Errorf("%q: %v", line, err)
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0, err
	}
	for l := range strings.Lines(string(status)) {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			rss = kb << 10
		}
	}
	return heap + stacks, rss, nil
}
