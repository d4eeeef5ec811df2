package poll_test

import (
	"os"
	"strconv"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/spindle-rt/spindle/poll"
)

// Out of descriptors, a Unix listener's Accept fails with a clear EMFILE
// instead of hanging, and the same listener accepts the waiting connection
// once descriptors are free again (the readiness is not lost).
func TestUnixAcceptOutOfDescriptors(t *testing.T) {
	r := withReactor(t)
	name := "@spindle-emfile-" + strconv.Itoa(os.Getpid())
	l, err := poll.ListenUnix(name)
	require.NoError(t, err)
	defer l.Close()
	c, err := poll.DialUnix(name)
	require.NoError(t, err)
	defer c.Close()

	var old unix.Rlimit
	require.NoError(t, unix.Getrlimit(unix.RLIMIT_NOFILE, &old))
	ents, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	top := 0
	for _, e := range ents {
		if n, err := strconv.Atoi(e.Name()); err == nil {
			top = max(top, n)
		}
	}
	lim := unix.Rlimit{Cur: uint64(top + 1), Max: old.Max}
	require.NoError(t, unix.Setrlimit(unix.RLIMIT_NOFILE, &lim))
	var fillers []int
	restore := func() {
		for _, fd := range fillers {
			unix.Close(fd)
		}
		fillers = nil
		unix.Setrlimit(unix.RLIMIT_NOFILE, &old)
	}
	defer restore()
	for { // fill the holes below the limit
		fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			break
		}
		fillers = append(fillers, fd)
	}
	_, err = block(r, l.Accept()).Get()
	restore()
	assert.ErrorIs(t, err, syscall.EMFILE)

	s, err := block(r, l.Accept()).Get()
	require.NoError(t, err, "the queued connection is still there")
	require.NoError(t, s.Close())
}
