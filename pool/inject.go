package pool

import (
	"sync"
	"sync/atomic"
)

// inject is the global injection queue: spawns and wakes from outside the
// workers, and the overflow of full local queues. An intrusive FIFO list
// (the task's next field) under a mutex: pushing allocates nothing, and
// workers take tasks in batches so the lock is taken once for many tasks.
// n mirrors the length so that workers can check for work without the lock.
type inject struct {
	mu         sync.Mutex
	head, tail *header
	n          atomic.Int64
}

func (q *inject) push(h *header) {
	h.next = nil
	q.pushBatch(h, h, 1)
}

// pushBatch appends the chain first..last of n tasks linked by next.
func (q *inject) pushBatch(first, last *header, n int) {
	q.mu.Lock()
	if q.tail == nil {
		q.head = first
	} else {
		q.tail.next = first
	}
	q.tail = last
	q.n.Add(int64(n))
	q.mu.Unlock()
}

func (q *inject) len() int { return int(q.n.Load()) }

// popBatch takes up to max tasks and returns them as a chain.
func (q *inject) popBatch(max int) (first *header, n int) {
	if q.n.Load() == 0 || max <= 0 {
		return nil, 0
	}
	q.mu.Lock()
	first = q.head
	if first == nil {
		q.mu.Unlock()
		return nil, 0
	}
	last := first
	n = 1
	for n < max && last.next != nil {
		last = last.next
		n++
	}
	q.head = last.next
	if q.head == nil {
		q.tail = nil
	}
	last.next = nil
	q.n.Add(-int64(n))
	q.mu.Unlock()
	return first, n
}
