package aio_test

import (
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/aio"
	"github.com/spindle-rt/spindle/future/stream"
)

func chunked(s string, size int) [][]byte {
	var out [][]byte
	for len(s) > size {
		out = append(out, []byte(s[:size]))
		s = s[size:]
	}
	return append(out, []byte(s))
}

func readLines(t *testing.T, b *aio.BufReader) ([]string, error) {
	t.Helper()
	var lines []string
	for {
		line, err := run(b.ReadLine()).Get()
		if err != nil {
			return lines, err
		}
		lines = append(lines, line)
	}
}

func TestReadLineAcrossChunks(t *testing.T) {
	for _, size := range []int{1, 2, 3, 7, 100} {
		in := "one\r\ntwo\n\nfour, the last, has no newline"
		b := aio.NewBufReaderSize(&script{chunks: chunked(in, size), pendingFirst: true}, 16)
		lines, err := readLines(t, b)
		assert.Equal(t, io.EOF, err)
		assert.Equal(t, []string{"one", "two", "", "four, the last, has no newline"}, lines, "chunks of %d", size)
	}
}

func TestReadUntilKeepsTheDelimiter(t *testing.T) {
	b := aio.NewBufReader(&script{chunks: chunked("a;bb;ccc", 2)})
	var got []string
	for {
		rec, err := run(b.ReadUntil(';')).Get()
		if err != nil {
			assert.Equal(t, io.EOF, err)
			break
		}
		got = append(got, string(rec))
	}
	assert.Equal(t, []string{"a;", "bb;", "ccc"}, got)
}

func TestLineTooLongIsAnErrorAndTheNextLineStillReads(t *testing.T) {
	in := "short\n" + strings.Repeat("x", 100) + "\nafter\n" + strings.Repeat("y", 10) + "\n"
	b := aio.NewBufReaderSize(&script{chunks: chunked(in, 7)}, 16)
	b.SetMaxLine(11) // "yyyyyyyyyy\n" is 11 bytes: exactly at the limit
	line, err := run(b.ReadLine()).Get()
	require.NoError(t, err)
	assert.Equal(t, "short", line)
	_, err = run(b.ReadLine()).Get()
	assert.ErrorIs(t, err, aio.ErrLineTooLong)
	assert.Contains(t, err.Error(), "within 11 bytes")
	lines, err := readLines(t, b)
	assert.Equal(t, io.EOF, err)
	assert.Equal(t, []string{"after", strings.Repeat("y", 10)}, lines)
}

// Regression: a limit below the buffer size was not enforced when the
// whole long line was already in the buffer.
func TestLineLimitBelowTheBufferSize(t *testing.T) {
	b := aio.NewBufReader(&script{chunks: [][]byte{[]byte("0123456789\n" + strings.Repeat("x", 100) + "\nok\n")}})
	b.SetMaxLine(11)
	line, err := run(b.ReadLine()).Get()
	require.NoError(t, err)
	assert.Equal(t, "0123456789", line)
	_, err = run(b.ReadLine()).Get()
	assert.ErrorIs(t, err, aio.ErrLineTooLong)
	line, err = run(b.ReadLine()).Get()
	require.NoError(t, err)
	assert.Equal(t, "ok", line)
}

func TestLongLinesGrowTheBufferUpToTheLimit(t *testing.T) {
	long := strings.Repeat("z", 50_000)
	b := aio.NewBufReaderSize(&script{chunks: chunked(long+"\nend\n", 1000)}, 16)
	lines, err := readLines(t, b)
	assert.Equal(t, io.EOF, err)
	assert.Equal(t, []string{long, "end"}, lines)
}

func TestReadErrorsAreSticky(t *testing.T) {
	b := aio.NewBufReader(&script{chunks: [][]byte{[]byte("partial")}, err: errBoom})
	line, err := run(b.ReadLine()).Get()
	require.NoError(t, err, "the bytes before the error come first")
	assert.Equal(t, "partial", line)
	_, err = run(b.ReadLine()).Get()
	assert.ErrorIs(t, err, errBoom)
	_, err = run(b.ReadLine()).Get()
	assert.ErrorIs(t, err, errBoom)
}

// A ReadLine abandoned half way loses nothing: the next one sees the bytes.
func TestReadLineIsCancelSafe(t *testing.T) {
	src := &script{chunks: [][]byte{[]byte("hel"), []byte("lo\n")}, pendingFirst: true}
	b := aio.NewBufReader(src)
	cx := future.NewContext(nil)
	f := b.ReadLine()
	for src.reads < 1 {
		require.True(t, f.Poll(cx).IsPending(), "has read \"hel\" at most, waits for more")
	}
	future.Cancel(f)
	line, err := run(b.ReadLine()).Get()
	require.NoError(t, err)
	assert.Equal(t, "hello", line)
}

func TestBufReaderPollReadServesTheBufferFirst(t *testing.T) {
	b := aio.NewBufReaderSize(&script{chunks: [][]byte{[]byte("head\nbody bytes")}}, 16)
	line, err := run(b.ReadLine()).Get()
	require.NoError(t, err)
	assert.Equal(t, "head", line)
	assert.Equal(t, 10, b.Buffered())
	rest, err := run(aio.ReadAll(b)).Get()
	require.NoError(t, err)
	assert.Equal(t, "body bytes", string(rest))
}

func TestLinesStream(t *testing.T) {
	b := aio.NewBufReader(&script{chunks: chunked("a\nb\r\nc", 1), pendingFirst: true})
	ls := b.Lines()
	got := run(stream.Collect[string](ls))
	assert.Equal(t, []string{"a", "b", "c"}, got)
	assert.NoError(t, ls.Err())
	assert.Panics(t, func() { ls.PollNext(future.NewContext(nil)) }, "polled after End")
}

func TestLinesEndsWithErrLineTooLong(t *testing.T) {
	b := aio.NewBufReaderSize(&script{chunks: chunked("ok\n"+strings.Repeat("x", 64), 5)}, 16)
	b.SetMaxLine(32)
	ls := b.Lines()
	got := run(stream.Collect[string](ls))
	assert.Equal(t, []string{"ok"}, got)
	assert.ErrorIs(t, ls.Err(), aio.ErrLineTooLong)
}

func TestLinesYieldsWhenTheBudgetIsSpent(t *testing.T) {
	b := aio.NewBufReader(&script{chunks: [][]byte{[]byte(strings.Repeat("l\n", 1000))}})
	ls := b.Lines()
	var woken bool
	cx := future.NewContext(future.WakerFunc(func() { woken = true }))
	var budget future.Budget
	budget.Reset(10)
	cx.SetBudget(&budget)
	n := 0
	for ls.PollNext(cx).IsReady() {
		n++
	}
	assert.Equal(t, 10, n)
	assert.True(t, woken, "a yield wakes the task")
}

func TestBufReaderMisuse(t *testing.T) {
	b := aio.NewBufReader(&script{})
	assert.Panics(t, func() { b.SetMaxLine(0) })
	ls := b.Lines()
	ls.Close()
	assert.Panics(t, func() { ls.PollNext(future.NewContext(nil)) })
	f := b.ReadLine()
	run(f)
	assert.Panics(t, func() { f.Poll(future.NewContext(nil)) })
}
