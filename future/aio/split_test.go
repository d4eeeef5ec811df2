package aio_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/aio"
	"github.com/spindle-rt/spindle/pool"
)

// Two tasks on a two-worker pool own one half each of one connection: the
// writer streams 1 MiB while the reader, at the same time, drains what the
// peer echoes back.
func TestSplitHalvesWorkFromTwoTasks(t *testing.T) {
	r := reactor(t)
	a, b := tcpPair(t, r) // before the pool parks in r: one Park at a time
	p, err := pool.New(pool.WithWorkers(2), pool.WithDriver(r))
	require.NoError(t, err)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = p.Shutdown(ctx) // bounded: after a failure, tasks may still wait
	}()
	echo := pool.Spawn(p, future.Map(aio.Copy(b, b), func(r future.Result[int64]) future.Result[int64] {
		b.CloseWrite() // the reader's EOF
		return r
	}))
	rd, wr := aio.Split(a)
	data := pattern(1 << 20)
	writer := pool.Spawn(p, future.AndThen(aio.WriteAll(wr, data), func(n int) future.Future[future.Result[int]] {
		closeWrite := future.Func[future.Result[struct{}]](wr.PollCloseWrite)
		return future.MapOk(closeWrite, func(struct{}) int { return n })
	}))
	reader := pool.Spawn(p, aio.ReadAll(rd))
	n, err := writer.Wait(context.Background())
	require.NoError(t, err)
	require.NoError(t, n.Err)
	got, err := reader.Wait(context.Background())
	require.NoError(t, err)
	require.NoError(t, got.Err)
	assert.Equal(t, data, got.Value)
	e, err := echo.Wait(context.Background())
	require.NoError(t, err)
	assert.EqualValues(t, len(data), e.Value)

	back, err := aio.Unsplit(rd, wr)
	require.NoError(t, err)
	assert.Same(t, a, back)
	rd2, _ := aio.Split(a)
	_, err = aio.Unsplit(rd2, wr)
	assert.ErrorIs(t, err, aio.ErrSplitMismatch)
}

// shared is a ReadWriter whose two sides touch the same field without any
// locking of their own: under -race, polling its halves from two
// goroutines is clean only because Split serialises the polls.
type shared struct{ polls int }

func (s *shared) PollRead(cx *future.Context, p []byte) future.Poll[future.Result[int]] {
	s.polls++
	p[0] = 'r'
	return future.Ready(future.Ok(1))
}

func (s *shared) PollWrite(cx *future.Context, p []byte) future.Poll[future.Result[int]] {
	s.polls++
	return future.Ready(future.Ok(len(p)))
}

func TestSplitSerialisesPollsOfTheHalves(t *testing.T) {
	s := &shared{}
	rd, wr := aio.Split(s)
	done := make(chan struct{})
	go func() {
		defer close(done)
		cx := future.NewContext(nil)
		for range 1000 {
			rd.PollRead(cx, make([]byte, 1))
		}
	}()
	cx := future.NewContext(nil)
	for range 1000 {
		wr.PollWrite(cx, []byte("w"))
	}
	<-done
	assert.Equal(t, 2000, s.polls)
	for _, res := range []future.Result[struct{}]{
		future.BlockOn[future.Result[struct{}]](future.Func[future.Result[struct{}]](wr.PollFlush)),
		future.BlockOn[future.Result[struct{}]](future.Func[future.Result[struct{}]](wr.PollCloseWrite)),
	} {
		assert.NoError(t, res.Err, "a writer without Flush or CloseWrite: ready at once")
	}
}
