//go:build linux

package poll_test

import (
	"context"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

// stormBatch is how many storm tasks are in flight at once on the pool.
const stormBatch = 2_000

// The abort storm on a real pool with a reactor: stormPoolTasks tasks
// (100,000 without -race) in batches of stormBatch, holding permits, lock
// guards, timers, dialled and accepted sockets at random stages, each
// aborted after a random number of scheduler yields by the test goroutine
// while the workers run them. As soon as a batch's handles are complete,
// with no GC: every permit back, no lock held, the reactor holds no timer
// and no registration but the listener's, no descriptor is open beyond
// those of the pool and the listener, and every release ran once, inside
// its task's poll or Cancel.
//
// The plan (chains, abort points) is a function of the seed, printed on
// failure; STORM_SEED=<seed> replays it (the schedule of the workers is
// the machine's).
func TestAbortStormOnPool(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("STORM_SEED"); s != "" {
		var err error
		seed, err = strconv.ParseUint(s, 10, 64)
		require.NoError(t, err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("replay with STORM_SEED=%d go test -run '^TestAbortStormOnPool$' ./poll", seed)
		}
	})
	rng := rand.New(rand.NewPCG(seed, 12))

	fdsBefore := openFDs(t)
	p, err := poll.NewPool(pool.WithWorkers(2))
	require.NoError(t, err)
	defer func() { require.NoError(t, p.Shutdown(context.Background())) }()
	r, err := pool.BlockOn(p, future.Func[*poll.Reactor](func(cx *future.Context) future.Poll[*poll.Reactor] {
		return future.Ready(cx.Driver().(*poll.Reactor))
	}))
	require.NoError(t, err)
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	e := newStormEnv(25, 64, l)
	fdsIdle := openFDs(t)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	hs := make([]*pool.JoinHandle[res], 0, stormBatch)
	for done := 0; done < stormPoolTasks; done += stormBatch {
		hs = hs[:0]
		for range stormBatch {
			hs = append(hs, pool.Spawn(p, e.stormTask(rng, 1+rng.IntN(5))))
		}
		for _, i := range rng.Perm(len(hs)) {
			for range rng.IntN(16) {
				runtime.Gosched()
			}
			hs[i].Abort()
		}
		for _, h := range hs {
			_, err := h.Wait(ctx)
			require.NotErrorIs(t, err, context.DeadlineExceeded)
		}
		require.NoError(t, e.released(), "after %d tasks", done+stormBatch)
		st := r.Stats()
		require.Zero(t, st.Timers, "timers armed after %d tasks", done+stormBatch)
		require.LessOrEqual(t, st.Registrations, 1, "registrations besides the listener's after %d tasks", done+stormBatch)
		require.Equal(t, fdsIdle, openFDs(t), "descriptors open after %d tasks", done+stormBatch)
	}
	t.Logf("%d tasks; %d resources taken and given back, %d of them by a Cancel: %v", stormPoolTasks, e.led.taken.Load(), e.led.onCancel.Load(), e.led)
	require.NoError(t, l.Close())
	require.Equal(t, poll.Stats{}, r.Stats(), "the reactor holds nothing once the listener is closed")
	require.NoError(t, p.Shutdown(context.Background()))
	require.Equal(t, fdsBefore, openFDs(t))
}
