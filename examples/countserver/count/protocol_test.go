package count

import (
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAppendReplyIsRustFormat(t *testing.T) {
	assert.Equal(t, "0\r\n", string(AppendReply(nil, 0)))
	assert.Equal(t, "10123\r\n", string(AppendReply(nil, 10123)))
	max := AppendReply(nil, math.MaxUint64)
	assert.Equal(t, "18446744073709551615\r\n", string(max))
	assert.Len(t, max, MaxReply, "MaxReply is the longest reply")
}

func TestParseReplyRoundTrip(t *testing.T) {
	for _, v := range []uint64{0, 1, 9, 10, 99999, math.MaxUint64} {
		got, err := ParseReply(AppendReply(nil, v))
		require.NoError(t, err)
		assert.Equal(t, v, got)
	}
	got, err := ParseReply([]byte("42\n"))
	require.NoError(t, err, "a bare newline is accepted")
	assert.Equal(t, uint64(42), got)
}

func TestParseReplyRejects(t *testing.T) {
	for _, in := range []string{"", "\r\n", "\n", "12", "1 2\r\n", "-1\r\n", "+1\r\n", "0x10\r\n",
		"18446744073709551616\r\n", "12\r\n\r\n"} {
		_, err := ParseReply([]byte(in))
		assert.ErrorIs(t, err, ErrBadReply, "input %s", strconv.Quote(in))
	}
}

func FuzzParseReply(f *testing.F) {
	f.Add([]byte("0\r\n"))
	f.Add([]byte("18446744073709551615\r\n"))
	f.Add([]byte("7\n"))
	f.Add([]byte("x\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := ParseReply(b)
		if err != nil {
			return
		}
		// Whatever parses is one canonical-or-zero-padded number: printing
		// it back and parsing again gives the same value.
		again, err := ParseReply(AppendReply(nil, v))
		require.NoError(t, err)
		require.Equal(t, v, again)
	})
}
