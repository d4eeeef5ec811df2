package pooltest_test

import (
	"testing"

	"github.com/spindle-rt/spindle/pool/pooltest"
)

// TestPrimitivesUnderPCT runs the bodies of the primitive tests again with
// PCT scheduling, which reaches orderings that uniform picks make rare
// (long runs of one task, a low-priority task starved until a change
// point).
func TestPrimitivesUnderPCT(t *testing.T) {
	for _, c := range []struct {
		name string
		body func(*pooltest.Sched)
	}{
		{"Join", joinBody},
		{"BoundedMPSC", boundedBody},
		{"Broadcast", broadcastBody},
		{"Mutex", mutexBody},
		{"RWMutex", rwmutexBody},
		{"Semaphore", semaphoreBody},
		{"NotifyOne", notifyOneBody},
		{"BufferUnordered", bufferUnorderedBody},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, depth := range []int{2, 3} {
				pooltest.RunSeeds(t, seeds/4, c.body, pooltest.PCT(depth, 60))
			}
		})
	}
}
