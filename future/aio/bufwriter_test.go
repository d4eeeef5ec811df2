package aio_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/aio"
)

func TestBufWriterHoldsSmallWritesUntilFlush(t *testing.T) {
	dst := &flushSink{}
	w := aio.NewBufWriterSize(dst, 16)
	for _, s := range []string{"ab", "cd", "ef"} {
		n, err := run(aio.WriteAll(w, []byte(s))).Get()
		require.NoError(t, err)
		assert.Equal(t, 2, n)
	}
	assert.Empty(t, dst.got, "nothing reaches the writer before a flush")
	assert.Equal(t, 6, w.Buffered())
	assert.Equal(t, 10, w.Available())
	require.NoError(t, run(w.Flush()).Err)
	assert.Equal(t, "abcdef", string(dst.got))
	assert.Equal(t, 1, dst.writes, "one write for the three")
	assert.Equal(t, 1, dst.flushes, "the flush reaches a Flusher below")
}

func TestBufWriterFlushesWhenFullAndBypassesForBigWrites(t *testing.T) {
	dst := &sink{max: 5, pendingFirst: true}
	w := aio.NewBufWriterSize(dst, 16)
	in := strings.Repeat("0123456789", 10)
	_, err := run(aio.WriteAll(w, []byte(in[:30]))).Get()
	require.NoError(t, err)
	require.NoError(t, run(w.Flush()).Err)
	_, err = run(aio.WriteAll(w, []byte(in[30:]))).Get() // 70 bytes into an empty buffer: straight through
	require.NoError(t, err)
	require.NoError(t, run(w.Flush()).Err)
	assert.Equal(t, in, string(dst.got))
}

func TestBufWriterErrorsAreSticky(t *testing.T) {
	dst := &sink{failAt: 3, failErr: errBoom}
	w := aio.NewBufWriterSize(dst, 16)
	_, err := run(aio.WriteAll(w, []byte("hello"))).Get()
	require.NoError(t, err)
	assert.ErrorIs(t, run(w.Flush()).Err, errBoom)
	_, err = run(aio.WriteAll(w, []byte("x"))).Get()
	assert.ErrorIs(t, err, errBoom)
	assert.ErrorIs(t, run(w.Flush()).Err, errBoom)
}

func TestBufWriterCloseWriteFlushesThenHalfCloses(t *testing.T) {
	r := reactor(t)
	a, b := tcpPair(t, r)
	w := aio.NewBufWriter(a)
	_, err := future.BlockOnDriver(r, aio.WriteAll(w, []byte("last words"))).Get()
	require.NoError(t, err)
	res := future.BlockOnDriver(r, future.Func[future.Result[struct{}]](w.PollCloseWrite))
	require.NoError(t, res.Err)
	got, err := future.BlockOnDriver(r, b.ReadToEnd()).Get()
	require.NoError(t, err, "EOF after the flushed bytes")
	assert.Equal(t, "last words", string(got))
}
