package stream

import (
	"fmt"

	"github.com/spindle-rt/spindle/future"
)

// Collect and ForEach own the stream they drain, as they do in
// futures-rs, where dropping the future drops the stream: their Cancel
// closes it, so the futures a Buffered or BufferUnordered stream runs are
// cancelled and a FromSeq goroutine stops. Next only borrows its stream
// and has nothing to release: a cancelled Next leaves the stream usable.
//
//	draining --Cancel--> stream closed (s nil, done false): cancelled
//	cancelled --Poll--> panic ErrPolledAfterCancel
//	done or cancelled --Cancel--> nothing

// Cancel closes the stream being collected, unless it has ended.
func (c *collectFuture[T]) Cancel() {
	if s := c.s; s != nil {
		c.s, c.out = nil, nil
		Close(s)
	}
}

// Cancel closes the stream being drained, unless it has ended.
func (f *forEachFuture[T]) Cancel() {
	if s := f.s; s != nil {
		f.s, f.fn = nil, nil
		Close(s)
	}
}

// panicPolledAfterCancel reports a poll of the cancelled consumer f.
func panicPolledAfterCancel(f any) {
	panic(&future.MisuseError{Future: fmt.Sprintf("%T", f), Err: future.ErrPolledAfterCancel})
}
