package pool

import (
	"sync"
	"sync/atomic"
)

// inject is the global injection queue: spawns and wakes from outside the
// workers, and the overflow of full local queues. A ring of task pointers
// under a mutex, grown by doubling: a task carries no link for it, which
// keeps every task 8 bytes smaller, and workers take tasks in batches so
// the lock is taken once for many tasks. A ring that grew past
// injectKeep slots is let go when it empties, so that a burst of spawns
// does not leave its high-water mark in the heap. n mirrors the length so
// that workers can check for work without the lock.
type inject struct {
	mu   sync.Mutex
	buf  []*header // len(buf) is 0 or a power of two
	head int       // the oldest task is buf[head&(len(buf)-1)]
	cnt  int       // tasks in buf, under mu
	n    atomic.Int64
}

// injectKeep is the largest ring kept once empty.
const injectKeep = 1024

func (q *inject) push(h *header) {
	q.mu.Lock()
	q.pushLocked(h)
	q.n.Add(1)
	q.mu.Unlock()
}

// pushLocked appends h; the caller holds mu and adds to n.
func (q *inject) pushLocked(h *header) {
	if q.cnt == len(q.buf) {
		q.grow()
	}
	q.buf[(q.head+q.cnt)&(len(q.buf)-1)] = h
	q.cnt++
}

// grow doubles the ring, keeping the order.
func (q *inject) grow() {
	size := max(2*len(q.buf), 64)
	buf := make([]*header, size)
	for i := range q.cnt {
		buf[i] = q.buf[(q.head+i)&(len(q.buf)-1)]
	}
	q.buf, q.head = buf, 0
}

func (q *inject) len() int { return int(q.n.Load()) }

// popBatch moves up to len(dst) tasks, oldest first, into dst and returns
// how many.
func (q *inject) popBatch(dst []*header) int {
	if q.n.Load() == 0 || len(dst) == 0 {
		return 0
	}
	q.mu.Lock()
	n := min(len(dst), q.cnt)
	mask := len(q.buf) - 1
	for i := range n {
		slot := &q.buf[(q.head+i)&mask]
		dst[i] = *slot
		*slot = nil
	}
	q.head += n
	q.cnt -= n
	if q.cnt == 0 {
		q.head = 0
		if len(q.buf) > injectKeep {
			q.buf = nil
		}
	}
	q.n.Add(-int64(n))
	q.mu.Unlock()
	return n
}
