package future

// Canceler is implemented by futures that hold something while pending (a
// place in a lock's wait queue, a registration with the reactor, a child
// task) and must give it back when they are abandoned before completion.
// Cancel releases it; the future must not be polled afterwards. Cancel of a
// future that completed, or a second Cancel, does nothing. Cancel runs on
// the goroutine that owns the future (inside a Poll, or after the last one)
// and must not block.
//
// Dropping a future is how it is cancelled in this module, as in Rust; the
// garbage collector reclaims it eventually, but only Cancel releases its
// resources promptly. Every combinator calls Cancel on the children it
// drops (a race's losers, the rest of a TryJoin that failed) and implements
// Canceler itself by cancelling its live children, so cancellation reaches
// the leaves through any nesting. The futures of the poll, channel,
// tasksync, stream, bridge and async packages implement this one
// interface, and the pool calls it on an aborted task's future.
//
// Cancel gives back what a future waits for, not what a stage of a chain
// already holds (a permit, a guard, a connection): Finally and Using do
// that.
type Canceler interface {
	Cancel()
}

// Cancel cancels f if it implements Canceler and does nothing otherwise.
// Call it on a future you stop polling before it is Ready.
func Cancel(f any) {
	if c, ok := f.(Canceler); ok {
		c.Cancel()
	}
}
