package main

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestBothStylesServeEveryCountOnce(t *testing.T) {
	for _, style := range []string{"compiled", "coroutine", "handwritten"} {
		t.Run(style, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run([]string{"-n", "600", "-m", "25", "-style", style}, &out, &errOut)
			require.Equal(t, 0, code, errOut.String())
			assert.Contains(t, out.String(), fmt.Sprintf("%s style: 600 transactions, 25 in flight, 2 workers: every count 0..599 seen once", style))
		})
	}
}

func TestOneWorkerAndMoreClientsThanTransactions(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"-n", "10", "-m", "40", "-workers", "1"}, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	assert.Contains(t, out.String(), "every count 0..9 seen once")
}

func TestBadArguments(t *testing.T) {
	for _, args := range [][]string{{"-style", "threads"}, {"-m", "0"}, {"-n", "-1"}} {
		var out, errOut bytes.Buffer
		assert.Equal(t, 1, run(args, &out, &errOut), args)
		assert.NotEmpty(t, errOut.String())
	}
	var out, errOut bytes.Buffer
	assert.Equal(t, 2, run([]string{"-bogus"}, &out, &errOut))
}

func TestVerifyCatchesDuplicatesAndGaps(t *testing.T) {
	assert.NoError(t, verify([]uint64{2, 0, 1}))
	assert.Error(t, verify([]uint64{0, 0, 1}))
	assert.Error(t, verify([]uint64{0, 1, 3}))
}

func TestParseReply(t *testing.T) {
	v, err := parseReply(appendReply(nil, 18446744073709551615))
	require.NoError(t, err)
	assert.Equal(t, uint64(18446744073709551615), v)
	for _, bad := range []string{"", "\r\n", "12\n", "x1\r\n", "123456789012345678901\r\n"} {
		_, err := parseReply([]byte(bad))
		assert.Error(t, err, "%q", bad)
	}
}
