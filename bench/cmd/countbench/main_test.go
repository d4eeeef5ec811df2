package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func sampleResults() *Results {
	r := &Results{CPUs: 2, N: 100, Repeats: 3, Servers: []string{"seq", "thread", "async"},
		Clients: []string{"async"}, InFlight: []int{1}}
	r.Samples = append(r.Samples, []Sample{
		{Server: "seq", Client: "async", M: 1, Rate: 1000, ServerCPUus: 50},
		{Server: "seq", Client: "async", M: 1, Rate: 3000, ServerCPUus: 70},
		{Server: "seq", Client: "async", M: 1, Rate: 2000, ServerCPUus: 60},
		{Server: "thread", Client: "async", M: 1, Rate: 1000, ServerCPUus: 80},
		{Server: "async", Client: "async", M: 1, Rate: 1500, ServerCPUus: 40},
		{Server: "async", Client: "async", M: 1, Rate: 1700, ServerCPUus: 30},
	}...)
	return r
}

func TestMedian(t *testing.T) {
	r := sampleResults()
	assert.Equal(t, 2000.0, median(r, "seq", "async", 1, rate), "odd count: the middle")
	assert.Equal(t, 1600.0, median(r, "async", "async", 1, rate), "even count: the mean of the middle two")
	assert.Equal(t, 35.0, median(r, "async", "async", 1, cpu))
	assert.Zero(t, median(r, "seq", "thread", 1, rate), "no samples")
}

func TestTableShowsMediansAndRatios(t *testing.T) {
	var b bytes.Buffer
	writeTables(&b, sampleResults())
	out := b.String()
	assert.Contains(t, out, "| client | m | seq | thread | async | async / thread | async / seq |")
	assert.Contains(t, out, "| async | 1 | 2000 | 1000 | 1600 | 1.60× | 0.80× |")
	assert.Contains(t, out, "| async | 1 | 60.0 | 80.0 | 35.0 |")
}

func TestChartAndSamplesRoundTrip(t *testing.T) {
	dir := t.TempDir()
	r := sampleResults()
	js := filepath.Join(dir, "r.json")
	require.NoError(t, save(js, r))
	back, err := load(js)
	require.NoError(t, err)
	assert.Equal(t, r.Samples, back.Samples)

	svg := filepath.Join(dir, "c.svg")
	require.NoError(t, drawChart(svg, back))
	b, err := os.ReadFile(svg)
	require.NoError(t, err)
	s := string(b)
	assert.True(t, strings.HasPrefix(s, "<?xml"), "an SVG file")
	assert.Contains(t, s, "async client m=1")
	assert.Contains(t, s, "thread server")
}
