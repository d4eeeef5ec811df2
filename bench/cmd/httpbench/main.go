// Command httpbench measures examples/httpd against a net/http server with
// the same handler (httpd -nethttp) using wrk, a client written by nobody
// here: wrk -t2 -cC -dD --latency at C = 100 and 1000 keep-alive
// connections, the two servers in alternation, each pairing repeated, and
// prints a markdown table of medians.
//
//	go run ./bench/cmd/httpbench -repeats 3 -d 10s
//
// It installs wrk with apt-get (Debian's package) when it is not on the
// PATH, and raises its descriptor limit (which the servers inherit) for
// the 1000 connections. Both servers run as child processes on loopback.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "httpbench:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("httpbench", flag.ContinueOnError)
	repeats := fs.Int("repeats", 3, "rounds; each runs every pairing once")
	dur := fs.String("d", "10s", "wrk's -d for each run")
	conns := fs.String("c", "100,1000", "wrk's -c values, comma-separated")
	threads := fs.Int("t", 2, "wrk's -t")
	path := fs.String("path", "/", "the path requested")
	workers := fs.Int("workers", 0, "workers of the spindle server's pool (default: its own, GOMAXPROCS)")
	idle := fs.Int("idle", 0, "instead: open this many idle keep-alive connections to each server and measure its memory")
	idleTime := fs.Duration("idle-time", 3*time.Minute, "with -idle: the most time to spend opening connections, per server")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *idle > 0 {
		return runIdle(*idle, *idleTime, out)
	}
	wrk, err := ensureWrk(out)
	if err != nil {
		return err
	}
	if _, _, err := raiseNofile(1 << 16); err != nil {
		return err
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
	servers := newServers()
	if *workers > 0 {
		servers[0].args = []string{"-workers", fmt.Sprint(*workers)}
		servers[0].name += fmt.Sprintf(" -workers %d", *workers)
	}
	for _, s := range servers {
		if err := s.start(bin); err != nil {
			return err
		}
		defer s.stop()
	}
	var cs []int
	for _, c := range strings.Split(*conns, ",") {
		var n int
		if _, err := fmt.Sscan(c, &n); err != nil {
			return fmt.Errorf("-c %q: %v", *conns, err)
		}
		cs = append(cs, n)
	}
	fmt.Fprintf(out, "load average before: %s", loadavg())
	results := map[string][]wrkResult{}
	for r := range *repeats {
		for _, c := range cs {
			for i := range servers {
				s := servers[(i+r)%len(servers)] // rotate who goes first
				cpu0, err := s.cpuTime()
				if err != nil {
					return err
				}
				res, err := runWrk(wrk, *threads, c, *dur, "http://"+s.addr+*path)
				if err != nil {
					return fmt.Errorf("%s at -c%d: %v", s.name, c, err)
				}
				cpu1, err := s.cpuTime()
				if err != nil {
					return err
				}
				res.cpu = cpu1 - cpu0
				fmt.Fprintf(out, "round %d -c%d %s: %.0f req/s, p50 %v, p99 %v, server CPU %.2f µs/request, errors %d\n",
					r+1, c, s.name, res.rps, res.p50, res.p99, res.cpuPerRequest(), res.errors)
				key := fmt.Sprint(s.name, c)
				results[key] = append(results[key], res)
			}
		}
	}
	fmt.Fprintf(out, "load average after: %s\n", loadavg())
	fmt.Fprintf(out, "| connections | server | requests/s | p50 | p99 | server CPU µs/request | errors | vs net/http (req/s, p99, CPU) |\n|---|---|---|---|---|---|---|---|\n")
	for _, c := range cs {
		base := median(results[fmt.Sprint(servers[1].name, c)])
		for _, s := range servers {
			m := median(results[fmt.Sprint(s.name, c)])
			fmt.Fprintf(out, "| %d | %s | %.0f | %v | %v | %.2f | %d | %.2f×, %.2f×, %.2f× |\n", c, s.name, m.rps, m.p50, m.p99, m.cpuPerRequest(), m.errors,
				m.rps/base.rps, float64(m.p99)/float64(base.p99), m.cpuPerRequest()/base.cpuPerRequest())
		}
	}
	return nil
}

// cpuPerRequest is the server's processor time per request, in µs: on a
// machine shared with other work it moves less than requests/s.
func (r wrkResult) cpuPerRequest() float64 {
	if r.requests == 0 {
		return 0
	}
	return float64(r.cpu.Microseconds()) / float64(r.requests)
}

// median returns the run with the median requests/s; its latencies are
// the medians of theirs, taken separately.
func median(rs []wrkResult) wrkResult {
	pick := func(less func(a, b wrkResult) int) wrkResult {
		s := slices.Clone(rs)
		slices.SortFunc(s, less)
		return s[len(s)/2]
	}
	m := pick(func(a, b wrkResult) int { return cmpF(a.rps, b.rps) })
	m.p50 = pick(func(a, b wrkResult) int { return cmpF(float64(a.p50), float64(b.p50)) }).p50
	m.p99 = pick(func(a, b wrkResult) int { return cmpF(float64(a.p99), float64(b.p99)) }).p99
	cpu := pick(func(a, b wrkResult) int { return cmpF(a.cpuPerRequest(), b.cpuPerRequest()) })
	m.cpu, m.requests = cpu.cpu, cpu.requests
	for _, r := range rs {
		m.errors = max(m.errors, r.errors)
	}
	return m
}

func cmpF(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func newServers() []*server {
	return []*server{{name: "spindle (examples/httpd)"}, {name: "net/http (httpd -nethttp)", args: []string{"-nethttp"}}}
}

// server is a child process running httpd.
type server struct {
	name  string
	args  []string
	addr  string
	cmd   *exec.Cmd
	stats chan string // the server's "memstats ..." lines
}

func (s *server) start(bin string) error {
	s.cmd = exec.Command(bin, append([]string{"-addr", "127.0.0.1:0", "-idle-timeout", "1h"}, s.args...)...)
	s.cmd.Stderr = os.Stderr
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := s.cmd.Start(); err != nil {
		return err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if err != nil || !ok {
		s.cmd.Process.Kill()
		return fmt.Errorf("%s: no address (%q, %v)", s.name, line, err)
	}
	s.addr = addr
	s.stats = make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "memstats ") {
				s.stats <- sc.Text()
			}
		}
	}()
	return nil
}

func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()
}

// buildHttpd builds examples/httpd into dir. It runs from the repository
// root or from bench/.
func buildHttpd(dir string) (string, error) {
	bin := filepath.Join(dir, "httpd")
	pkg := "github.com/spindle-rt/spindle/examples/httpd"
	cmd := exec.Command("go", "build", "-o", bin, pkg)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build %s: %v", pkg, err)
	}
	return bin, nil
}

// raiseNofile raises the descriptor limit to n: soft and hard where the
// process may raise the hard one (root with CAP_SYS_RESOURCE), else the
// soft one as far as the hard one. It returns the soft limit it got and,
// when that is short of n, why (a container may refuse even root).
func raiseNofile(n uint64) (got uint64, short error, err error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, nil, err
	}
	if lim.Cur >= n {
		return lim.Cur, nil, nil
	}
	want := syscall.Rlimit{Cur: n, Max: max(n, lim.Max)}
	hardErr := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want)
	if hardErr == nil {
		return n, nil, nil
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, nil, fmt.Errorf("raising the descriptor limit: %v", err)
	}
	return lim.Cur, fmt.Errorf("the hard limit is %d and raising it to %d failed: %v", lim.Max, n, hardErr), nil
}

// cpuTime returns the user and system time the server has used so far
// (/proc/PID/stat, in clock ticks of 10 ms).
func (s *server) cpuTime() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// The command name, field 2, is in parentheses and may hold spaces.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %q", s.cmd.Process.Pid, b)
	}
	var utime, stime int64
	fmt.Sscan(f[11], &utime)
	fmt.Sscan(f[12], &stime)
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown\n"
	}
	return string(b)
}
