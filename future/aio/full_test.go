package aio_test

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future/aio"
)

func TestReadFull(t *testing.T) {
	p := make([]byte, 6)
	n, err := run(aio.ReadFull(&script{chunks: [][]byte{[]byte("ab"), []byte("cdefgh")}, pendingFirst: true}, p)).Get()
	require.NoError(t, err)
	assert.Equal(t, 6, n)
	assert.Equal(t, "abcdef", string(p))

	n, err = run(aio.ReadFull(&script{chunks: [][]byte{[]byte("ab")}}, p)).Get()
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, 2, n)

	n, err = run(aio.ReadFull(&script{}, p)).Get()
	assert.Equal(t, io.EOF, err, "nothing read: plain EOF, as io.ReadFull")
	assert.Equal(t, 0, n)

	_, err = run(aio.ReadFull(&script{chunks: [][]byte{[]byte("a")}, err: errBoom}, p)).Get()
	assert.ErrorIs(t, err, errBoom)

	n, err = run(aio.ReadFull(&script{}, nil)).Get()
	assert.NoError(t, err)
	assert.Equal(t, 0, n)
}

func TestWriteAll(t *testing.T) {
	dst := &sink{max: 2, pendingFirst: true}
	n, err := run(aio.WriteAll(dst, []byte("hello"))).Get()
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	assert.Equal(t, "hello", string(dst.got))
	assert.Equal(t, 3, dst.writes)

	n, err = run(aio.WriteAll(&sink{failAt: 4, failErr: errBoom}, []byte("hello"))).Get()
	assert.ErrorIs(t, err, errBoom)
	assert.Equal(t, 4, n)
}

func TestReadAll(t *testing.T) {
	data := pattern(10_000)
	got, err := run(aio.ReadAll(&script{chunks: [][]byte{data[:5000], data[5000:]}, pendingFirst: true})).Get()
	require.NoError(t, err)
	assert.Equal(t, data, got)

	got, err = run(aio.ReadAll(&script{chunks: [][]byte{[]byte("ab")}, err: errBoom})).Get()
	assert.ErrorIs(t, err, errBoom)
	assert.Equal(t, "ab", string(got))
}

// A Reader that breaks the contract (Ok(0) for a non-empty buffer) gets a
// clear error instead of a spin.
func TestZeroReadIsReportedNotLooped(t *testing.T) {
	_, err := run(aio.ReadAll(zeroReader{})).Get()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "broke its contract")
}
