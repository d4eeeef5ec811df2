package pool

import (
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// The registry of WithIntrospection holds a record of every task spawned
// while it is on, from spawn to completion. A record is linked before its
// task is first queued (instrument, introspect_wrap.go) and unlinked once,
// by the task's wrapper, when the future is Ready, panics or is cancelled.
// Records are spread over regShards shards by id: consecutive spawns take
// different locks, so workers spawning at the same time rarely contend.
//
// The registry holds its records strongly: a task that no one references
// any more (pending on a future that lost its waker, its handle dropped)
// stays listed until the pool is garbage collected. That is the point: it
// is the task a dump must show. It is also why the registry is opt-in.

const regShards = 16

type registry struct {
	cfg    Introspection
	epoch  time.Time // registry times are nanoseconds since epoch, plus 1
	nextID atomic.Uint64
	shards [regShards]regShard
}

type regShard struct {
	mu   sync.Mutex
	head *taskRecord // doubly linked through prev and next, under mu
	_    [48]byte    // a cache line per shard
}

func newRegistry(cfg Introspection) *registry {
	if cfg.StuckAfter <= 0 {
		cfg.StuckAfter = DefaultStuckAfter
	}
	return &registry{cfg: cfg, epoch: time.Now()}
}

// now is the registry's monotonic clock; never 0, which means never.
func (g *registry) now() int64 { return int64(time.Since(g.epoch)) + 1 }

// add numbers r and links it.
func (g *registry) add(r *taskRecord) {
	r.id = g.nextID.Add(1)
	r.spawned = g.now()
	s := &g.shards[r.id%regShards]
	s.mu.Lock()
	r.next = s.head
	if s.head != nil {
		s.head.prev = r
	}
	s.head = r
	r.linked = true
	s.mu.Unlock()
}

// remove unlinks r if it is linked.
func (g *registry) remove(r *taskRecord) {
	s := &g.shards[r.id%regShards]
	s.mu.Lock()
	if r.linked {
		if r.prev != nil {
			r.prev.next = r.next
		} else {
			s.head = r.next
		}
		if r.next != nil {
			r.next.prev = r.prev
		}
		r.prev, r.next, r.linked = nil, nil, false
	}
	s.mu.Unlock()
}

// snapshot describes every linked record, sorted by id. Each shard is
// read under its lock, the records' counters atomically: a task may move
// on while the snapshot is taken, so the figures of two tasks are not
// from the same instant.
func (g *registry) snapshot() []TaskInfo {
	now := g.now()
	var out []TaskInfo
	var recs []*taskRecord
	for i := range g.shards {
		s := &g.shards[i]
		s.mu.Lock()
		for r := s.head; r != nil; r = r.next {
			out = append(out, r.info(now, g.cfg.StuckAfter))
			recs = append(recs, r)
		}
		s.mu.Unlock()
	}
	// Sites are resolved outside the shard locks, which spawns take: a
	// site's pcs do not change once the record is linked.
	for i, r := range recs {
		if r.pcs[0] != 0 {
			s := r.site()
			out[i].Func, out[i].File, out[i].Line = s.fn, s.file, s.line
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
