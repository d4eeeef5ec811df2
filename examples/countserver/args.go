package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"runtime"
	"strconv"
	"time"

	"github.com/spindle-rt/spindle/examples/countserver/count"
)

// defaultAddr is the Rust demo's address, so that its clients and servers
// and ours talk to each other without flags.
const defaultAddr = "127.0.0.1:10123"

// defaultN is the Rust demo's default number of transactions.
const defaultN = 100_000

// defaultM is the default number of transactions in flight: about half the
// CPUs plus one.
func defaultM() int { return runtime.NumCPU()/2 + 1 }

// config is a parsed command line.
type config struct {
	demo    bool // no arguments: in-process async server and client
	server  bool // -s; otherwise client
	mode    count.Mode
	n       int
	m       int
	mSet    bool
	addr    string
	quiet   bool
	w       int // async pool workers; 0: the default (server 1, client GOMAXPROCS)
	alt     bool
	timeout time.Duration // client: connect timeout, then reply timeout
}

// usageError is a bad command line: one line on stderr, exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{msg: fmt.Sprintf(format, a...)} }

const usageText = `usage:
  countserver                      demo: async server and client in-process, n=100000
  countserver -s MODE [--alt] [--addr A] [-m M] [-w W]
  countserver -c MODE [--alt] [--addr A] [-n N] [-m M] [-q] [-w W] [--timeout D]

MODE is one of
  --seq        one connection at a time
  -t, --thread a goroutine per connection (client: m goroutines)
  -a, --async  spindle tasks on a pool with an epoll reactor

A client gives up at once on a server that refuses the connection or lets a
transaction time out (--timeout). Ctrl-C: a client finishes the transactions
in flight (at most 2s), a server answers the connections it accepted; a
second Ctrl-C quits at once. Exit status: 0 done, 1 the run failed, 2 bad
command line.

flags (one or two dashes):
`

// newFlagSet returns the flag set that fills c. Every flag of the Rust demo
// is here under the same names; Go's flag package accepts -x and --x alike.
func newFlagSet(c *config, server, client, seq, thread, async *bool) *flag.FlagSet {
	fs := flag.NewFlagSet("countserver", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported in one line by run
	fs.BoolVar(server, "s", false, "run a server")
	fs.BoolVar(server, "server", false, "run a server")
	fs.BoolVar(client, "c", false, "run a client")
	fs.BoolVar(client, "client", false, "run a client")
	fs.BoolVar(seq, "seq", false, "sequential mode")
	fs.BoolVar(seq, "sequential", false, "sequential mode")
	fs.BoolVar(thread, "t", false, "thread (goroutine) mode")
	fs.BoolVar(thread, "thread", false, "thread (goroutine) mode")
	fs.BoolVar(async, "a", false, "async (spindle) mode")
	fs.BoolVar(async, "async", false, "async (spindle) mode")
	fs.IntVar(&c.n, "n", defaultN, "client: number of transactions")
	fs.IntVar(&c.m, "m", defaultM(), "most transactions in flight (client; thread server: most connections handled at once)")
	fs.StringVar(&c.addr, "addr", defaultAddr, "server address host:port")
	fs.BoolVar(&c.quiet, "q", false, "client: do not print values, verify them")
	fs.IntVar(&c.w, "w", 0, "async: workers of the spindle pool (default: server 1, client GOMAXPROCS)")
	fs.BoolVar(&c.alt, "alt", false, "the other implementation: seq and thread servers: amortized decimal counter;\n"+
		"async server and client: the async functions run on coroutines (future/async) instead of compiled")
	fs.DurationVar(&c.timeout, "timeout", count.DefaultTimeout, "client: connect timeout, then reply timeout; the client gives up\n"+
		"on the server when one runs out")
	return fs
}

// writeUsage prints the help text.
func writeUsage(w io.Writer) {
	var c config
	var b [5]bool
	fs := newFlagSet(&c, &b[0], &b[1], &b[2], &b[3], &b[4])
	fmt.Fprint(w, usageText)
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// errHelp asks for the usage text (-h).
var errHelp = flag.ErrHelp

// parseArgs turns the command line into a config. It rejects what the
// Rust demo rejects, with its messages: no -n for a server, no -m for seq
// or for the async server, end or mode missing.
func parseArgs(args []string) (config, error) {
	c := config{addr: defaultAddr, n: defaultN, m: defaultM(), timeout: count.DefaultTimeout}
	if len(args) == 0 {
		c.demo, c.mode, c.quiet = true, count.Async, true
		c.addr = "127.0.0.1:0"
		return c, nil
	}
	var server, client, seq, thread, async bool
	fs := newFlagSet(&c, &server, &client, &seq, &thread, &async)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, errHelp
		}
		return c, &usageError{msg: err.Error()}
	}
	if fs.NArg() > 0 {
		return c, usagef("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	c.mSet = set["m"]

	switch {
	case server && client:
		return c, usagef("choose one of client (-c) and server (-s)")
	case !server && !client:
		return c, usagef("must specify client (-c) or server (-s)")
	}
	c.server = server
	modes := 0
	for _, on := range []bool{seq, thread, async} {
		if on {
			modes++
		}
	}
	switch {
	case modes > 1:
		return c, usagef("choose one of --seq, -t (thread) and -a (async)")
	case modes == 0:
		return c, usagef("must specify seq (--seq), thread (-t) or async (-a)")
	case seq:
		c.mode = count.Seq
	case thread:
		c.mode = count.Thread
	default:
		c.mode = count.Async
	}
	end := "client"
	if server {
		end = "server"
	}
	if server && set["n"] {
		return c, usagef("no -n for server")
	}
	if server && c.quiet {
		return c, usagef("no -q for server")
	}
	if c.mSet && c.mode == count.Seq {
		return c, usagef("no -m for seq %s", end)
	}
	if c.mSet && server && c.mode == count.Async {
		return c, usagef("no -m for async server")
	}
	if c.alt && !server && c.mode != count.Async {
		return c, usagef("no alt %s client", c.mode)
	}
	if server && set["timeout"] {
		return c, usagef("no --timeout for server")
	}
	if c.timeout <= 0 {
		return c, usagef("--timeout must be positive, got %v", c.timeout)
	}
	if set["w"] && c.mode != count.Async {
		return c, usagef("no -w for %s %s", c.mode, end)
	}
	if c.w < 0 || (set["w"] && c.w == 0) {
		return c, usagef("-w must be at least 1, got %d", c.w)
	}
	if c.n < 1 {
		return c, usagef("-n must be at least 1, got %d", c.n)
	}
	if c.m < 1 {
		return c, usagef("-m must be at least 1, got %d", c.m)
	}
	if c.addr == "" {
		return c, usagef("--addr must not be empty")
	}
	if err := checkAddr(c.addr, server); err != nil {
		return c, err
	}
	return c, nil
}

// checkAddr reports what is wrong with the form of an --addr: it must be
// HOST:PORT with a decimal port; a client needs a host and a port other
// than 0 (a server may leave the host empty, to listen on every address,
// and ask for port 0, to get a free one). Whether the host resolves is
// checked later, by resolveAddr.
func checkAddr(addr string, server bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		var ae *net.AddrError
		if errors.As(err, &ae) {
			err = errors.New(ae.Err)
		}
		return usagef("--addr %q: %v (want HOST:PORT)", addr, err)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	switch {
	case err != nil:
		return usagef("--addr %q: port %q is not a number from 0 to 65535", addr, port)
	case !server && p == 0:
		return usagef("--addr %q: a client needs a port other than 0", addr)
	case !server && host == "":
		return usagef("--addr %q: a client needs a host", addr)
	}
	return nil
}

// resolveAddr resolves the host of an --addr that checkAddr accepted; a
// host that does not resolve is a usage error too.
func resolveAddr(addr string) (string, error) {
	ra, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		var de *net.DNSError
		if errors.As(err, &de) {
			err = errors.New(de.Err)
		}
		return "", usagef("--addr %q: cannot resolve the host: %v", addr, err)
	}
	return ra.String(), nil
}
