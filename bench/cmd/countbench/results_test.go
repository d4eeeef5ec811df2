package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The results file holds benchtable's header lines and one go test -bench
// line per sample, with BenchmarkCountserver's names and metrics; an
// external server shows in the command as an -ext to fill in.
func TestWriteResults(t *testing.T) {
	res := &Results{
		When: time.Date(2026, 11, 26, 5, 45, 1, 0, time.UTC), CPUs: 2, N: 10000, Repeats: 2,
		Servers: []string{"async", "rust-seq"}, Clients: []string{"thread"}, InFlight: []int{16},
		Samples: []Sample{
			{Server: "async", Client: "thread", M: 16, Rate: 17014.25, ServerCPUus: 28},
			{Server: "rust-seq", Client: "thread", M: 16, Rate: 16804, ServerCPUus: 0},
		},
	}
	path := filepath.Join(t.TempDir(), "countserver.txt")
	require.NoError(t, writeResults(path, res))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	require.Len(t, lines, 5)
	assert.Equal(t, "# command: go run ./bench/cmd/countbench -n 10000 -repeats 2 -ext rust-seq=HOST:PORT -json docs/countserver.json -results "+path, lines[0])
	assert.Equal(t, "# measured: 2026-11-26 05:45 UTC", lines[1])
	assert.True(t, strings.HasPrefix(lines[2], "# conditions: 2 CPUs; servers async, rust-seq"), lines[2])
	bench := regexp.MustCompile(`^BenchmarkCountserver/client=thread/m=16/server=(\S+)\t10000\t([0-9.]+) tx/s\t([0-9.]+) server-cpu-µs/tx$`)
	m := bench.FindStringSubmatch(lines[3])
	require.NotNil(t, m, lines[3])
	assert.Equal(t, []string{"async", "17014.2", "28.0"}, m[1:])
	m = bench.FindStringSubmatch(lines[4])
	require.NotNil(t, m, lines[4])
	assert.Equal(t, "rust-seq", m[1])
}
