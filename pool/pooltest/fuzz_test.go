package pooltest_test

import (
	"testing"

	"github.com/spindle-rt/spindle/pool/pooltest"
)

// fuzzBodies are the primitive tests' bodies that FuzzSchedules drives.
var fuzzBodies = []func(*pooltest.Sched){
	joinBody, boundedBody, broadcastBody, mutexBody, rwmutexBody,
	semaphoreBody, notifyOneBody, bufferUnorderedBody,
}

// FuzzSchedules lets the fuzzer choose seeds, body and scheduler mode:
// with coverage guidance it steers towards schedules that reach new code
// in the primitives, which uniform seeds 1..n do not.
//
//	go test -run '^$' -fuzz FuzzSchedules ./pool/pooltest/
func FuzzSchedules(f *testing.F) {
	for i := range fuzzBodies {
		f.Add(uint64(i+1), uint8(i), false)
		f.Add(uint64(1000+i), uint8(i), true)
	}
	f.Fuzz(func(t *testing.T, seed uint64, which uint8, pct bool) {
		var opts []pooltest.Option
		if pct {
			opts = append(opts, pooltest.PCT(3, 60))
		}
		pooltest.Run(t, seed, fuzzBodies[int(which)%len(fuzzBodies)], opts...)
	})
}
