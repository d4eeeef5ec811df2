package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestDemoEchoesEveryClient(t *testing.T) {
	require.NoError(t, demo(50, false))
}

func TestGoroutineServerEchoesEveryClient(t *testing.T) {
	require.NoError(t, demo(50, true))
}

func TestClientAgainstServerOnLoopback(t *testing.T) {
	before, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	require.NoError(t, demo(1, false))
	after, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	require.Len(t, after, len(before), "descriptors leaked")
}
