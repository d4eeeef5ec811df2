// Command countbench measures the count servers of examples/countserver
// against its async and thread clients at m = 1, 2 and 16 transactions in
// flight over loopback, prints the table of medians (markdown) and draws
// the chart (SVG) from the same numbers.
//
// Each server runs in a child process of its own (this program
// re-executed), as a user runs server and client in two terminals. Every
// repeat visits every pairing, with the order of the servers rotated, so
// that the servers share the same minutes of a noisy machine; the table
// shows medians over the repeats.
//
//	go run ./bench/cmd/countbench -n 20000 -repeats 5 -json docs/countserver.json -svg docs/countserver.svg
//	go run ./bench/cmd/countbench -from docs/countserver.json -svg docs/countserver.svg   # redraw only
//
// -doc FILE also writes the tables between the countbench markers of FILE,
// so a document shows exactly what the samples say. -results FILE writes
// the samples as the lines go test -bench prints for BenchmarkCountserver
// (one line per sample), headed as bench/cmd/benchtable expects, so that
// the summary table of docs/benchmarks.md reads them:
//
//	go run ./bench/cmd/countbench -from docs/countserver.json -results bench/results/countserver.txt
//
// -ext NAME=HOST:PORT adds a server started by hand (the Rust demo's, say)
// to every round; its processor time is not measured (shown as 0).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/spindle-rt/spindle/bench/internal/mdsection"
	"github.com/spindle-rt/spindle/examples/countserver/count"
)

func main() {
	if ok, err := count.ServeChild(); ok {
		if err != nil {
			fmt.Fprintln(os.Stderr, "countbench child:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop) // a second Ctrl-C ends the program at once
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK          = 0
	exitFail        = 1 // a measurement or a file failed
	exitUsage       = 2
	exitInterrupted = 3 // stopped by a signal; the partial table was printed
)

// assumedRate is the throughput the up-front time estimate assumes,
// transactions per second over a whole run: what the default run (120
// measurements of 20,500 transactions in about 7 minutes) achieved on the
// project's 2-CPU machine. The estimate is refined after the first repeat.
const assumedRate = 6000

// run is the whole program; ctx ending (Ctrl-C) stops the measurements,
// and the table of those done so far is printed.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("countbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 20000, "transactions per measurement")
	repeats := fs.Int("repeats", 5, "measurements per pairing (the table shows medians)")
	warmup := fs.Int("warmup", 500, "transactions before each measurement, not counted")
	svg := fs.String("svg", "", "write the chart to this SVG file")
	jsonOut := fs.String("json", "", "write every sample to this JSON file")
	from := fs.String("from", "", "read samples from this JSON file instead of measuring")
	doc := fs.String("doc", "", "rewrite the tables between the countbench markers of this markdown file")
	resultsOut := fs.String("results", "", "write every sample to this file as go test -bench lines, for benchtable (bench/results/countserver.txt)")
	var ext externals
	fs.Var(&ext, "ext", "also measure a server started elsewhere, as NAME=HOST:PORT (repeatable), e.g. the Rust demo's")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if *n < 1 || *repeats < 1 || *warmup < 0 {
		fmt.Fprintln(stderr, "countbench: -n and -repeats must be at least 1, -warmup at least 0")
		return exitUsage
	}

	var res *Results
	var err error
	if *from != "" {
		res, err = load(*from)
	} else {
		res, err = measureAll(ctx, *n, *repeats, *warmup, ext, stderr)
	}
	if errors.Is(err, errInterrupted) {
		res.Partial = true
		fmt.Fprintf(stderr, "countbench: interrupted after %d of %d measurements; the table below has the ones done (no -json, -svg or -doc written)\n",
			len(res.Samples), res.Repeats*len(res.Clients)*len(res.InFlight)*len(res.Servers))
		writeTables(stdout, res)
		return exitInterrupted
	}
	if err != nil {
		fmt.Fprintln(stderr, "countbench:", err)
		return exitFail
	}
	if *jsonOut != "" && *from == "" {
		if err := save(*jsonOut, res); err != nil {
			fmt.Fprintln(stderr, "countbench:", err)
			return exitFail
		}
	}
	writeTables(stdout, res)
	if *doc != "" {
		if err := writeDoc(*doc, res); err != nil {
			fmt.Fprintln(stderr, "countbench:", err)
			return exitFail
		}
	}
	if *resultsOut != "" {
		if err := writeResults(*resultsOut, res); err != nil {
			fmt.Fprintln(stderr, "countbench:", err)
			return exitFail
		}
	}
	if *svg != "" {
		if err := drawChart(*svg, res); err != nil {
			fmt.Fprintln(stderr, "countbench:", err)
			return exitFail
		}
	}
	return exitOK
}

// errInterrupted is measureAll's error when its context ended; the
// results hold the samples taken until then.
var errInterrupted = errors.New("interrupted")

// Results are the samples of a whole run.
type Results struct {
	When     time.Time `json:"when"`
	CPUs     int       `json:"cpus"`
	N        int       `json:"n"`
	Repeats  int       `json:"repeats"`
	Servers  []string  `json:"servers"`
	Clients  []string  `json:"clients"`
	InFlight []int     `json:"in_flight"`
	Samples  []Sample  `json:"samples"`
	// Partial is set when the run was interrupted: some pairings have
	// fewer than Repeats samples.
	Partial bool `json:"partial,omitempty"`
}

// Sample is one measurement of one pairing.
type Sample struct {
	Server      string  `json:"server"`
	Client      string  `json:"client"`
	M           int     `json:"m"`
	Rate        float64 `json:"tx_per_s"`
	ServerCPUus float64 `json:"server_cpu_us_per_tx"`
}

// externals are servers that run outside this program, by name.
type externals []external

type external struct{ name, addr string }

func (e *externals) String() string { return fmt.Sprint(*e) }

func (e *externals) Set(s string) error {
	name, addr, ok := strings.Cut(s, "=")
	if !ok || name == "" || addr == "" {
		return fmt.Errorf("want NAME=HOST:PORT, got %q", s)
	}
	*e = append(*e, external{name, addr})
	return nil
}

// target is a server being measured: a child of ours (with its CPU time)
// or an external one.
type target struct {
	addr  string
	child *count.ChildServer // nil for an external server
}

func (t target) cpu() (time.Duration, error) {
	if t.child == nil {
		return 0, nil
	}
	return t.child.CPU()
}

// measureAll runs every pairing repeats times, printing the estimate of
// its duration first and its progress on stderr. When ctx ends it stops
// and returns the samples so far with errInterrupted.
func measureAll(ctx context.Context, n, repeats, warmup int, ext externals, stderr io.Writer) (*Results, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	res := &Results{When: time.Now().UTC(), CPUs: runtime.NumCPU(), N: n, Repeats: repeats, InFlight: count.BenchInFlight}
	servers := map[string]target{}
	defer func() {
		for _, t := range servers {
			if t.child != nil {
				_, _ = t.child.Stop()
			}
		}
	}()
	for _, s := range count.BenchServers {
		c, err := count.StartChildServer(exec.Command(exe), s.Config)
		if err != nil {
			return nil, err
		}
		servers[s.Name] = target{addr: c.Addr, child: c}
		res.Servers = append(res.Servers, s.Name)
	}
	for _, e := range ext {
		servers[e.name] = target{addr: e.addr}
		res.Servers = append(res.Servers, e.name)
	}
	for _, cm := range count.BenchClients {
		res.Clients = append(res.Clients, cm.String())
	}
	p, err := count.NewPool()
	if err != nil {
		return nil, err
	}
	defer func() { _ = p.Shutdown(context.Background()) }()

	runs := repeats * len(count.BenchClients) * len(count.BenchInFlight) * len(res.Servers)
	fmt.Fprintf(stderr, "countbench: %d measurements of %d transactions (+%d warm-up): about %v at %d transactions/s (Ctrl-C prints the table so far)\n",
		runs, n, warmup, estimate(runs, n+warmup, assumedRate), assumedRate)
	t0 := time.Now()
	for r := range repeats {
		if r == 1 {
			left := time.Since(t0) * time.Duration(repeats-1)
			fmt.Fprintf(stderr, "countbench: the first repeat took %v: about %v left\n", time.Since(t0).Round(time.Second), left.Round(time.Second))
		}
		for _, cm := range count.BenchClients {
			for _, m := range count.BenchInFlight {
				for i := range res.Servers {
					name := res.Servers[(i+r)%len(res.Servers)] // rotate the order
					srv := servers[name]
					cfg := count.ClientConfig{Mode: cm, Addr: srv.addr, M: m, Pool: p, N: warmup}
					if _, err := count.Measure(ctx, cfg); ctx.Err() != nil {
						return res, errInterrupted
					} else if err != nil {
						return nil, fmt.Errorf("%s warm-up: %w", name, err)
					}
					cpu0, err := srv.cpu()
					if err != nil {
						return nil, err
					}
					cfg.N = n
					rep, err := count.Measure(ctx, cfg)
					if ctx.Err() != nil { // cut short: not a sample
						return res, errInterrupted
					}
					if err != nil {
						return nil, fmt.Errorf("%s: %w", name, err)
					}
					cpu1, err := srv.cpu()
					if err != nil {
						return nil, err
					}
					s := Sample{Server: name, Client: cm.String(), M: m, Rate: rep.Rate(),
						ServerCPUus: float64((cpu1 - cpu0).Microseconds()) / float64(n)}
					res.Samples = append(res.Samples, s)
					fmt.Fprintf(stderr, "repeat %d/%d client=%s m=%-2d server=%-8s %7.0f tx/s %6.1f server-cpu-µs/tx\n",
						r+1, repeats, s.Client, m, name, s.Rate, s.ServerCPUus)
				}
			}
		}
	}
	return res, nil
}

// writeDoc puts the tables in the countbench section of the markdown file
// at path (mdsection's markers).
func writeDoc(path string, res *Results) error {
	var b bytes.Buffer
	writeTables(&b, res)
	_, err := mdsection.ReplaceFile(path, "countbench", b.Bytes())
	return err
}

// estimate is how long runs measurements of tx transactions take at rate
// transactions per second, rounded to the minute (to the second below one).
func estimate(runs, tx, rate int) time.Duration {
	d := time.Duration(float64(runs*tx) / float64(rate) * float64(time.Second))
	if d < time.Minute {
		return d.Round(time.Second)
	}
	return d.Round(time.Minute)
}

func save(path string, res *Results) error {
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func load(path string) (*Results, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var res Results
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &res, nil
}
