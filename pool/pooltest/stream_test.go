package pooltest_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/stream"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// tracked is a job for BufferUnordered that counts how many jobs have
// started and not finished, to check the concurrency limit.
func tracked(s *pooltest.Sched, v int, running, peak *int) future.Future[int] {
	steps := s.Rand().IntN(5)
	started := false
	return future.Func[int](func(cx *future.Context) future.Poll[int] {
		if !started {
			started = true
			*running++
			*peak = max(*peak, *running)
		}
		if steps > 0 {
			steps--
			cx.Waker().Wake()
			return future.Pending[int]()
		}
		*running--
		return future.Ready(v)
	})
}

func TestBufferUnorderedYieldsEachValueOnceWithinTheLimit(t *testing.T) {
	pooltest.RunSeeds(t, seeds, bufferUnorderedBody)
}

func bufferUnorderedBody(s *pooltest.Sched) {
	n := s.Rand().IntN(10)
	limit := 1 + s.Rand().IntN(4)
	running, peak := 0, 0
	jobs := make([]future.Future[int], n)
	for i := range jobs {
		if s.Rand().IntN(3) == 0 {
			// Some jobs are other tasks, woken from outside the stream.
			jobs[i] = pooltest.Spawn(s, yields(s.Rand().IntN(4), i, nil))
		} else {
			jobs[i] = tracked(s, i, &running, &peak)
		}
	}
	got := pooltest.BlockOn(s, stream.Collect(stream.BufferUnordered(stream.FromSlice(jobs), limit)))
	slices.Sort(got)
	want := make([]int, n)
	for i := range want {
		want[i] = i
	}
	require.True(s, slices.Equal(want, got), "want %v, got %v", want, got)
	require.LessOrEqual(s, peak, limit)
	require.Zero(s, running)
}
