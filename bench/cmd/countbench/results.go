package main

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spindle-rt/spindle/examples/countserver/count"
)

// writeResults writes res to path in the format benchstat and
// bench/cmd/benchtable read: the header lines benchtable requires, then
// one line per sample, named as BenchmarkCountserver names its
// sub-benchmarks and with its metrics, so that a file from go test -bench
// Countserver and one from countbench read alike. The iteration count is
// the transactions of the measurement.
func writeResults(path string, res *Results) error {
	var b bytes.Buffer
	ext := ""
	for _, name := range res.Servers {
		if !slices.ContainsFunc(count.BenchServers, func(s count.BenchServer) bool { return s.Name == name }) {
			ext += " -ext " + name + "=HOST:PORT"
		}
	}
	fmt.Fprintf(&b, "# command: go run ./bench/cmd/countbench -n %d -repeats %d%s -json docs/countserver.json -results %s\n",
		res.N, res.Repeats, ext, path)
	fmt.Fprintf(&b, "# measured: %s\n", res.When.UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "# conditions: %d CPUs; servers %s (each in a process of its own), clients %s in this process; server-cpu-µs/tx is the server process's user+system time per transaction (0 for a server started elsewhere)\n",
		res.CPUs, strings.Join(res.Servers, ", "), strings.Join(res.Clients, ", "))
	for _, s := range res.Samples {
		fmt.Fprintf(&b, "BenchmarkCountserver/client=%s/m=%d/server=%s\t%d\t%.1f tx/s\t%.1f server-cpu-µs/tx\n",
			s.Client, s.M, s.Server, res.N, s.Rate, s.ServerCPUus)
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}
