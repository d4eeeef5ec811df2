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

// wokenChain is the tasks woken during one Park of the driver, in event
// order. The slice is kept between Parks (cleared, so it holds no task
// alive), so a busy server's polls allocate nothing for it after the first.
type wokenChain struct {
	tasks []*header
}

// collect adds a task woken from inside the driver.
func (c *wokenChain) collect(h *header) {
	c.tasks = append(c.tasks, h)
}

// queueWoken queues the tasks collected during a Park of the driver (see
// the top of this file) and reports how many went to the local ring and
// to the injection queue.
func (w *worker) queueWoken() (local, injected int) {
	o := &w.own
	hs := o.woken.tasks
	if len(hs) == 0 {
		return 0, 0
	}
	inj := &w.p.inject
	if inj.len() == 0 {
		local = min(len(hs), o.q.free())
		for _, h := range hs[:local] {
			o.q.push(h, inj) // fits: only this worker adds to its ring
		}
	}
	if rest := hs[local:]; len(rest) > 0 {
		injected = len(rest)
		inj.pushBatch(rest)
	}
	clear(hs)
	o.woken.tasks = hs[:0]
	return local, injected
}
