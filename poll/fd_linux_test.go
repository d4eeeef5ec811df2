package poll_test

import (
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/aio"
	"github.com/spindle-rt/spindle/poll"
)

// An eventfd driven by PollIO: the reader waits until a second future
// writes the counter.
func TestFdDrivesAnEventfd(t *testing.T) {
	r := withReactor(t)
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC)
	require.NoError(t, err)
	f, err := poll.NewFd(efd)
	require.NoError(t, err)
	defer f.Close()
	var buf [8]byte
	read := future.Func[future.Result[int]](func(cx *future.Context) future.Poll[future.Result[int]] {
		return f.PollIO(cx, poll.Readable, func(fd int) (int, error) { return unix.Read(fd, buf[:]) })
	})
	cx := future.NewContext(nil)
	cx.SetDriver(r)
	require.True(t, read.Poll(cx).IsPending(), "nothing written yet: EAGAIN, then a wait")
	wrote := false
	write := future.Func[future.Result[int]](func(cx *future.Context) future.Poll[future.Result[int]] {
		wrote = true
		var one [8]byte
		binary.NativeEndian.PutUint64(one[:], 7)
		return f.PollIO(cx, poll.Writable, func(fd int) (int, error) { return unix.Write(fd, one[:]) })
	})
	res := block(r, future.Join2[future.Result[int], future.Result[int]](read, write))
	require.True(t, wrote)
	require.NoError(t, res.First.Err)
	assert.EqualValues(t, 7, binary.NativeEndian.Uint64(buf[:]))
}

// A pipe adopted from *os.File is an aio.Reader and aio.Writer.
func TestFdFromFilePipe(t *testing.T) {
	r := withReactor(t)
	before := openFDs(t)
	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	rd, err := poll.FromFile(pr)
	require.NoError(t, err)
	wr, err := poll.FromFile(pw)
	require.NoError(t, err)
	require.NoError(t, pr.Close())
	require.NoError(t, pw.Close())
	data := make([]byte, 1<<20) // more than a pipe holds: both sides wait
	for i := range data {
		data[i] = byte(i)
	}
	res := block(r, future.Join2[future.Result[int], future.Result[[]byte]](
		future.Map(aio.WriteAll(wr, data), func(r future.Result[int]) future.Result[int] {
			wr.Close() // the reader's EOF
			return r
		}),
		aio.ReadAll(rd)))
	require.NoError(t, res.First.Err)
	require.NoError(t, res.Second.Err)
	assert.Equal(t, data, res.Second.Value)
	require.NoError(t, rd.Close())
	assert.ErrorIs(t, rd.Close(), net.ErrClosed)
	assert.Equal(t, before, openFDs(t), "no descriptor leaked")
}

func TestFdCloseEndsAWait(t *testing.T) {
	r := withReactor(t)
	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	defer pw.Close()
	rd, err := poll.FromFile(pr)
	require.NoError(t, err)
	pr.Close()
	var buf [1]byte
	cx := future.NewContext(nil)
	cx.SetDriver(r)
	require.True(t, rd.PollRead(cx, buf[:]).IsPending())
	require.NoError(t, rd.Close())
	res, ok := rd.PollRead(cx, buf[:]).Value()
	require.True(t, ok)
	assert.ErrorIs(t, res.Err, net.ErrClosed)
}

// A regular file cannot be driven by epoll: the first wait says so
// instead of hanging. (A read of a regular file never says EAGAIN, so it
// completes at once without the reactor.)
func TestFdRegularFileReadsAtOnce(t *testing.T) {
	r := withReactor(t)
	path := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(path, []byte("plain"), 0o600))
	file, err := os.Open(path)
	require.NoError(t, err)
	defer file.Close()
	f, err := poll.FromFile(file)
	require.NoError(t, err)
	defer f.Close()
	got, err := block(r, aio.ReadAll(f)).Get()
	require.NoError(t, err)
	assert.Equal(t, "plain", string(got))
}

func TestNewFdRejectsBadDescriptors(t *testing.T) {
	_, err := poll.NewFd(-1)
	assert.ErrorIs(t, err, unix.EBADF)
	_, err = poll.NewFd(1 << 20)
	assert.ErrorIs(t, err, unix.EBADF)
}

// PollIO drives any non-blocking descriptor: here an eventfd, read once a
// second future has written it.
func ExampleNewFd() {
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC)
	if err != nil {
		panic(err)
	}
	f, err := poll.NewFd(efd)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	var in, out [8]byte
	binary.NativeEndian.PutUint64(out[:], 42)
	read := future.Func[future.Result[int]](func(cx *future.Context) future.Poll[future.Result[int]] {
		return f.PollIO(cx, poll.Readable, func(fd int) (int, error) { return unix.Read(fd, in[:]) })
	})
	write := future.Func[future.Result[int]](func(cx *future.Context) future.Poll[future.Result[int]] {
		return f.PollIO(cx, poll.Writable, func(fd int) (int, error) { return unix.Write(fd, out[:]) })
	})
	poll.BlockOn(future.Join2[future.Result[int], future.Result[int]](read, write))
	fmt.Println(binary.NativeEndian.Uint64(in[:]))
	// Output: 42
}
