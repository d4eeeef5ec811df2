package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/examples/countserver/count"
)

func TestBadFlagsExitTwoWithOneLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-s", "-c", "-t"}, "choose one of client (-c) and server (-s)"},
		{[]string{"-t"}, "must specify client (-c) or server (-s)"},
		{[]string{"-s"}, "must specify seq (--seq), thread (-t) or async (-a)"},
		{[]string{"-c", "-t", "-a"}, "choose one of --seq, -t (thread) and -a (async)"},
		{[]string{"-s", "-t", "-n", "5"}, "no -n for server"},
		{[]string{"--server", "--async", "-m", "4"}, "no -m for async server"},
		{[]string{"-s", "--seq", "-m", "2"}, "no -m for seq server"},
		{[]string{"-c", "--sequential", "-m", "2"}, "no -m for seq client"},
		{[]string{"-s", "-a", "-q"}, "no -q for server"},
		{[]string{"-c", "-a", "-n", "0"}, "-n must be at least 1"},
		{[]string{"-c", "-a", "-m", "0"}, "-m must be at least 1"},
		{[]string{"-c", "-a", "-n", "lots"}, `invalid value "lots" for flag -n`},
		{[]string{"-c", "-a", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"-c", "-a", "extra"}, `unexpected argument "extra"`},
		{[]string{"-c", "-a", "--addr", ""}, "--addr must not be empty"},
		{[]string{"-s", "-t", "-w", "1"}, "no -w for thread server"},
		{[]string{"-c", "-a", "-w", "0"}, "-w must be at least 1"},
		{[]string{"-c", "-t", "--alt"}, "no alt thread client"},
		{[]string{"-c", "--seq", "--alt"}, "no alt seq client"},
		{[]string{"-s", "-t", "--timeout", "1s"}, "no --timeout for server"},
		{[]string{"-c", "-t", "--timeout", "0s"}, "--timeout must be positive"},
		{[]string{"-c", "-t", "--timeout", "5"}, `invalid value "5" for flag -timeout`},
		// An --addr that cannot work is a usage error for clients and
		// servers alike, not 100,000 failed transactions.
		{[]string{"-c", "-t", "--addr", "10123"}, `--addr "10123": missing port in address (want HOST:PORT)`},
		{[]string{"-c", "-a", "--addr", "127.0.0.1:"}, `--addr "127.0.0.1:": port "" is not a number from 0 to 65535`},
		{[]string{"-c", "-a", "--addr", "127.0.0.1:99999"}, `port "99999" is not a number from 0 to 65535`},
		{[]string{"-c", "--seq", "--addr", "127.0.0.1:0"}, "a client needs a port other than 0"},
		{[]string{"-c", "--seq", "--addr", ":10123"}, "a client needs a host"},
		{[]string{"-c", "-t", "--addr", "no such host:10123"}, `--addr "no such host:10123": cannot resolve the host: no such host`},
		{[]string{"-s", "-a", "--addr", "127.0.0.1"}, "missing port in address"},
		{[]string{"-s", "-t", "--addr", "no such host:0"}, "cannot resolve the host"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runContext(context.Background(), tc.args, &stdout, &stderr)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, stdout.String())
			assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line: %q", stderr.String())
			assert.Contains(t, stderr.String(), tc.want)
		})
	}
}

func TestHelpPrintsUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, exitOK, runContext(context.Background(), []string{"--help"}, &stdout, &stderr))
	assert.Contains(t, stdout.String(), "usage:")
	assert.Contains(t, stdout.String(), "-thread")
	assert.Contains(t, stdout.String(), "-timeout duration")
	assert.Contains(t, stdout.String(), "(default 10s)")
	assert.Contains(t, stdout.String(), "-alt")
	assert.Contains(t, stdout.String(), "Exit status: 0 done, 1 the run failed, 2 bad\ncommand line.")
	assert.Empty(t, stderr.String())
}

func TestParseArgs(t *testing.T) {
	c, err := parseArgs([]string{"-c", "-a"})
	require.NoError(t, err)
	assert.Equal(t, config{mode: count.Async, n: 100_000, m: defaultM(), addr: "127.0.0.1:10123", timeout: count.DefaultTimeout}, c)

	c, err = parseArgs([]string{"--client", "--thread", "-n", "5", "-m=3", "--addr", "10.0.0.1:1", "-q", "--timeout", "250ms"})
	require.NoError(t, err)
	assert.Equal(t, config{mode: count.Thread, n: 5, m: 3, mSet: true, addr: "10.0.0.1:1", quiet: true, timeout: 250 * time.Millisecond}, c)

	c, err = parseArgs([]string{"-c", "-a", "--alt"})
	require.NoError(t, err)
	assert.True(t, c.alt, "the async client has an alt, as in the Rust demo")
	for _, mode := range []string{"--seq", "-t", "-a"} {
		c, err = parseArgs([]string{"-s", mode, "--alt"})
		require.NoError(t, err, "every server has an alt, as in the Rust demo")
		assert.True(t, c.alt)
	}

	c, err = parseArgs([]string{"-s", "-t", "-m", "7"})
	require.NoError(t, err)
	assert.True(t, c.server)
	assert.Equal(t, 7, c.m)
	assert.True(t, c.mSet)

	c, err = parseArgs([]string{"-s", "-a", "-w", "1"})
	require.NoError(t, err)
	assert.Equal(t, 1, c.w)

	c, err = parseArgs([]string{"--server", "--seq"})
	require.NoError(t, err)
	assert.Equal(t, count.Seq, c.mode)
}

func TestNoArgumentsIsTheDemo(t *testing.T) {
	c, err := parseArgs(nil)
	require.NoError(t, err)
	assert.True(t, c.demo)
	assert.Equal(t, count.Async, c.mode)
	assert.Equal(t, 100_000, c.n)
	assert.True(t, c.quiet)
	assert.Equal(t, "127.0.0.1:0", c.addr, "the demo takes a free port")
}
