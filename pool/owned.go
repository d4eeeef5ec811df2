package pool

import "sync"

// owned lists every live task of the pool, so that Shutdown can wait for
// them and cancel those left when its context ends (a pending task sits in
// no queue; without this list nobody could complete its JoinHandle). It is
// sharded to keep spawns on different workers off each other's lock.
//
// A shard goes through: open -> closed (Shutdown began: inserts fail, so
// no task is spawned after Shutdown counted the live ones) -> killed (its
// tasks were taken for cancellation: removes are no-ops).
type owned struct {
	shards []ownedShard
	mask   uint32
	// drained gets a token when a closed shard becomes empty.
	drained chan struct{}
}

type ownedShard struct {
	mu     sync.Mutex
	head   *header
	count  int
	closed bool
	killed bool
	_      [32]byte
}

func (o *owned) init(workers int) {
	n := 4
	for n < 2*workers {
		n *= 2
	}
	o.shards = make([]ownedShard, n)
	o.mask = uint32(n - 1)
	o.drained = make(chan struct{}, 1)
}

// insert adds h to shard i and reports false if the pool is closed.
func (o *owned) insert(h *header, i uint32) bool {
	i &= o.mask
	s := &o.shards[i]
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	h.shard = i
	h.ownNext = s.head
	if s.head != nil {
		s.head.ownPrev = h
	}
	s.head = h
	s.count++
	s.mu.Unlock()
	return true
}

// remove takes a completed task off its shard.
func (o *owned) remove(h *header) {
	s := &o.shards[h.shard]
	s.mu.Lock()
	if s.killed {
		s.mu.Unlock()
		return
	}
	if h.ownPrev != nil {
		h.ownPrev.ownNext = h.ownNext
	} else {
		s.head = h.ownNext
	}
	if h.ownNext != nil {
		h.ownNext.ownPrev = h.ownPrev
	}
	h.ownPrev, h.ownNext = nil, nil
	s.count--
	signal := s.closed && s.count == 0
	s.mu.Unlock()
	if signal {
		select {
		case o.drained <- struct{}{}:
		default:
		}
	}
}

// close makes every later insert fail.
func (o *owned) close() {
	for i := range o.shards {
		s := &o.shards[i]
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
	}
}

// live returns how many tasks are not complete.
func (o *owned) live() int {
	n := 0
	for i := range o.shards {
		s := &o.shards[i]
		s.mu.Lock()
		n += s.count
		s.mu.Unlock()
	}
	return n
}

// kill empties every shard and returns the tasks that were in them.
func (o *owned) kill() []*header {
	var all []*header
	for i := range o.shards {
		s := &o.shards[i]
		s.mu.Lock()
		for h := s.head; h != nil; {
			nx := h.ownNext
			h.ownPrev, h.ownNext = nil, nil
			all = append(all, h)
			h = nx
		}
		s.head, s.count, s.closed, s.killed = nil, 0, true, true
		s.mu.Unlock()
	}
	return all
}
