package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// ensureWrk returns wrk's path, installing Debian's package first when it
// is missing.
func ensureWrk(log io.Writer) (string, error) {
	if p, err := exec.LookPath("wrk"); err == nil {
		return p, nil
	}
	fmt.Fprintln(log, "wrk not found: apt-get update && apt-get install -y wrk")
	for _, args := range [][]string{{"update"}, {"install", "-y", "wrk"}} {
		cmd := exec.Command("apt-get", args...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("apt-get %s: %v (install wrk by hand)", strings.Join(args, " "), err)
		}
	}
	return exec.LookPath("wrk")
}

// wrkResult is what httpbench keeps of a wrk run.
type wrkResult struct {
	rps      float64
	requests int64         // completed in the run
	cpu      time.Duration // the server's user+system time during the run (set by the caller)
	p50, p99 time.Duration
	errors   int // connect, read, write and timeout errors, and non-2xx responses
}

func runWrk(wrk string, threads, conns int, dur, url string) (wrkResult, error) {
	cmd := exec.Command(wrk, "-t"+strconv.Itoa(threads), "-c"+strconv.Itoa(conns), "-d"+dur, "--latency", url)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return wrkResult{}, fmt.Errorf("%s: %v", strings.Join(cmd.Args, " "), err)
	}
	return parseWrk(string(out))
}

// parseWrk reads wrk's report: "Requests/sec:", the 50% and 99% lines of
// the --latency distribution, "Socket errors:" and "Non-2xx".
func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	var haveRPS, have50, have99 bool
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				return r, fmt.Errorf("wrk: %q: %v", sc.Text(), err)
			}
			r.rps, haveRPS = v, true
		case len(f) == 2 && (f[0] == "50%" || f[0] == "99%"):
			d, err := wrkDuration(f[1])
			if err != nil {
				return r, err
			}
			if f[0] == "50%" {
				r.p50, have50 = d, true
			} else {
				r.p99, have99 = d, true
			}
		case len(f) > 2 && f[1] == "requests" && f[2] == "in":
			r.requests, _ = strconv.ParseInt(f[0], 10, 64)
		case len(f) > 2 && f[0] == "Socket" && f[1] == "errors:":
			// Socket errors: connect 0, read 0, write 0, timeout 0
			for i := 3; i < len(f); i += 2 {
				n, _ := strconv.Atoi(strings.TrimSuffix(f[i], ","))
				r.errors += n
			}
		case len(f) > 1 && f[0] == "Non-2xx":
			n, _ := strconv.Atoi(f[len(f)-1])
			r.errors += n
		}
	}
	if !haveRPS || !have50 || !have99 {
		return r, fmt.Errorf("wrk: no Requests/sec or latency distribution in:\n%s", out)
	}
	return r, nil
}

// wrkDuration parses wrk's "1.23ms", "456.00us", "1.01s", "2.00m".
func wrkDuration(s string) (time.Duration, error) {
	unit := strings.TrimLeft(s, "0123456789.")
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, unit), 64)
	scale := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour}[unit]
	if err != nil || scale == 0 {
		return 0, fmt.Errorf("wrk: bad duration %q", s)
	}
	return time.Duration(v * float64(scale)), nil
}
