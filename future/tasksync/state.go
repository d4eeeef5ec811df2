package tasksync

import "github.com/spindle-rt/spindle/future"

// waitState is the life of a wait future: polled until done, or cancelled.
// Polling a done or cancelled future is misuse.
type waitState uint8

const (
	stWaiting waitState = iota
	stDone
	stCancelled
)

// enter panics with a *future.MisuseError unless f may be polled.
func (s waitState) enter(f any) {
	switch s {
	case stDone:
		future.PanicPolledAfterReady(f)
	case stCancelled:
		panic(&future.MisuseError{Future: typeName(f), Err: ErrPolledAfterCancel})
	}
}
