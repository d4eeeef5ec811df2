//go:build linux

package poll

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// Registration races: a read task and a write task both hitting EAGAIN
// register at once, and Close may run at the same moment. Exactly one
// epoll registration is made, and none outlives Close.
func TestRegisterRacesRegisterAndClose(t *testing.T) {
	r, err := NewReactor()
	require.NoError(t, err)
	defer r.Close()
	for i := range 300 {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		require.NoError(t, err)
		unix.Close(fds[1])
		f := &fdRef{fd: fds[0]}
		var wg sync.WaitGroup
		regs := make([]registration, 4)
		errs := make([]error, 4)
		for k := range 4 {
			wg.Go(func() {
				if !f.incref() {
					errs[k] = errClosedConn
					return
				}
				regs[k], errs[k] = f.register(r)
				f.decref()
			})
		}
		withClose := i%2 == 1
		if withClose {
			wg.Go(func() { f.close() })
		}
		wg.Wait()
		var first *scheduledIO
		for k := range 4 {
			if errs[k] != nil {
				require.True(t, withClose, "register failed without a Close: %v", errs[k])
				assert.ErrorIs(t, errs[k], errClosedConn)
				continue
			}
			if first == nil {
				first = regs[k].s
			}
			assert.Same(t, first, regs[k].s, "every racer got the one registration")
		}
		if withClose {
			assert.Zero(t, r.Stats().Registrations, "round %d: a registration outlived Close", i)
		} else {
			assert.Equal(t, 1, r.Stats().Registrations, "round %d", i)
			require.True(t, f.close())
			assert.Zero(t, r.Stats().Registrations)
		}
	}
}

// The interleaving the closed-bit check exists for: an operation holding a
// reference reaches register only after Close has looked for (and found
// no) registration. Registering then would leave epoll watching a
// descriptor about to be closed.
func TestRegisterAfterCloseRefused(t *testing.T) {
	r, err := NewReactor()
	require.NoError(t, err)
	defer r.Close()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	require.NoError(t, err)
	defer unix.Close(fds[1])
	f := &fdRef{fd: fds[0]}
	require.True(t, f.incref(), "an operation in flight")
	require.True(t, f.close())
	_, err = f.register(r)
	assert.ErrorIs(t, err, errClosedConn)
	assert.Zero(t, r.Stats().Registrations)
	f.decref() // the last reference closes the descriptor
	_, err = unix.FcntlInt(uintptr(fds[0]), unix.F_GETFD, 0)
	assert.ErrorIs(t, err, unix.EBADF, "closed once the operation finished")
}
