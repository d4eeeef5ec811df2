package joinset_test

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/joinset"
)

// yields is Pending n times (waking itself each time), then Ready(v).
func yields[T any](n int, v T) future.Future[T] {
	return future.Func[T](func(cx *future.Context) future.Poll[T] {
		if n == 0 {
			return future.Ready(v)
		}
		n--
		cx.Waker().Wake()
		return future.Pending[T]()
	})
}

// await is a oneshot receive as a task body.
func await(rx *channel.OneshotReceiver[int]) future.Future[future.Result[int]] { return rx }

func TestJoinAllCollectsEveryResult(t *testing.T) {
	p := newPool(t)
	s := joinset.New[int](p)
	n := 200
	for i := range n {
		s.SpawnOk(yields(i%7, i))
	}
	assert.Equal(t, n, s.Len())
	vals, err := pool.BlockOn(p, s.JoinAll())
	require.NoError(t, err)
	got, err := vals.Get()
	require.NoError(t, err)
	slices.Sort(got)
	want := make([]int, n)
	for i := range want {
		want[i] = i
	}
	assert.Equal(t, want, got)
	assert.Equal(t, 0, s.Len())
	r, err := pool.BlockOn(p, s.Next())
	require.NoError(t, err)
	assert.ErrorIs(t, r.Err, joinset.ErrEmpty)
}

func TestNextReturnsInCompletionOrder(t *testing.T) {
	p := newPool(t)
	s := joinset.New[int](p)
	var txs []*channel.OneshotSender[int]
	for range 4 {
		tx, rx := channel.NewOneshot[int]()
		txs = append(txs, tx)
		s.Spawn(await(rx))
	}
	for _, i := range []int{2, 0, 3, 1} {
		require.NoError(t, txs[i].Send(i))
		r, err := pool.BlockOn(p, s.Next())
		require.NoError(t, err)
		v, err := r.Get()
		require.NoError(t, err)
		assert.Equal(t, i, v)
	}
}

func TestAbortOnErrorAbortsTheRest(t *testing.T) {
	p := newPool(t)
	s := joinset.New[int](p, joinset.AbortOnError())
	boom := errors.New("boom")
	var txs []*channel.OneshotSender[int]
	for range 5 {
		tx, rx := channel.NewOneshot[int]() // never sent: these tasks would wait forever
		txs = append(txs, tx)
		s.Spawn(await(rx))
	}
	s.Spawn(yields(3, future.Err[int](boom)))
	r, err := pool.BlockOn(p, s.Next())
	require.NoError(t, err)
	assert.ErrorIs(t, r.Err, boom, "the first error comes first")
	for range 5 {
		r, err := pool.BlockOn(p, s.Next())
		require.NoError(t, err)
		assert.ErrorIs(t, r.Err, pool.ErrAborted)
	}
	assert.Equal(t, 0, s.Len())
	// A task spawned after the failure is aborted too.
	tx, rx := channel.NewOneshot[int]()
	defer runtime.KeepAlive(tx) // a dropped sender closes the channel when collected
	s.Spawn(await(rx))
	r, err = pool.BlockOn(p, s.Next())
	require.NoError(t, err)
	assert.ErrorIs(t, r.Err, pool.ErrAborted)
	for _, tx := range txs {
		tx.Close()
	}
}

func TestJoinAllStopsAtFirstErrorAndLeavesNoTask(t *testing.T) {
	p := newPool(t)
	s := joinset.New[int](p)
	boom := errors.New("boom")
	var senders []*channel.OneshotSender[int] // kept: a dropped sender closes the channel when collected
	defer runtime.KeepAlive(&senders)
	for range 10 {
		tx, rx := channel.NewOneshot[int]()
		senders = append(senders, tx)
		s.Spawn(await(rx))
	}
	s.SpawnOk(yields(2, 1))
	s.Spawn(yields(5, future.Err[int](boom)))
	r, err := pool.BlockOn(p, s.JoinAll())
	require.NoError(t, err)
	assert.ErrorIs(t, r.Err, boom)
	assert.Equal(t, 0, s.Len(), "JoinAll waited for the aborted tasks")
}

func TestAbortAllAndPanics(t *testing.T) {
	p := newPool(t)
	s := joinset.New[string](p)
	var senders []*channel.OneshotSender[string] // kept: a dropped sender closes the channel when collected
	defer runtime.KeepAlive(&senders)
	for range 3 {
		tx, rx := channel.NewOneshot[string]()
		senders = append(senders, tx)
		s.Spawn(rx)
	}
	s.SpawnOk(future.Func[string](func(*future.Context) future.Poll[string] { panic("kaput") }))
	s.AbortAll()
	var aborted, panicked int
	for range 4 {
		r, err := pool.BlockOn(p, s.Next())
		require.NoError(t, err)
		var pe *pool.PanicError
		switch {
		case errors.Is(r.Err, pool.ErrAborted):
			aborted++
		case errors.As(r.Err, &pe):
			panicked++
			assert.Equal(t, "kaput", fmt.Sprint(pe.Value))
		default:
			t.Fatalf("unexpected result %+v", r)
		}
	}
	// The panicking task may be aborted before its first poll.
	assert.GreaterOrEqual(t, aborted, 3)
	assert.Equal(t, 4, aborted+panicked)
}

// TestSpawnFromInsideATask: a parent task fans out with SpawnFrom (or
// SpawnOkFrom) and collects with Next, without blocking its worker.
func TestSpawnFromInsideATask(t *testing.T) {
	for name, spawnFrom := range map[string]func(*joinset.JoinSet[int], *future.Context, int){
		"SpawnFrom": func(s *joinset.JoinSet[int], cx *future.Context, i int) {
			s.SpawnFrom(cx, yields(i%3, future.Ok(i)))
		},
		"SpawnOkFrom": func(s *joinset.JoinSet[int], cx *future.Context, i int) {
			s.SpawnOkFrom(cx, yields(i%3, i))
		},
	} {
		t.Run(name, func(t *testing.T) {
			p := newPool(t)
			s := joinset.New[int](p)
			var next future.Future[future.Result[int]]
			started, sum := false, 0
			parent := future.Func[int](func(cx *future.Context) future.Poll[int] {
				if !started {
					started = true
					for i := 1; i <= 100; i++ {
						spawnFrom(s, cx, i)
					}
				}
				for {
					if next == nil {
						next = s.Next()
					}
					r, ok := next.Poll(cx).Value()
					if !ok {
						return future.Pending[int]()
					}
					next = nil
					if errors.Is(r.Err, joinset.ErrEmpty) {
						return future.Ready(sum)
					}
					sum += r.Value
				}
			})
			got, err := pool.BlockOn(p, future.Future[int](parent))
			require.NoError(t, err)
			assert.Equal(t, 5050, got)
		})
	}
}

func TestNewWithoutPoolIsMisuse(t *testing.T) {
	defer func() {
		e, ok := recover().(*future.MisuseError)
		require.True(t, ok)
		assert.ErrorIs(t, e, joinset.ErrNilPool)
	}()
	joinset.New[int](nil)
}

func TestNewOnAPoolWithItsSpawnFunction(t *testing.T) {
	p := newPool(t)
	s := joinset.NewOn[int](p, pool.Spawn, joinset.AbortOnError())
	boom := errors.New("boom")
	for i := range 50 {
		s.SpawnOk(yields(i%5, i))
	}
	// Never sent: aborted by the failure. The sender is kept alive to the
	// end: a dropped sender closes the channel once the collector finds it,
	// which would fail the task with a second error.
	tx, rx := channel.NewOneshot[int]()
	defer runtime.KeepAlive(tx)
	s.Spawn(await(rx))
	s.Spawn(yields(10, future.Err[int](boom)))
	assert.Equal(t, 52, s.Len())
	seen, aborted := map[int]bool{}, 0
	var failed error
	for {
		r, err := pool.BlockOn(p, s.Next())
		require.NoError(t, err)
		if errors.Is(r.Err, joinset.ErrEmpty) {
			break
		}
		switch {
		case errors.Is(r.Err, pool.ErrAborted):
			aborted++
		case r.Err != nil:
			require.NoError(t, failed, "a second failure")
			failed = r.Err
		default:
			assert.False(t, seen[r.Value], "%d reported twice", r.Value)
			seen[r.Value] = true
		}
	}
	assert.ErrorIs(t, failed, boom)
	assert.GreaterOrEqual(t, aborted, 1, "the waiting task was aborted")
	assert.Equal(t, 51, len(seen)+aborted, "every task reported once")
}

func TestNewOnWithoutSpawnIsMisuse(t *testing.T) {
	defer func() {
		e, ok := recover().(*future.MisuseError)
		require.True(t, ok)
		assert.ErrorIs(t, e, joinset.ErrNilSpawn)
	}()
	joinset.NewOn[int, *pool.Pool, *pool.JoinHandle[future.Result[int]]](nil, nil)
}

// TestBurstDrainsAndTheSetIsReused: a burst far larger than later use
// (the set's table shrinks as it drains) loses and repeats nothing.
func TestBurstDrainsAndTheSetIsReused(t *testing.T) {
	p := newPool(t)
	s := joinset.New[int](p)
	for _, n := range []int{3000, 10, 700} {
		for i := range n {
			s.SpawnOk(yields(i%3, i))
		}
		seen := make([]bool, n)
		for left := n; left > 0; left-- {
			require.Equal(t, left, s.Len())
			r, err := pool.BlockOn(p, s.Next())
			require.NoError(t, err)
			v, err := r.Get()
			require.NoError(t, err)
			require.False(t, seen[v], "%d reported twice", v)
			seen[v] = true
		}
		require.Zero(t, s.Len())
	}
}

// eagerExec is an executor that runs a task at once, inside spawn, and
// whose handles wake their joiner during the poll that returns the
// result: an extra wake, which the waker contract allows.
type eagerExec struct{}

type eagerHandle[U any] struct{ r future.Result[U] }

func (h *eagerHandle[U]) Poll(cx *future.Context) future.Poll[future.Result[U]] {
	cx.Waker().Wake()
	return future.Ready(h.r)
}

func (h *eagerHandle[U]) Abort() {}

func eagerSpawn[U any](_ eagerExec, f future.Future[U]) *eagerHandle[U] {
	return &eagerHandle[U]{r: future.Ok(future.BlockOn(f))}
}

// TestWakeDuringTheReadyPollIsHarmless: the entry woken by its handle's
// last poll is queued after it left the set; Next must drop it, not poll
// its handle again (it once polled a nil handle here).
func TestWakeDuringTheReadyPollIsHarmless(t *testing.T) {
	s := joinset.NewOn[int](eagerExec{}, eagerSpawn)
	next := func() future.Result[int] { return future.BlockOn(future.Future[future.Result[int]](s.Next())) }
	var got []int
	for round, n := range []int{2, 1, 3} {
		for i := range n {
			s.SpawnOk(future.Done(10*round + i))
		}
		// Entries returned in earlier rounds are still queued, ahead
		// of this round's.
		for range n {
			v, err := next().Get()
			require.NoError(t, err)
			got = append(got, v)
		}
	}
	assert.Equal(t, []int{0, 1, 10, 20, 21, 22}, got, "spawn order: all finished before Next looked")
	assert.ErrorIs(t, next().Err, joinset.ErrEmpty)
	assert.Zero(t, s.Len())
}
