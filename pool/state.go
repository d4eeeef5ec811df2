package pool

import "sync/atomic"

// The state of a task is one atomic word. Its bits:
//
//	running    the poll lock: a worker is polling the task, or someone is
//	           cancelling it. Whoever sets it alone touches the future and
//	           the result fields until it clears it (or sets complete).
//	notified   the task must be polled again: it sits in a queue, or, when
//	           running is also set, the worker re-queues it once the poll
//	           returns. Set by wakes; at most one queue entry exists while
//	           it is set, so a task is queued at most once.
//	complete   final: the result fields are written, the future dropped.
//	           Wakes, aborts and queue entries that find it do nothing.
//	cancelled  Abort or Shutdown asked for cancellation; the next holder of
//	           the poll lock completes the task with ErrAborted (or
//	           ErrClosed when closedCancel is set) instead of polling it.
//	joinWaker  JoinHandle.Poll stored a waker in the task. While the bit is
//	           clear only the handle writes the field; once complete is set
//	           while the bit is set, the completer reads it and wakes it.
//	joinRead   JoinHandle.Poll returned Ready; polling again is misuse.
//	foreignJoin the join waker belongs to another executor: the task is in
//	           the pool's foreign registry until it completes (shutdown.go).
//
// Transitions (all by compare-and-swap, see the functions below):
//
//	spawn:            notified                       (then queued)
//	wake, idle:       +notified                      -> queue it
//	wake, running:    +notified                      -> worker re-queues
//	wake, notified or complete: nothing
//	pop from queue:   -notified +running             -> poll (or cancel)
//	poll Pending:     -running                       -> idle, or re-queue if notified, or cancel
//	poll Ready/panic: -running +complete             -> wake the joiner
//	abort, idle or notified: +running +cancelled     -> cancel right away
//	abort, running:   +cancelled                     -> worker cancels after the poll
const (
	stRunning uint32 = 1 << iota
	stNotified
	stComplete
	stCancelled
	stClosedCancel
	stJoinWaker
	stJoinRead
	stForeignJoin
)

// taskState is the atomic state word of a task.
type taskState struct{ v atomic.Uint32 }

func (s *taskState) load() uint32 { return s.v.Load() }

// toNotified records a wake and reports whether the caller must put the
// task in a queue (it was idle). A wake while running only sets notified:
// the worker re-queues the task after the poll, so it is queued once.
func (s *taskState) toNotified() bool {
	for {
		cur := s.v.Load()
		if cur&(stComplete|stNotified) != 0 {
			return false
		}
		if s.v.CompareAndSwap(cur, cur|stNotified) {
			return cur&stRunning == 0
		}
	}
}

// toRunning takes the poll lock for a task taken from a queue. It returns
// the previous state and false if the task is complete, or being cancelled
// by the goroutine that aborted it while it was queued: the queue entry is
// then stale and is dropped.
func (s *taskState) toRunning() (uint32, bool) {
	for {
		cur := s.v.Load()
		// A live queue entry finds the poll lock free: a worker clears
		// running before it re-queues a task, so running here means an
		// aborter took the lock to complete the task.
		if cur&(stComplete|stRunning) != 0 {
			return cur, false
		}
		if s.v.CompareAndSwap(cur, (cur&^stNotified)|stRunning) {
			return cur, true
		}
	}
}

// idleOutcome is what a worker does after a poll returned Pending.
type idleOutcome int

const (
	idleDone       idleOutcome = iota // nothing: a future wake re-queues it
	idleReschedule                    // woken during the poll: queue it again
	idleCancel                        // cancelled during the poll: complete it with the error
)

// toIdle releases the poll lock after a Pending poll.
func (s *taskState) toIdle() idleOutcome {
	for {
		cur := s.v.Load()
		if cur&stCancelled != 0 {
			return idleCancel // keep the poll lock for the cancellation
		}
		if s.v.CompareAndSwap(cur, cur&^stRunning) {
			if cur&stNotified != 0 {
				return idleReschedule
			}
			return idleDone
		}
	}
}

// toComplete releases the poll lock for good and returns the previous
// state; the caller wrote the result before, so whoever sees complete sees
// the result.
func (s *taskState) toComplete() uint32 {
	for {
		cur := s.v.Load()
		if s.v.CompareAndSwap(cur, (cur&^stRunning)|stComplete) {
			return cur
		}
	}
}

// toCancelled records a cancellation request. It returns true if the
// caller took the poll lock and must complete the task itself (the task was
// idle or queued); false if the task is complete, already cancelled, or
// running (its worker cancels it after the poll).
func (s *taskState) toCancelled(closed bool) bool {
	add := stCancelled
	if closed {
		add |= stClosedCancel
	}
	for {
		cur := s.v.Load()
		if cur&(stComplete|stCancelled) != 0 {
			return false
		}
		next := cur | add
		if cur&stRunning == 0 {
			next |= stRunning
		}
		if s.v.CompareAndSwap(cur, next) {
			return cur&stRunning == 0
		}
	}
}

// setJoinWaker publishes the join waker the handle just wrote. It fails
// (false) if the task completed meanwhile: the handle then reads the result.
func (s *taskState) setJoinWaker() bool {
	for {
		cur := s.v.Load()
		if cur&stComplete != 0 {
			return false
		}
		if s.v.CompareAndSwap(cur, cur|stJoinWaker) {
			return true
		}
	}
}

// unsetJoinWaker takes the join waker field back so the handle may replace
// it. It fails (false) if the task completed: the completer owns the field.
func (s *taskState) unsetJoinWaker() bool {
	for {
		cur := s.v.Load()
		if cur&stComplete != 0 {
			return false
		}
		if s.v.CompareAndSwap(cur, cur&^stJoinWaker) {
			return true
		}
	}
}

// markRead records that JoinHandle.Poll returned Ready and reports whether
// it had already done so.
func (s *taskState) markRead() bool { return s.v.Or(stJoinRead)&stJoinRead != 0 }
