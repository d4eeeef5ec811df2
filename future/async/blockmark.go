package async

import "github.com/spindle-rt/spindle/internal/noblock"

// A body runs on its own goroutine, so a blocking call in it (BlockOn, a
// JoinHandle's Wait) does not run on the worker that resumed it, yet
// stalls that worker just the same: the worker waits for the body to
// suspend. The body therefore marks itself in the worker's noblock slot
// while it runs, and the blocking calls fail with future.ErrInWorker:
//
//	poller, before the switch   takes the slot (the Context's worker for
//	                            Poll, the caller's own for Cancel) and the
//	                            body it held (an outer body awaiting this
//	                            Task, or none)
//	body, on start and resume   puts its own ID in the slot
//	body, as it ends            puts the previous body back, while its
//	                            goroutine still lives (noblock: IDs)
//	poller, after the switch    puts the previous body back too (the body
//	                            may just have suspended)
//
// A body polled by no worker (future.BlockOn from main, a GC cleanup's
// unwinding) takes no slot and may block, like its poller could.

// takeSlot is the poller's side before switching into the body.
func (a *Awaiter) takeSlot(s *noblock.Slot) {
	a.slot = s
	if s != nil {
		a.prevBody = s.Body()
	}
}

// returnSlot is the poller's side after the switch returned.
func (a *Awaiter) returnSlot() {
	if a.slot != nil {
		a.slot.SetBody(a.prevBody)
		a.slot = nil
	}
}

// mark runs on the body's goroutine when it starts or resumes.
func (a *Awaiter) mark() {
	if a.slot == nil {
		return
	}
	if a.self == 0 {
		a.self = noblock.Self()
	}
	a.slot.SetBody(a.self)
}

// unmark runs on the body's goroutine as it ends.
func (a *Awaiter) unmark() {
	if a.slot != nil {
		a.slot.SetBody(a.prevBody)
	}
}
