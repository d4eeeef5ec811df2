package pool

import "sync/atomic"

// ring is a worker's run queue: a fixed-size ring with one producer (the
// owning worker, which also pops) and many stealers (other workers, which
// take half). It is tokio's queue.rs design, and like tokio's Local and
// Steal, it is reached through two handles, so that who may call what is
// in the types: [queueLocal] (push, pop: the owner only) and [queueSteal]
// (steal half: any other worker). Both may read len.
//
// head packs two 32-bit indices, steal<<32 | real:
//
//	real   the next slot the owner pops;
//	steal  the first slot a stealer is still copying out; equal to real
//	       when no steal is in progress.
//
// Invariants (indices wrap modulo 2^32):
//
//	steal <= real <= tail and tail-steal <= len(buf): the owner never
//	writes a slot a stealer may still be copying;
//	only the owner stores tail and writes slots in [tail, steal+len(buf));
//	at most one steal is in progress (steal != real) at a time; others give up;
//	a slot is published by the tail store that follows its write, so
//	whoever loads tail >= i+1 sees slot i.
//
// Slots are atomic pointers so that the race detector sees the
// publication through tail (plain loads would be equally correct on the
// hardware, but not provably so to -race).
type ring struct {
	head atomic.Uint64
	_    [56]byte // head is written by stealers, tail by the owner
	tail atomic.Uint32
	mask uint32
	buf  []atomic.Pointer[header]
}

// queueLocal is the owner's handle on its ring.
type queueLocal struct{ *ring }

// queueSteal is the handle other workers steal through.
type queueSteal struct{ *ring }

// newQueue makes a ring of size slots, a power of two, and its two
// handles.
func newQueue(size int) (queueLocal, queueSteal) {
	r := &ring{mask: uint32(size - 1), buf: make([]atomic.Pointer[header], size)}
	return queueLocal{r}, queueSteal{r}
}

func pack(steal, real uint32) uint64       { return uint64(steal)<<32 | uint64(real) }
func unpack(v uint64) (steal, real uint32) { return uint32(v >> 32), uint32(v) }

// len is a snapshot of how many tasks the queue holds.
func (q *ring) len() int {
	_, real := unpack(q.head.Load())
	return int(q.tail.Load() - real)
}

// capacity returns the ring's size.
func (q queueLocal) capacity() int { return len(q.buf) }

// free returns how many tasks the owner can push without overflowing.
func (q queueLocal) free() int {
	steal, _ := unpack(q.head.Load())
	return len(q.buf) - int(q.tail.Load()-steal)
}

// push appends h (owner only). When the ring is full, half of it and h
// move to inj in one batch (one lock for many tasks), so that other
// workers find them; overflow reports that.
func (q queueLocal) push(h *header, inj *inject) (overflow bool) {
	for {
		head := q.head.Load()
		steal, real := unpack(head)
		tail := q.tail.Load()
		if tail-steal < uint32(len(q.buf)) {
			q.buf[tail&q.mask].Store(h)
			q.tail.Store(tail + 1)
			return false
		}
		if steal != real {
			// A stealer is copying and will free room soon; rather than
			// wait for it, hand this one task to the injection queue.
			inj.push(h)
			return true
		}
		if q.pushOverflow(h, real, tail, inj) {
			return true
		}
		// A stealer or a pop moved head: look again.
	}
}

// pushOverflow moves the oldest half of the full ring plus h to inj.
func (q queueLocal) pushOverflow(h *header, real, tail uint32, inj *inject) bool {
	n := uint32(len(q.buf) / 2)
	if !q.head.CompareAndSwap(pack(real, real), pack(real+n, real+n)) {
		return false
	}
	// The claimed slots are ours now: no pop or steal can reach them.
	inj.pushOverflow(q.ring, real, n, h)
	return true
}

// pop takes the oldest task (owner only), or returns nil.
func (q queueLocal) pop() *header {
	head := q.head.Load()
	for {
		steal, real := unpack(head)
		if real == q.tail.Load() {
			return nil
		}
		next := pack(steal, real+1)
		if steal == real {
			next = pack(real+1, real+1)
		}
		if q.head.CompareAndSwap(head, next) {
			return q.buf[real&q.mask].Load()
		}
		head = q.head.Load()
	}
}

// stealInto moves about half of q's tasks into dst, whose owner calls it,
// and returns one of them to run at once (nil if there was nothing).
func (q queueSteal) stealInto(dst queueLocal) (first *header, n int) {
	dstTail := dst.tail.Load()
	dstSteal, _ := unpack(dst.head.Load())
	if dstTail-dstSteal > uint32(len(dst.buf)/2) {
		return nil, 0 // dst has work enough, and no room for half of q
	}
	got := q.stealHalf(dst, dstTail)
	if got == 0 {
		return nil, 0
	}
	got--
	ret := dst.buf[(dstTail+got)&dst.mask].Load()
	if got > 0 {
		dst.tail.Store(dstTail + got) // publish the rest in dst
	}
	return ret, int(got) + 1
}

// stealHalf claims half of q, copies it to dst's slots from dstTail (not
// yet published) and releases the claim. It returns how many it copied.
func (q queueSteal) stealHalf(dst queueLocal, dstTail uint32) uint32 {
	prev := q.head.Load()
	var n uint32
	for {
		steal, real := unpack(prev)
		if steal != real {
			return 0 // another stealer is at work: try elsewhere
		}
		tail := q.tail.Load()
		n = tail - real
		n -= n / 2
		if n == 0 {
			return 0
		}
		next := pack(steal, real+n)
		if q.head.CompareAndSwap(prev, next) {
			prev = next
			break
		}
		prev = q.head.Load()
	}
	from, _ := unpack(prev)
	for i := uint32(0); i < n; i++ {
		dst.buf[(dstTail+i)&dst.mask].Store(q.buf[(from+i)&q.mask].Load())
	}
	// Done copying: let steal catch up with real, which the owner may
	// have advanced by popping meanwhile.
	for {
		_, real := unpack(prev)
		if q.head.CompareAndSwap(prev, pack(real, real)) {
			return n
		}
		prev = q.head.Load()
	}
}
