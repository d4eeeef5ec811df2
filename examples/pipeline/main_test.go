package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// runPipeline runs the program with args and returns its exit status, its
// stdout lines and its stderr.
func runPipeline(t *testing.T, args ...string) (int, []string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := pipeline(args, &stdout, &stderr)
	return code, strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n"), stderr.String()
}

// summary parses the last two lines of the output.
func summary(t *testing.T, lines []string) (produced, squared, consumed, sum, waits, most int) {
	t.Helper()
	require.GreaterOrEqual(t, len(lines), 2)
	_, err := fmt.Sscanf(lines[len(lines)-2], "produced %d, squared %d, consumed %d (sum %d)", &produced, &squared, &consumed, &sum)
	require.NoError(t, err, lines[len(lines)-2])
	_, err = fmt.Sscanf(lines[len(lines)-1], "backpressure: the producer waited for room %d times, at most %d values ahead of the consumer", &waits, &most)
	require.NoError(t, err, lines[len(lines)-1])
	return
}

// TestProducerEnds: every value arrives, squared, in order; the producer
// waited for room, and its lead over the slow consumer reached the
// capacity of the pipeline (two buffers, the value the stage holds, the
// one the consumer holds) and never passed it.
func TestProducerEnds(t *testing.T) {
	for _, buf := range []int{1, 2, 4} {
		t.Run(fmt.Sprint("buf=", buf), func(t *testing.T) {
			code, lines, stderr := runPipeline(t, "-n", "30", "-buf", fmt.Sprint(buf))
			require.Equal(t, 0, code, stderr)
			require.Len(t, lines, 32)
			for i := 1; i <= 30; i++ {
				assert.Equal(t, fmt.Sprint(i*i), lines[i-1])
			}
			produced, squared, consumed, sum, waits, most := summary(t, lines)
			assert.Equal(t, []int{30, 30, 30, 9455}, []int{produced, squared, consumed, sum})
			assert.Positive(t, waits, "the producer never found the channel full")
			assert.Equal(t, 2*buf+2, most, "the producer's largest lead")
		})
	}
}

// TestConsumerFails: the consumer refuses 49; the stage's send and then
// the producer's fail, each task ends, and the error names all three,
// the consumer's first.
func TestConsumerFails(t *testing.T) {
	code, lines, stderr := runPipeline(t, "-reject", "49")
	require.Equal(t, 1, code)
	require.Len(t, lines, 8)
	assert.Equal(t, []string{"1", "4", "9", "16", "25", "36"}, lines[:6])
	produced, squared, consumed, _, _, most := summary(t, lines)
	assert.Equal(t, 6, consumed)
	assert.GreaterOrEqual(t, squared, 7, "49 reached the consumer")
	assert.LessOrEqual(t, squared, 7+2, "the stage passed more than the consumer's buffer took")
	assert.LessOrEqual(t, produced, squared+1+2, "the producer passed the stage's buffer")
	assert.LessOrEqual(t, most, 6)

	errLines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	require.Len(t, errLines, 3, stderr)
	assert.Equal(t, "pipeline: consumer: refuses 49", errLines[0])
	assert.Equal(t, "square: channel: send failed: channel: closed", errLines[1])
	assert.Equal(t, fmt.Sprintf("producer stopped at %d: channel: send failed: channel: closed", produced+1), errLines[2])
}

// TestBadFlags: a channel of no capacity is refused with one line.
func TestBadFlags(t *testing.T) {
	code, _, stderr := runPipeline(t, "-buf", "0")
	assert.Equal(t, 2, code)
	assert.Equal(t, "pipeline: -buf must be at least 1\n", stderr)
}
