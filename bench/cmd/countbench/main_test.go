package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/spindle-rt/spindle/examples/countserver/count"
)

// childEnv carries the arguments of a re-executed test binary that runs
// the program itself (see TestInterruptPrintsPartialTable).
const childEnv = "COUNTBENCH_MAIN_CHILD"

func TestMain(m *testing.M) {
	if ok, err := count.ServeChild(); ok { // a child server of measureAll
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if args, ok := os.LookupEnv(childEnv); ok {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		code := run(ctx, strings.Fields(args), os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	goleak.VerifyTestMain(m)
}

// TestInterruptPrintsPartialTable runs the program with real servers,
// says up front how long it will take, and sends SIGINT after a few
// measurements: it must print the table of the measurements done and exit
// with exitInterrupted.
func TestInterruptPrintsPartialTable(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=-n 300 -warmup 10 -repeats 2")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	var log []string
	sc := bufio.NewScanner(stderr)
	samples := 0
	for samples < 3 && sc.Scan() {
		log = append(log, sc.Text())
		if strings.HasPrefix(sc.Text(), "repeat 1/2 ") {
			samples++
		}
	}
	require.Equal(t, 3, samples, "stderr: %s", strings.Join(log, "\n"))
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	for sc.Scan() {
		log = append(log, sc.Text())
	}
	err = cmd.Wait()
	all := strings.Join(log, "\n")
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, all)
	assert.Equal(t, exitInterrupted, ee.ExitCode(), all)
	assert.Regexp(t, `^countbench: 48 measurements of 300 transactions \(\+10 warm-up\): about \d+s at 6000 transactions/s \(Ctrl-C prints the table so far\)$`, log[0])
	assert.Contains(t, all, "countbench: interrupted after ")
	out := stdout.String()
	assert.Contains(t, out, "median of at most 2 (interrupted) runs of 300 transactions")
	assert.Contains(t, out, "| client | m | seq | thread | async | async-2w |")
	assert.Regexp(t, `\| async \| 1 \| [1-9]\d* \|`, out, "the first pairings were measured")
}

func TestEstimate(t *testing.T) {
	assert.Equal(t, 7*time.Minute, estimate(120, 20500, assumedRate), "the default run")
	assert.Equal(t, 2*time.Second, estimate(48, 310, assumedRate))
}

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

func TestDocSectionIsTheTables(t *testing.T) {
	doc := filepath.Join(t.TempDir(), "b.md")
	require.NoError(t, os.WriteFile(doc, []byte("intro\n<!-- countbench:begin -->\nstale\n<!-- countbench:end -->\nafter\n"), 0o644))
	r := sampleResults()
	require.NoError(t, writeDoc(doc, r))
	var want bytes.Buffer
	writeTables(&want, r)
	got, err := os.ReadFile(doc)
	require.NoError(t, err)
	assert.Equal(t, "intro\n<!-- countbench:begin -->\n"+want.String()+"<!-- countbench:end -->\nafter\n", string(got))
}
