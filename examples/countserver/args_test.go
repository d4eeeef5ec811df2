package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

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
	assert.Empty(t, stderr.String())
}

func TestParseArgs(t *testing.T) {
	c, err := parseArgs([]string{"-c", "-a"})
	require.NoError(t, err)
	assert.Equal(t, config{mode: count.Async, n: 100_000, m: defaultM(), addr: "127.0.0.1:10123"}, c)

	c, err = parseArgs([]string{"--client", "--thread", "-n", "5", "-m=3", "--addr", "10.0.0.1:1", "-q"})
	require.NoError(t, err)
	assert.Equal(t, config{mode: count.Thread, n: 5, m: 3, mSet: true, addr: "10.0.0.1:1", quiet: true}, c)

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
