package poll_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// The abort storm under pooltest: stormSeeds schedules of stormSeedTasks
// tasks each (100,000 tasks in all, also under -race), every task aborted
// after a random number of scheduler steps, and, as soon as the run is
// over, every permit back, no lock held, no timer armed, and every release
// counted once, inside its task's poll or Cancel. Timers run on the
// scheduler's virtual clock, so a failing seed replays exactly
// (SPINDLE_SEED=<seed>); the sockets are in the next test and in
// TestAbortStormOnPool.
func TestAbortStormUnderPooltest(t *testing.T) {
	var taken, onCancel atomic.Int64
	defer func() {
		t.Logf("%d tasks; %d resources taken and given back, %d of them by a Cancel", stormSeeds*stormSeedTasks, taken.Load(), onCancel.Load())
	}()
	pooltest.RunSeeds(t, stormSeeds, func(s *pooltest.Sched) {
		e := newStormEnv(3, 3, nil)
		runStorm(s, e)
		if err := e.released(); err != nil {
			s.Fatalf("after the storm: %v", err)
		}
		if n := s.Clock().Timers(); n != 0 {
			s.Fatalf("after the storm: %d timers armed", n)
		}
		taken.Add(e.led.taken.Load())
		onCancel.Add(e.led.onCancel.Load())
	})
}

// runStorm spawns stormSeedTasks storm tasks on s, each aborted by a task
// of its own after a random number of steps, and waits for all of them.
func runStorm(s *pooltest.Sched, e *stormEnv) {
	rng := s.Rand()
	for range stormSeedTasks {
		h := pooltest.SpawnJoin(s, e.stormTask(rng, 1+rng.IntN(5)))
		after := rng.IntN(30)
		pooltest.Spawn(s, future.Map(yieldThen(after, 0), func(res) struct{} {
			h.Abort()
			return struct{}{}
		}))
	}
	s.Wait()
}

// The same storm with sockets: a real reactor under the scheduler
// (explored, not replayed exactly, since the kernel takes part), after
// each seed no timer, no registration but the shared listener's and no
// descriptor left.
func TestAbortStormUnderPooltestWithSockets(t *testing.T) {
	r, err := poll.NewReactor()
	require.NoError(t, err)
	defer r.Close()
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	fds := openFDs(t)
	var taken atomic.Int64
	defer func() {
		t.Logf("%d tasks; %d resources taken and given back", stormSocketSeeds*stormSeedTasks, taken.Load())
	}()
	pooltest.RunSeeds(t, stormSocketSeeds, func(s *pooltest.Sched) {
		e := newStormEnv(3, 3, l)
		runStorm(s, e)
		if err := e.released(); err != nil {
			s.Fatalf("after the storm: %v", err)
		}
		if st := r.Stats(); st.Timers != 0 || st.Registrations > 1 {
			s.Fatalf("after the storm the reactor holds %+v", st)
		}
		if n := openFDs(t); n != fds {
			s.Fatalf("after the storm %d descriptors open, %d before", n, fds)
		}
		taken.Add(e.led.taken.Load())
	}, pooltest.WithDriver(r), pooltest.IdleTimeout(10*time.Second))
}

// stormSocketSeeds is how many seeds run the storm with sockets.
const stormSocketSeeds = 300
