package joinset

// readyQueue is the FIFO of entries woken since Next last polled them, in
// wake order, under the set's mu. It is a slice with a read index, so that
// Next takes entries one at a time, leaving the rest in place, and a set
// whose queue never quite empties reuses its array instead of growing it.
type readyQueue[T any] struct {
	buf  []*entry[T] // buf[head:] are queued
	head int
}

func (q *readyQueue[T]) len() int { return len(q.buf) - q.head }

func (q *readyQueue[T]) push(e *entry[T]) {
	if q.head > 0 && len(q.buf) == cap(q.buf) {
		// Full, with dead slots in front: slide down instead of growing.
		n := copy(q.buf, q.buf[q.head:])
		clear(q.buf[n:])
		q.buf, q.head = q.buf[:n], 0
	}
	q.buf = append(q.buf, e)
}

// pop removes and returns the oldest entry; the queue must not be empty.
func (q *readyQueue[T]) pop() *entry[T] {
	e := q.buf[q.head]
	q.buf[q.head] = nil
	q.head++
	if q.head == len(q.buf) {
		q.buf, q.head = q.buf[:0], 0
	}
	return e
}
