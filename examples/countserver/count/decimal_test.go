package count

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDecimalCounterMatchesAppendReply walks the amortized counter across
// every carry up to 10^6 and past a long one, comparing with the reply
// AppendReply formats.
func TestDecimalCounterMatchesAppendReply(t *testing.T) {
	d := newDecimal()
	for v := range uint64(1_000_001) {
		require.Equal(t, string(AppendReply(nil, v)), string(d.reply()), "value %d", v)
		d.inc()
	}
	d = newDecimal()
	copy(d.buf[:], "99999999999999999998\r\n")
	d.p = 0
	d.inc()
	assert.Equal(t, "99999999999999999999\r\n", string(d.reply()))
	d.inc()
	assert.Equal(t, "0\r\n", string(d.reply()), "wraps after 20 digits")
}
