package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// copyFixture lays out testdata as a repository would: doc.md beside a
// results directory, in a temporary directory the test may rewrite.
func copyFixture(t *testing.T) (doc, results string) {
	t.Helper()
	dir := t.TempDir()
	results = filepath.Join(dir, "results")
	require.NoError(t, os.Mkdir(results, 0o755))
	for _, f := range []string{"run.txt", "rates.txt", "summary.conf"} {
		b, err := os.ReadFile(filepath.Join("testdata", "results", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(results, f), b, 0o644))
	}
	b, err := os.ReadFile(filepath.Join("testdata", "doc.md"))
	require.NoError(t, err)
	doc = filepath.Join(dir, "doc.md")
	require.NoError(t, os.WriteFile(doc, b, 0o644))
	return doc, results
}

func TestRunWritesTheTableAndIsIdempotent(t *testing.T) {
	doc, results := copyFixture(t)
	want, err := os.ReadFile(filepath.Join("testdata", "want.md"))
	require.NoError(t, err)

	changed, err := run(results, doc)
	require.NoError(t, err)
	assert.True(t, changed)
	got, err := os.ReadFile(doc)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))

	changed, err = run(results, doc)
	require.NoError(t, err)
	assert.False(t, changed, "a second run with the same results changes nothing")
	again, err := os.ReadFile(doc)
	require.NoError(t, err)
	assert.Equal(t, string(got), string(again))
}

func TestParseResults(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "results", "run.txt"))
	require.NoError(t, err)
	defer f.Close()
	rf, err := parseResults("run.txt", f)
	require.NoError(t, err)
	assert.Equal(t, "go test -run '^$' -bench 'Ping|Spawn' -count 3 -benchmem ./bench", rf.config["command"])
	assert.Equal(t, "2026-11-26 05:53 UTC", rf.config["measured"])
	assert.Equal(t, "linux", rf.config["goos"])
	// the -2 of GOMAXPROCS goes, a -64 that is part of the name stays
	assert.Equal(t, []float64{110, 100, 130}, rf.samples["Ping/spindle/workers=2"]["ns/op"])
	assert.Equal(t, []float64{0, 0, 0}, rf.samples["Ping/goroutines"]["allocs/op"])
	assert.Equal(t, []float64{2653, 2651}, rf.samples["Spawn/fromseq-64"]["B/task"])
	assert.Len(t, rf.samples, 4)
}

func TestParseResultsRefusesBadInput(t *testing.T) {
	for name, in := range map[string]string{
		"no command line":   "# measured: today\nBenchmarkA-2 1 5 ns/op\n",
		"no results":        "# command: go test -bench . ./bench\nPASS\n",
		"odd fields":        "# command: x\nBenchmarkA-2 1 5 ns/op 7\n",
		"count not a count": "# command: x\nBenchmarkA-2 many 5 ns/op\n",
		"value not a value": "# command: x\nBenchmarkA-2 1 fast ns/op\n",
	} {
		_, err := parseResults("f.txt", strings.NewReader(in))
		assert.Error(t, err, name)
	}
}

func TestMedian(t *testing.T) {
	assert.Equal(t, 5.0, median([]float64{9, 5, 1}))
	assert.Equal(t, 4.0, median([]float64{8, 1, 3, 5}))
	assert.Equal(t, 7.0, median([]float64{7}))
	v := []float64{3, 1, 2}
	median(v)
	assert.Equal(t, []float64{3, 1, 2}, v, "median leaves its argument alone")
}

func TestRatioAndFormat(t *testing.T) {
	assert.Equal(t, "2.50×", ratio(250, 100))
	assert.Equal(t, "0.40×", ratio(100, 250))
	assert.Equal(t, "–", ratio(1, 0))

	for _, c := range []struct {
		v    float64
		unit string
		want string
	}{
		{0.6994, "ns/op", "0.699 ns/op"},
		{34.09, "ns/op", "34.1 ns/op"},
		{189, "ns/op", "189 ns/op"},
		{1520, "ns/op", "1.52 µs/op"},
		{11.22e6, "ns/op", "11.2 ms/op"},
		{2.041e9, "ns/op", "2.04 s/op"},
		{301.8, "cpu-ns/op", "302 ns/op CPU"},
		{18.93, "cpu-µs/req", "18.9 µs/req CPU"},
		{6.86e6, "p99-ns", "6.86 ms p99"},
		{32, "server-cpu-µs/tx", "32.0 µs/tx server CPU"},
		{1.5, "ms/op", "1.50 ms/op"},
		{195.2, "ns/child", "195 ns/child"},
		{2653, "B/task", "2,653 B/task"},
		{1234567, "tx/s", "1,234,567 tx/s"},
		{0, "allocs/op", "0 allocs/op"},
	} {
		assert.Equal(t, c.want, format(c.v, c.unit), "%v %s", c.v, c.unit)
	}
}

// A rate (…/s) is better when higher, so its gain is spindle ÷ plain Go,
// where a cost's is plain Go ÷ spindle: above 1, spindle does better.
func TestGainOfARateIsInverted(t *testing.T) {
	assert.True(t, isRate("req/s"))
	assert.True(t, isRate("tx/s"))
	assert.False(t, isRate("ns/op"))
	assert.False(t, isRate("B/task"))
	doc, results := copyFixture(t)
	_, err := run(results, doc)
	require.NoError(t, err)
	got, err := os.ReadFile(doc)
	require.NoError(t, err)
	assert.Contains(t, string(got), "| throughput | 60,000 req/s | 40,000 req/s | 1.50× |")
	assert.Contains(t, string(got), "| tail | 6.86 ms p99 | 14.3 ms p99 | 2.08× |")
}

func TestRunRefusesRowsThatDoNotMatch(t *testing.T) {
	for name, conf := range map[string]string{
		"unknown file":      "a | other.txt | Ping/spindle/workers=2 | Ping/goroutines | ns/op\n",
		"unknown benchmark": "a | run.txt | Ping/spindle/workers=3 | Ping/goroutines | ns/op\n",
		"unknown unit":      "a | run.txt | Ping/spindle/workers=2 | Ping/goroutines | tx/s\n",
		"four fields":       "a | run.txt | Ping/spindle/workers=2 | ns/op\n",
		"empty field":       "a | run.txt |  | Ping/goroutines | ns/op\n",
		"no rows":           "# nothing\n",
	} {
		doc, results := copyFixture(t)
		require.NoError(t, os.WriteFile(filepath.Join(results, "summary.conf"), []byte(conf), 0o644))
		before, err := os.ReadFile(doc)
		require.NoError(t, err)
		_, err = run(results, doc)
		assert.Error(t, err, name)
		after, err := os.ReadFile(doc)
		require.NoError(t, err)
		assert.Equal(t, string(before), string(after), "%s: the document is left alone", name)
	}
}

func TestRunRefusesADocumentWithoutTheCommandsSection(t *testing.T) {
	doc, results := copyFixture(t)
	only := "<!-- benchtable:begin (x) -->\n<!-- benchtable:end -->\n"
	require.NoError(t, os.WriteFile(doc, []byte(only), 0o644))
	_, err := run(results, doc)
	assert.ErrorContains(t, err, "benchfiles")
	after, err := os.ReadFile(doc)
	require.NoError(t, err)
	assert.Equal(t, only, string(after), "the document is left alone")
}
