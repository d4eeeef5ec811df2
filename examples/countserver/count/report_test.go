package count

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReportVerify(t *testing.T) {
	ok := &Report{Requested: 3, Values: []uint64{7, 5, 6}}
	assert.NoError(t, ok.Verify())
	assert.Zero(t, ok.Duplicates())

	dup := &Report{Requested: 3, Values: []uint64{5, 5, 6}}
	assert.Equal(t, 1, dup.Duplicates())
	assert.ErrorContains(t, dup.Verify(), "duplicate")

	gap := &Report{Requested: 3, Values: []uint64{5, 6, 8}}
	assert.ErrorContains(t, gap.Verify(), "not contiguous")

	short := &Report{Requested: 4, Values: []uint64{5, 6, 7}}
	assert.ErrorContains(t, short.Verify(), "got 3 values, want 4")

	failed := &Report{Requested: 2, Values: []uint64{1}, Errors: 1, FirstErr: errors.New("boom")}
	assert.ErrorContains(t, failed.Verify(), "boom")
}

func TestReportPercentiles(t *testing.T) {
	r := &Report{}
	for i := 1; i <= 100; i++ {
		r.Latencies = append(r.Latencies, time.Duration(101-i)*time.Millisecond)
	}
	assert.Equal(t, 50*time.Millisecond, r.Percentile(0.5))
	assert.Equal(t, 99*time.Millisecond, r.Percentile(0.99))
	assert.Zero(t, (&Report{}).Percentile(0.5))
}

func TestRecorderShardsMergeAndPrintWholeLines(t *testing.T) {
	var out bytes.Buffer
	rec := NewRecorder(&out)
	a, b := rec.Shard(), rec.Shard()
	for i := range 2000 {
		a.Record(uint64(2*i), time.Microsecond)
		b.Record(uint64(2*i+1), time.Microsecond)
	}
	b.Fail(errors.New("refused"))
	assert.Equal(t, int64(4001), rec.Done())
	assert.Equal(t, int64(1), rec.Failed())
	rep := rec.Report(4001, time.Second)
	assert.Len(t, rep.Values, 4000)
	assert.Equal(t, 1, rep.Errors)
	assert.EqualError(t, rep.FirstErr, "refused")
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 4000, "every value printed once, on its own line")
	seen := map[string]bool{}
	for _, l := range lines {
		assert.False(t, seen[l], "line %q twice", l)
		seen[l] = true
	}

	var sum bytes.Buffer
	rep.WriteSummary(&sum)
	for _, want := range []string{"transactions  4001 of 4001", "errors        1 (first: refused)",
		"duplicates    0", "rate          4000 transactions/s", "latency       p50 1µs  p99 1µs"} {
		assert.Contains(t, sum.String(), want)
	}
}
