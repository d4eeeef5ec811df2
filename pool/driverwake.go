package pool

// Where the tasks a driver wakes are queued.
//
// A worker in the driver (pollDriver, or asleep in it) does not run
// tasks, so the tasks woken there are not messages between tasks and get
// no LIFO slot: collect gathers them, in the order of their events, and
// queueWoken queues them behind the work already waiting, oldest first:
//
//	injection queue empty  -> the local ring, as far as it has room;
//	                          the rest at the tail of the injection queue
//	injection queue in use -> all at its tail
//
// Why: on a busy server a poll returns hundreds of events. Pushed one by
// one on the running worker's ring, as wakes from a task are, they
// overflowed it, and each overflow moved the ring's oldest half to the
// injection queue, which a busy worker reads only every
// globalQueueInterval ticks or when its ring runs dry: the tasks that
// had waited longest were put behind every event that came after them,
// and those connections' requests made the latency tail. Queued in
// arrival order, the oldest wake runs first and the injection queue is
// shared by both workers, as Go's injectglist shares the readied
// goroutines of a netpoll between the local and the global run queues.

// wokenChain is the tasks woken during one Park of the driver, linked by
// their injection-queue link (free: a task being scheduled is in no
// queue).
type wokenChain struct {
	first, last *header
	n           int
}

// collect adds a task woken from inside the driver.
func (c *wokenChain) collect(h *header) {
	h.next = nil
	if c.last == nil {
		c.first = h
	} else {
		c.last.next = h
	}
	c.last = h
	c.n++
}

// queueWoken queues the tasks collected during a Park of the driver (see
// the top of this file) and reports how many went to the local ring and
// to the injection queue.
func (w *worker) queueWoken() (local, injected int) {
	o := &w.own
	c := o.woken
	o.woken = wokenChain{}
	h := c.first
	if h == nil {
		return 0, 0
	}
	inj := &w.p.inject
	if inj.len() == 0 {
		for room := o.q.free(); h != nil && room > 0; room-- {
			nx := h.next
			h.next = nil
			o.q.push(h, inj) // fits: only this worker adds to its ring
			h = nx
			local++
		}
	}
	if h != nil {
		injected = c.n - local
		inj.pushBatch(h, c.last, injected)
	}
	return local, injected
}
