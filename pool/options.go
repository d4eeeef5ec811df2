package pool

import (
	"fmt"
	"runtime"

	"github.com/spindle-rt/spindle/future"
)

// Option configures a Pool in New.
type Option func(*config) error

type config struct {
	workers   int
	affinity  []int
	queueSize int
	name      string
	driver    future.Driver
	parking   parkMode
	// intro is the task registry of WithIntrospection, nil when off
	// (introspect.go).
	intro *registry
}

func defaultConfig() config {
	return config{
		workers:   runtime.GOMAXPROCS(0),
		queueSize: 256,
		name:      "spindle",
		parking:   defaultParking,
	}
}

// WithWorkers sets the number of workers, each a goroutine locked to an
// OS thread. The default is GOMAXPROCS: workers that are busy hold a P
// each, so goroutines outside the pool run in the gaps.
func WithWorkers(n int) Option {
	return func(c *config) error {
		if n < 1 || n > 1<<16 {
			return fmt.Errorf("pool: WithWorkers(%d): need 1..65536 workers", n)
		}
		c.workers = n
		return nil
	}
}

// WithAffinity pins worker i to CPU cpus[i%len(cpus)] with
// sched_setaffinity (Linux only; New fails elsewhere). Without it workers
// float. A task that unlocks and relocks its goroutine's thread during a
// poll (as coroutine-based futures may) can move its worker to another,
// unpinned, thread: pinning is then best effort.
func WithAffinity(cpus ...int) Option {
	return func(c *config) error {
		if len(cpus) == 0 {
			return fmt.Errorf("pool: WithAffinity: no CPUs given")
		}
		for _, cpu := range cpus {
			if cpu < 0 {
				return fmt.Errorf("pool: WithAffinity: bad CPU %d", cpu)
			}
		}
		if err := affinitySupported(); err != nil {
			return err
		}
		c.affinity = append([]int(nil), cpus...)
		return nil
	}
}

// WithLocalQueueSize sets the capacity of each worker's local run queue, a
// power of two from 4 to 65536 (default 256). Tasks beyond it overflow to
// the injection queue, half a queue at a time.
func WithLocalQueueSize(n int) Option {
	return func(c *config) error {
		if n < 4 || n > 1<<16 || n&(n-1) != 0 {
			return fmt.Errorf("pool: WithLocalQueueSize(%d): need a power of two from 4 to 65536", n)
		}
		c.queueSize = n
		return nil
	}
}

// WithName names the pool in errors and Stats.
func WithName(name string) Option {
	return func(c *config) error {
		c.name = name
		return nil
	}
}

// WithDriver gives the pool a driver (the poll package's reactor). The
// pool owns it: one idle worker at a time parks inside d.Park instead of
// sleeping, busy workers call d.Park(cx, 0) every 61 ticks, tasks see it
// as cx.Driver(), and Shutdown closes it if it implements io.Closer.
func WithDriver(d future.Driver) Option {
	return func(c *config) error {
		if d == nil {
			return fmt.Errorf("pool: WithDriver(nil)")
		}
		c.driver = d
		return nil
	}
}

// withParking selects how idle workers sleep (tests and benchmarks).
func withParking(m parkMode) Option {
	return func(c *config) error {
		c.parking = m
		return nil
	}
}
