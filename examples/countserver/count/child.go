package count

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// ChildServerEnv is the environment variable that makes ServeChild serve:
// its value is the server mode ("seq", "thread" or "async"). Benchmarks run
// each server in a child process of their own, as a user runs server and
// client in two terminals, so that the server and the client do not share
// one Go runtime.
const ChildServerEnv = "COUNTSERVER_CHILD_SERVER"

// childWorkersEnv carries ServerConfig.Workers to a child server.
const childWorkersEnv = "COUNTSERVER_CHILD_WORKERS"

// ServeChild makes the current process a child server when ChildServerEnv
// is set, and returns false at once when it is not. A child server listens
// on a free loopback port, writes "addr HOST:PORT" on stdout, serves until
// its stdin ends, then writes "count N" and returns true.
func ServeChild() (bool, error) {
	name, ok := os.LookupEnv(ChildServerEnv)
	if !ok {
		return false, nil
	}
	mode, err := ParseMode(name)
	if err != nil {
		return true, err
	}
	workers, _ := strconv.Atoi(os.Getenv(childWorkersEnv))
	srv, err := Listen("127.0.0.1:0", ServerConfig{Mode: mode, Workers: workers, Log: os.Stderr})
	if err != nil {
		return true, err
	}
	fmt.Printf("addr %s\n", srv.Addr())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	_, _ = io.Copy(io.Discard, os.Stdin)
	cancel()
	err = <-done
	fmt.Printf("count %d\n", srv.Count())
	return true, err
}

// ParseMode returns the mode named s.
func ParseMode(s string) (Mode, error) {
	for _, m := range Modes {
		if m.String() == s {
			return m, nil
		}
	}
	return 0, fmt.Errorf("count: unknown mode %q", s)
}

// ChildServer is a server running in a child process (see ServeChild).
type ChildServer struct {
	// Addr is the address the child serves on.
	Addr  string
	Mode  Mode
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
}

// StartChildServer starts cmd, a program that calls ServeChild first
// thing, as a server of cfg.Mode (with cfg.Workers), and waits until it
// listens.
func StartChildServer(cmd *exec.Cmd, cfg ServerConfig) (*ChildServer, error) {
	mode := cfg.Mode
	cmd.Env = append(os.Environ(), ChildServerEnv+"="+mode.String(),
		childWorkersEnv+"="+strconv.Itoa(cfg.Workers))
	if cmd.Stderr == nil {
		cmd.Stderr = os.Stderr
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &ChildServer{Mode: mode, cmd: cmd, stdin: stdin, out: bufio.NewReader(stdout)}
	line, err := c.out.ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "addr ")
	if err != nil || !ok {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("count: child server did not start (%q, %v)", line, err)
	}
	c.Addr = addr
	return c, nil
}

// Stop shuts the child down gracefully and returns its final count.
func (c *ChildServer) Stop() (uint64, error) {
	_ = c.stdin.Close()
	var n uint64
	var perr error
	for {
		line, err := c.out.ReadString('\n')
		if s, ok := strings.CutPrefix(strings.TrimSpace(line), "count "); ok {
			n, perr = strconv.ParseUint(s, 10, 64)
		}
		if err != nil {
			break
		}
	}
	werr := c.cmd.Wait()
	return n, errors.Join(perr, werr)
}

// CPU returns the processor time (user and system, all threads) the child
// has used so far, read from /proc with a resolution of a clock tick
// (10 ms). Server CPU per transaction is much less disturbed by other
// processes on a busy machine than throughput is.
func (c *ChildServer) CPU() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) is in parentheses and may hold spaces;
	// utime and stime are fields 14 and 15, the 12th and 13th after it.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("count: unexpected /proc stat %q", s)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("count: unexpected /proc stat %q", s)
	}
	ut, err1 := strconv.ParseUint(f[11], 10, 64)
	st, err2 := strconv.ParseUint(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(ut+st) * (time.Second / clockTicks), nil
}

// clockTicks is USER_HZ, the unit of /proc's CPU times: 100 on Linux.
const clockTicks = 100
