package pool

import "sync/atomic"

// Stats is a snapshot of a pool's counters. Per-worker counters are kept
// by each worker without atomics and published every 61 ticks and when it
// parks, so a busy worker's figures may lag by a few dozen polls.
type Stats struct {
	Name string
	// SpawnedOutside counts tasks spawned from outside the workers (Spawn,
	// SpawnBlocking); tasks spawned with SpawnFrom are in PerWorker.
	SpawnedOutside uint64
	// Live is the number of tasks spawned and not yet complete. A task
	// leaves it before its completion is published: once a JoinHandle's
	// Wait or Poll returned, or IsFinished reported true, Live no longer
	// counts that task. After Shutdown cancelled tasks, those not yet
	// looked at still count.
	Live int
	// InjectDepth is the length of the global injection queue.
	InjectDepth int
	// Searching and Parked count workers looking for work and asleep.
	Searching, Parked int
	PerWorker         []WorkerStats
}

// WorkerStats are the counters of one worker.
type WorkerStats struct {
	Polled      uint64 // polls of tasks
	Spawned     uint64 // tasks spawned with SpawnFrom on this worker
	LIFOPolls   uint64 // polls of a task taken from the LIFO slot
	Steals      uint64 // successful steal operations
	Stolen      uint64 // tasks taken from other workers' queues
	Injected    uint64 // tasks taken from the injection queue
	Overflows   uint64 // pushes that spilled to the injection queue
	Parks       uint64 // times the worker went to sleep
	Unparks     uint64 // times another worker woke it
	DriverParks uint64 // sleeps inside the driver
	DriverPolls uint64 // non-blocking driver polls while busy
	LocalDepth  int    // tasks in its local queue now
}

// Spawned returns all spawns: outside plus every worker's.
func (s Stats) Spawned() uint64 {
	n := s.SpawnedOutside
	for _, w := range s.PerWorker {
		n += w.Spawned
	}
	return n
}

// Polled returns the polls of all workers.
func (s Stats) Polled() uint64 {
	var n uint64
	for _, w := range s.PerWorker {
		n += w.Polled
	}
	return n
}

// workerCounters are a worker's private counters.
type workerCounters struct {
	polled, spawned, lifoPolls, steals, stolen, injected, overflows,
	parks, unparks, driverParks, driverPolls uint64
}

// workerStatsAtomic is the published copy of workerCounters.
type workerStatsAtomic struct {
	polled, spawned, lifoPolls, steals, stolen, injected, overflows,
	parks, unparks, driverParks, driverPolls atomic.Uint64
}

// publish copies the worker's counters where Stats can read them.
func (w *worker) publish() {
	c, p := &w.own.stats, &w.shared.pub
	p.polled.Store(c.polled)
	p.spawned.Store(c.spawned)
	p.lifoPolls.Store(c.lifoPolls)
	p.steals.Store(c.steals)
	p.stolen.Store(c.stolen)
	p.injected.Store(c.injected)
	p.overflows.Store(c.overflows)
	p.parks.Store(c.parks)
	p.unparks.Store(c.unparks)
	p.driverParks.Store(c.driverParks)
	p.driverPolls.Store(c.driverPolls)
}

// Stats returns a snapshot of the pool's counters.
func (p *Pool) Stats() Stats {
	s := Stats{
		Name:           p.cfg.name,
		SpawnedOutside: p.spawnedOutside.Load(),
		Live:           int(max(p.live(), 0)),
		InjectDepth:    p.inject.len(),
		PerWorker:      make([]WorkerStats, len(p.ws)),
	}
	s.Searching, s.Parked = p.idle.counts()
	for i, w := range p.ws {
		c := &w.shared.pub
		s.PerWorker[i] = WorkerStats{
			Polled: c.polled.Load(), Spawned: c.spawned.Load(), LIFOPolls: c.lifoPolls.Load(),
			Steals: c.steals.Load(), Stolen: c.stolen.Load(), Injected: c.injected.Load(),
			Overflows: c.overflows.Load(), Parks: c.parks.Load(), Unparks: c.unparks.Load(),
			DriverParks: c.driverParks.Load(), DriverPolls: c.driverPolls.Load(),
			LocalDepth: w.shared.steal.len(),
		}
	}
	return s
}
