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
	got, err := ParseReply([]byte("42\n\n"))
	require.NoError(t, err, "the Rust demo's amortized counter ends its replies in two newlines")
	assert.Equal(t, uint64(42), got)
}

func TestParseReplyRejects(t *testing.T) {
	for _, in := range []string{"", "\r\n", "\n", "\n\n", "12", "12\n", "12\r", "12\n\r", "12\r\r",
		"1 2\r\n", "-1\r\n", "+1\r\n", "0x10\r\n", "007\r\n", "00\n\n", " 7\r\n", "7 \r\n",
		"18446744073709551616\r\n", "99999999999999999999\n\n", "12\r\n\r\n", "12\n\n\n", "12\r\r\n"} {
		_, err := ParseReply([]byte(in))
		assert.ErrorIs(t, err, ErrBadReply, "input %s", strconv.Quote(in))
	}
}

func FuzzParseReply(f *testing.F) {
	f.Add([]byte("0\r\n"))
	f.Add([]byte("18446744073709551615\r\n"))
	f.Add([]byte("7\n"))
	f.Add([]byte("7\n\n"))
	f.Add([]byte("x\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := ParseReply(b)
		if err != nil {
			return
		}
		// Whatever parses is one canonical number and one of the two line
		// ends: the input is exactly the reply AppendReply makes, or that
		// reply with "\n\n" for "\r\n".
		want := AppendReply(nil, v)
		if b[len(b)-2] == '\n' {
			want[len(want)-2] = '\n'
		}
		require.Equal(t, string(want), string(b))
	})
}
