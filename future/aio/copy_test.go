package aio_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/aio"
)

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

func TestCopyMovesEverythingThroughShortReadsAndWrites(t *testing.T) {
	data := pattern(200_000)
	src := &script{chunks: [][]byte{bytes.Clone(data[:1]), bytes.Clone(data[1:70_000]), bytes.Clone(data[70_000:])}, pendingFirst: true}
	dst := &sink{max: 1000, pendingFirst: true}
	n, err := run(aio.Copy(dst, src)).Get()
	require.NoError(t, err)
	assert.EqualValues(t, len(data), n)
	assert.Equal(t, data, dst.got)
}

func TestCopyReportsErrorsWithTheCountSoFar(t *testing.T) {
	src := &script{chunks: [][]byte{[]byte("hello")}, err: errBoom}
	res := run(aio.Copy(&sink{}, src))
	assert.ErrorIs(t, res.Err, errBoom)
	assert.EqualValues(t, 5, res.Value)

	dst := &sink{failAt: 3, failErr: errBoom}
	res = run(aio.Copy(dst, &script{chunks: [][]byte{[]byte("hello")}}))
	assert.ErrorIs(t, res.Err, errBoom)
	assert.EqualValues(t, 3, res.Value)
}

func TestCopyFlushesAFlusherAtEOF(t *testing.T) {
	dst := &flushSink{}
	_, err := run(aio.Copy(dst, &script{chunks: [][]byte{[]byte("x")}})).Get()
	require.NoError(t, err)
	assert.Equal(t, 1, dst.flushes)
	assert.False(t, dst.closedWrite, "Copy does not half-close; CopyBidirectional does")
}

// The buffer is allocated once per call, not per poll: a copy that is
// polled thousands of times allocates the future and one buffer.
func TestCopyAllocatesItsBufferOncePerCall(t *testing.T) {
	chunks := make([][]byte, 2000)
	backing := pattern(10 * len(chunks))
	allocs := testing.AllocsPerRun(20, func() {
		for i := range chunks {
			chunks[i] = backing[10*i : 10*i+10] // re-armed without allocating
		}
		src := &script{chunks: chunks, pendingFirst: true}
		dst := &sink{pendingFirst: true, got: make([]byte, 0, 32<<10)}
		f := aio.Copy(dst, src)
		cx := future.NewContext(nil)
		for f.Poll(cx).IsPending() {
		}
	})
	// src, dst, dst.got, the Context, the future and its buffer: none per
	// poll, of which there are about 4000.
	assert.LessOrEqual(t, allocs, 6.0)
}

func TestCopyBufferUsesTheCallersBuffer(t *testing.T) {
	buf := make([]byte, 3)
	dst := &sink{}
	n, err := run(aio.CopyBuffer(dst, &script{chunks: [][]byte{[]byte("abcdefg")}}, buf)).Get()
	require.NoError(t, err)
	assert.EqualValues(t, 7, n)
	assert.Equal(t, "abcdefg", string(dst.got))
	assert.Equal(t, 3, dst.writes, "3+3+1: the 3-byte buffer was used")
	assert.PanicsWithError(t, "spindle: aio.CopyBuffer: empty buffer", func() { aio.CopyBuffer(dst, &script{}, nil) })
}

func TestCopyCancelAndPollAfterReady(t *testing.T) {
	f := aio.Copy(&sink{}, &script{pendingFirst: true})
	cx := future.NewContext(nil)
	require.True(t, f.Poll(cx).IsPending())
	f.Cancel()
	f.Cancel() // a second Cancel does nothing

	g := aio.Copy(&sink{}, &script{})
	run[future.Result[int64]](g)
	assert.Panics(t, func() { g.Poll(cx) })
}

func TestCopyBidirectionalOverTCP(t *testing.T) {
	r := reactor(t)
	a1, a2 := tcpPair(t, r)
	b1, b2 := tcpPair(t, r)
	// a1 ⇄ a2 ══proxy══ b1 ⇄ b2
	proxy := aio.CopyBidirectional(a2, b1)
	up := pattern(100_000)
	client := future.Func[string](func() func(*future.Context) future.Poll[string] {
		w := a1.WriteAll(up)
		var rd future.Future[future.Result[[]byte]]
		return func(cx *future.Context) future.Poll[string] {
			if w != nil {
				res, ok := w.Poll(cx).Value()
				if !ok {
					return future.Pending[string]()
				}
				require.NoError(t, res.Err)
				require.NoError(t, a1.CloseWrite())
				w, rd = nil, a1.ReadToEnd()
			}
			res, ok := rd.Poll(cx).Value()
			if !ok {
				return future.Pending[string]()
			}
			require.NoError(t, res.Err)
			return future.Ready(string(res.Value))
		}
	}())
	server := future.Func[[]byte](func() func(*future.Context) future.Poll[[]byte] {
		rd := b2.ReadToEnd()
		var got []byte
		var w future.Future[future.Result[int]]
		return func(cx *future.Context) future.Poll[[]byte] {
			if rd != nil {
				res, ok := rd.Poll(cx).Value()
				if !ok {
					return future.Pending[[]byte]()
				}
				require.NoError(t, res.Err)
				got, rd, w = res.Value, nil, b2.WriteAll([]byte("bye"))
			}
			if _, ok := w.Poll(cx).Value(); !ok {
				return future.Pending[[]byte]()
			}
			require.NoError(t, b2.CloseWrite())
			return future.Ready(got)
		}
	}())
	out := future.BlockOnDriver(r, future.Join3[string, []byte, future.Result[future.Pair[int64, int64]]](client, server, proxy))
	assert.Equal(t, "bye", out.First)
	assert.Equal(t, up, out.Second)
	counts, err := out.Third.Get()
	require.NoError(t, err)
	assert.Equal(t, future.Pair[int64, int64]{First: int64(len(up)), Second: 3}, counts)
}

func TestCopyBidirectionalStopsAtTheFirstError(t *testing.T) {
	a := &rw{Reader: &script{chunks: [][]byte{[]byte("ab")}, err: errBoom}, Writer: &sink{}}
	b := &rw{Reader: &script{pendingFirst: true, chunks: [][]byte{[]byte("xyz")}}, Writer: &sink{}}
	res := run(aio.CopyBidirectional(a, b))
	assert.ErrorIs(t, res.Err, errBoom)
	assert.EqualValues(t, 2, res.Value.First)
}

type rw struct {
	aio.Reader
	aio.Writer
}
