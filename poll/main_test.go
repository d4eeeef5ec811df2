package poll_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(runChild())
	}
	raiseNoFile()
	goleak.VerifyTestMain(m)
}

// raiseNoFile lifts the descriptor limit for the many-connection tests:
// to the hard limit, and past it when the process may (root).
func raiseNoFile() {
	var lim unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &lim) != nil {
		return
	}
	want := unix.Rlimit{Cur: 1 << 16, Max: max(lim.Max, 1<<16)}
	if unix.Setrlimit(unix.RLIMIT_NOFILE, &want) != nil {
		lim.Cur = lim.Max
		_ = unix.Setrlimit(unix.RLIMIT_NOFILE, &lim)
	}
}
