//go:build linux

package pool_test

import (
	"testing"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestAffinity pins the only worker to CPU 0 and checks, from inside a
// task (on the worker's thread), that the thread's CPU set is {0}.
func TestAffinity(t *testing.T) {
	p := newPool(t, pool.WithWorkers(1), pool.WithAffinity(0))
	cpus, err := pool.BlockOn(p, future.Future[[]int](future.Func[[]int](func(*future.Context) future.Poll[[]int] {
		var set unix.CPUSet
		if err := unix.SchedGetaffinity(0, &set); err != nil {
			panic(err)
		}
		var cpus []int
		for c := 0; c < 1024; c++ {
			if set.IsSet(c) {
				cpus = append(cpus, c)
			}
		}
		return future.Ready(cpus)
	})))
	require.NoError(t, err)
	require.NoError(t, p.AffinityErr())
	assert.Equal(t, []int{0}, cpus)
}

func TestAffinityBadCPU(t *testing.T) {
	p, err := pool.New(pool.WithWorkers(1), pool.WithAffinity(1<<20))
	require.Error(t, err)
	assert.Nil(t, p)
	assert.Contains(t, err.Error(), "pinning worker to CPU")
}
