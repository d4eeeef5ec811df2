package main

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// A report of wrk 4.1.0 (Debian's), cut to the lines that matter.
const report = `Running 10s test @ http://127.0.0.1:8080/
  2 threads and 100 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.10ms    2.04ms  47.33ms   93.01%
    Req/Sec    55.12k     5.03k   66.28k    72.50%
  Latency Distribution
     50%  712.00us
     75%    1.02ms
     90%    1.65ms
     99%   11.30ms
  1097412 requests in 10.01s, 159.12MB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 7
Requests/sec: 109641.18
Transfer/sec:     15.90MB
`

func TestParseWrk(t *testing.T) {
	r, err := parseWrk(report)
	require.NoError(t, err)
	assert.Equal(t, 109641.18, r.rps)
	assert.Equal(t, 712*time.Microsecond, r.p50)
	assert.Equal(t, 11300*time.Microsecond, r.p99)
	assert.Equal(t, 12, r.errors)
	assert.Equal(t, int64(1097412), r.requests)

	_, err = parseWrk("unable to connect to 127.0.0.1:1 Connection refused\n")
	assert.Error(t, err)
}

func TestWrkDuration(t *testing.T) {
	for s, want := range map[string]time.Duration{"456.00us": 456 * time.Microsecond, "1.01s": 1010 * time.Millisecond, "2.00m": 2 * time.Minute} {
		d, err := wrkDuration(s)
		require.NoError(t, err)
		assert.Equal(t, want, d, s)
	}
	_, err := wrkDuration("12xs")
	assert.Error(t, err)
}

func TestStopReason(t *testing.T) {
	assert.Equal(t, "target reached", stopReason(10, 10, "", nil, time.Minute))
	assert.Equal(t, "descriptor limit 20000: EPERM", stopReason(10, 10, "descriptor limit 20000: EPERM", nil, time.Minute),
		"reaching a target cut by the descriptor limit is not reaching the target")
	assert.Equal(t, "time limit 1m0s", stopReason(9, 10, "descriptor limit 20000: EPERM", nil, time.Minute))
	assert.Equal(t, "connection 5: reset", stopReason(4, 10, "", errors.New("connection 5: reset"), time.Minute))
}
