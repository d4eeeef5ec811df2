package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestFirstErrorCancelsTheRest: job 37 fails; the jobs that finished did
// so before the cancel, nothing started or finished after it, never more
// than 10 ran at once, and all 10 permits are back.
func TestFirstErrorCancelsTheRest(t *testing.T) {
	j := &journal{fail: 37, work: 20 * time.Millisecond}
	out, err := run(100, 10, j)
	require.NoError(t, err)
	require.EqualError(t, out.failure, "job 37: out of disk")
	assert.Equal(t, 100, len(out.finished)+1+out.cancelled, "every job is reported once")
	assert.NotContains(t, out.finished, 37)
	assert.Equal(t, 10, out.permits, "permits back")
	assert.Equal(t, 10, j.most, "at most 10 at once, and the limit reached")

	cancel := -1
	done := map[int]bool{}
	started := map[int]bool{}
	for k, e := range j.events {
		if cancel >= 0 {
			t.Errorf("%s of job %d after the cancel", e.what, e.job)
		}
		switch e.what {
		case "cancel":
			cancel = k
		case "start":
			started[e.job] = true
		case "done":
			done[e.job] = true
		}
	}
	require.GreaterOrEqual(t, cancel, 0, "no cancel in the journal")
	for _, i := range out.finished {
		assert.True(t, done[i], "job %d reported finished without finishing", i)
	}
	assert.Len(t, done, len(out.finished), "a job finished but was reported cancelled")
	// 37 fails at once while the rest of its batch works: those are
	// cancelled while running.
	assert.Equal(t, len(started)-len(done)-1, out.running)
	assert.Positive(t, out.running, "no job was aborted while running")
	assert.Less(t, len(started), 100, "every job started: nothing was cancelled before it ran")

	var b bytes.Buffer
	out.print(&b)
	lines := strings.Split(b.String(), "\n")
	require.Len(t, lines, 5)
	assert.True(t, strings.HasPrefix(lines[0], fmt.Sprintf("finished %d: 0 1 ", len(out.finished))), lines[0])
	assert.Equal(t, "failed: job 37: out of disk", lines[1])
	assert.Equal(t, fmt.Sprintf("cancelled %d: %d running, %d waiting for a permit", out.cancelled, out.running, out.cancelled-out.running), lines[2])
	assert.Equal(t, "permits back: 10 of 10", lines[3])
}

// TestNoFailure: without a failing job all 100 finish.
func TestNoFailure(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, fanout([]string{"-fail", "-1", "-work", "1ms"}, &stdout, &stderr), stderr.String())
	want := "finished 100:"
	for i := range 100 {
		want += fmt.Sprintf(" %d", i)
	}
	assert.Equal(t, want+"\npermits back: 10 of 10\n", stdout.String())
}

// TestBadFlags: a limit of 0 could never run a job; it is refused.
func TestBadFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 2, fanout([]string{"-limit", "0"}, &stdout, &stderr))
	assert.Equal(t, "fanout: -jobs and -limit must be at least 1\n", stderr.String())
	assert.Equal(t, 2, fanout([]string{"-bogus"}, &stdout, &stderr))
}
