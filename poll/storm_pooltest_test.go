package poll_test

import (
	"sync/atomic"
	"testing"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// The abort storm under pooltest: stormSeeds schedules of stormSeedTasks
// tasks each (100,000 tasks in all without -race), every task aborted
// after a random number of scheduler steps, and, as soon as the run is
// over, every permit back, no lock held, no timer armed, and every release
// counted once, inside its task's poll or Cancel. Timers run on the
// scheduler's virtual clock, so a failing seed replays exactly
// (SPINDLE_SEED=<seed>); the sockets are in TestAbortStormOnPool.
func TestAbortStormUnderPooltest(t *testing.T) {
	var taken, onCancel atomic.Int64
	defer func() {
		t.Logf("%d tasks; %d resources taken and given back, %d of them by a Cancel", stormSeeds*stormSeedTasks, taken.Load(), onCancel.Load())
	}()
	pooltest.RunSeeds(t, stormSeeds, func(s *pooltest.Sched) {
		e := newStormEnv(3, 3, nil)
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
