package pool

import (
	"sync"
	"sync/atomic"
)

// inject is the global injection queue: spawns and wakes from outside the
// workers, and the overflow of full local queues. A FIFO of fixed-size
// chunks of task pointers under a mutex: a task carries no link for it,
// which keeps every task 8 bytes smaller; pushing allocates one 1 KB chunk
// per 127 tasks queued at once and never copies. Drained chunks are kept
// for reuse up to injectSpares of them, so that a queue that keeps
// filling to a thousand tasks allocates nothing, and the rest are let go,
// so that a burst of spawns does not leave its high-water mark in the
// heap. Workers take tasks in batches so the lock is taken once for many
// tasks. n mirrors the length so that workers can check for work without
// the lock.
type inject struct {
	mu         sync.Mutex
	head, tail *injectChunk // nil when empty
	// pop takes head.tasks[first]; push writes tail.tasks[end].
	first, end int
	// spare lists drained chunks (cleared, linked by next), nspare of
	// them, at most injectSpares.
	spare  *injectChunk
	nspare int
	n      atomic.Int64
}

// injectSpares is how many drained chunks a queue keeps: 8 KB, room for
// 1,016 tasks.
const injectSpares = 8

// injectChunk is 1024 bytes, a size class.
type injectChunk struct {
	next  *injectChunk
	tasks [127]*header
}

func (q *inject) push(h *header) {
	q.mu.Lock()
	q.pushLocked(h)
	q.n.Add(1)
	q.mu.Unlock()
}

// pushLocked appends h; the caller holds mu and adds to n.
func (q *inject) pushLocked(h *header) {
	if q.tail == nil || q.end == len(q.tail.tasks) {
		c := q.spare
		if c != nil {
			q.spare, c.next = c.next, nil
			q.nspare--
		} else {
			c = new(injectChunk)
		}
		if q.tail == nil {
			q.head, q.first = c, 0
		} else {
			q.tail.next = c
		}
		q.tail, q.end = c, 0
	}
	q.tail.tasks[q.end] = h
	q.end++
}

// pushOverflow appends the n tasks of r's slots from real on, then h,
// under one lock (queue.go: a full local queue moving half of itself).
func (q *inject) pushOverflow(r *ring, real, n uint32, h *header) {
	q.mu.Lock()
	for i := range n {
		q.pushLocked(r.buf[(real+i)&r.mask].Load())
	}
	q.pushLocked(h)
	q.n.Add(int64(n) + 1)
	q.mu.Unlock()
}

// pushBatch appends hs, in order, under one lock.
func (q *inject) pushBatch(hs []*header) {
	q.mu.Lock()
	for _, h := range hs {
		q.pushLocked(h)
	}
	q.n.Add(int64(len(hs)))
	q.mu.Unlock()
}

func (q *inject) len() int { return int(q.n.Load()) }

// popBatch moves up to len(dst) tasks, oldest first, into dst and returns
// how many.
func (q *inject) popBatch(dst []*header) int {
	if q.n.Load() == 0 || len(dst) == 0 {
		return 0
	}
	q.mu.Lock()
	n := 0
	for n < len(dst) && q.head != nil {
		c := q.head
		last := len(c.tasks)
		if c == q.tail {
			last = q.end
		}
		k := copy(dst[n:], c.tasks[q.first:last])
		clear(c.tasks[q.first : q.first+k])
		n += k
		q.first += k
		if q.first < last {
			break // dst is full
		}
		if c == q.tail {
			if q.first < len(c.tasks) {
				break // drained but room left: keep it as the tail
			}
			q.tail = nil
		}
		q.head, q.first = c.next, 0
		c.next = nil
		if q.nspare < injectSpares {
			c.next, q.spare = q.spare, c
			q.nspare++
		}
	}
	if q.head == nil {
		q.tail = nil
	}
	q.n.Add(-int64(n))
	q.mu.Unlock()
	return n
}
