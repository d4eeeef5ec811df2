package pool

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/spindle-rt/spindle/future"
)

// Pool is a set of workers that run tasks. Create it with New, spawn tasks
// with Spawn, SpawnFrom or SpawnBlocking, and stop it with Shutdown. All
// methods are safe for concurrent use.
type Pool struct {
	cfg    config
	ws     []*worker
	inject inject
	idle   *idle
	driver future.Driver
	// driverLock is held by the one worker inside driver.Park.
	driverLock atomic.Bool

	closed atomic.Bool // no more spawns
	stop   atomic.Bool // workers exit
	// workers counts worker goroutines still running.
	workers     sync.WaitGroup
	started     sync.WaitGroup // workers that have set themselves up
	affinityErr atomic.Pointer[error]

	spawnedOutside atomic.Uint64
	// liveOutside counts spawns and completions outside the workers; the
	// workers count theirs (shutdown.go: live).
	liveOutside atomic.Int64
	// drained gets a token on completions once closed.
	drained chan struct{}
	// killed is closed when the workers have stopped: unfinished tasks
	// are cancelled lazily (shutdown.go).
	killed  chan struct{}
	foreign foreignSet
	waits   waitSet

	shutdownMu   sync.Mutex
	shutdownDone chan struct{}
	shutdownErr  error
}

// New starts a pool with the given options and returns once every worker
// runs. It fails if an option is invalid or a worker cannot be pinned to
// its CPU (WithAffinity). The pool has no timers or sockets unless given a
// driver: for those, make it with
// [github.com/spindle-rt/spindle/poll.NewPool] instead.
func New(opts ...Option) (*Pool, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	p := &Pool{
		cfg: cfg, driver: cfg.driver, shutdownDone: make(chan struct{}),
		drained: make(chan struct{}, 1), killed: make(chan struct{}),
	}
	p.idle = newIdle(cfg.workers)
	p.ws = make([]*worker, cfg.workers)
	for i := range p.ws {
		p.ws[i] = newWorker(p, i, cfg.queueSize)
	}
	p.workers.Add(len(p.ws))
	p.started.Add(len(p.ws))
	for _, w := range p.ws {
		go w.loop()
	}
	p.started.Wait()
	if err := p.AffinityErr(); err != nil {
		_ = p.Shutdown(context.Background())
		return nil, err
	}
	return p, nil
}

// Name returns the name given with WithName.
func (p *Pool) Name() string { return p.cfg.name }

// Workers returns the number of workers.
func (p *Pool) Workers() int { return len(p.ws) }

// AffinityErr returns the first error a worker got pinning itself to its
// CPU (see WithAffinity), or nil. New fails with it, so on a pool New
// returned it is always nil; it is kept for diagnostics.
func (p *Pool) AffinityErr() error {
	if e := p.affinityErr.Load(); e != nil {
		return *e
	}
	return nil
}

// scheduleRemote queues a task from outside the workers.
func (p *Pool) scheduleRemote(h *header) {
	p.inject.push(h)
	p.notifyParked()
}

// notifyParked wakes a parked worker if no worker is searching.
func (p *Pool) notifyParked() {
	if w := p.idle.workerToNotify(); w != nil {
		w.unpark()
	}
}

// hasWork reports whether any queue a worker may take from holds a task.
func (p *Pool) hasWork() bool {
	if p.inject.len() > 0 {
		return true
	}
	for _, w := range p.ws {
		if w.shared.steal.len() > 0 {
			return true
		}
	}
	return false
}
