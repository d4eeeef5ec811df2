package pool

import "sync/atomic"

// The state of a task is one atomic word, changed only by the
// compare-and-swap loops below. Each bit's rule is beside its constant;
// the transitions:
//
//	spawn:            scheduled                        (then queued)
//	wake, idle:       +scheduled                       -> queue it
//	wake, running:    +scheduled                       -> worker re-queues
//	wake, scheduled or complete: nothing
//	pop from queue:   -scheduled +running              -> poll (or drop a stale entry)
//	poll Pending:     -running                         -> idle, or re-queue if scheduled
//	poll Pending, cancel requested: keep running       -> complete with the cancel error
//	poll Ready/panic: -running +complete               -> wake the joiner if joinWaker
//	abort, idle or scheduled: +running +cancelRequested -> complete at once
//	abort, running:   +cancelRequested                 -> worker completes after the poll
//	Shutdown's cancel: as abort, also +closedCancel
//	join Poll stores a waker:  +joinWaker   (fails once complete: read the result)
//	join Poll replaces it:     -joinWaker, write, +joinWaker (each fails once complete)
//	join Poll returns Ready:   +joinRead
//	join Poll with another executor's waker: +foreignJoin (once)
//	Wait from a goroutine: +waitChan (once)
//
// Guarantees: never polled by two workers at once (a poll takes running
// from a state without it); at most one queue entry (only idle ->
// scheduled queues); a wake during a poll re-queues exactly once; a wake
// after completion does nothing (complete is final and checked first).
const (
	// stRunning is the poll lock. Set by the worker that pops the task
	// (toRunning) or by whoever cancels an idle or queued task
	// (toCancelled), or by SpawnBlocking for the task's whole life;
	// cleared by toIdle, or replaced by stComplete. While
	// it is set only its holder touches the future and the result
	// fields; a queue entry that finds it set is stale and dropped.
	stRunning uint32 = 1 << iota
	// stScheduled: the task must be polled again. Set by a wake
	// (toScheduled) unless complete; cleared by toRunning. Set while
	// idle, the waker queues the task; set while running, the worker
	// re-queues it after the poll (toIdle). While it is set no second
	// wake queues the task, so it sits in at most one queue.
	stScheduled
	// stComplete is final: set once, by toComplete, after the result
	// fields are written and before the joiner is woken. Wakes, aborts
	// and queue entries that find it do nothing; the join waker field
	// then belongs to the completer if stJoinWaker was set.
	stComplete
	// stCancelRequested: Abort or Shutdown asked for cancellation
	// (toCancelled). Set once, never cleared. The holder of the poll lock
	// completes the task with ErrAborted (ErrClosed if stClosedCancel)
	// instead of polling it again; a poll in progress that returns Ready
	// keeps its value.
	stCancelRequested
	// stClosedCancel: the cancellation came from Shutdown, so the error
	// is ErrClosed, not ErrAborted. Set only together with
	// stCancelRequested, in the same CAS; never cleared.
	stClosedCancel
	// stJoinWaker: JoinHandle.Poll stored a waker in header.joinWaker.
	// While the bit is clear only the handle writes the field; it sets
	// the bit after writing (setJoinWaker) and clears it before writing
	// again (unsetJoinWaker); both fail once complete. Once complete is
	// set with the bit set, the completer reads the field and wakes it.
	stJoinWaker
	// stJoinRead: JoinHandle.Poll returned Ready. Set once (markRead);
	// a Poll that finds it panics with a *future.MisuseError.
	stJoinRead
	// stForeignJoin: the join waker belongs to another executor, so the
	// task is in the pool's foreign registry (shutdown.go) until it
	// completes. Set once, by the handle, before it stores such a waker;
	// the completer that sees it removes the registry entry.
	stForeignJoin
	// stWaitChan: a goroutine blocked in JoinHandle.Wait, so the pool's
	// waitSet may hold a channel to close at completion (waitset.go).
	// Set once, by Wait, never cleared.
	stWaitChan
)

// taskState is the atomic state word of a task.
type taskState struct{ v atomic.Uint32 }

func (s *taskState) load() uint32 { return s.v.Load() }

// toScheduled records a wake and reports whether the caller must put the
// task in a queue (it was idle). A wake while running only sets scheduled:
// the worker re-queues the task after the poll, so it is queued once.
func (s *taskState) toScheduled() bool {
	for {
		cur := s.v.Load()
		if cur&(stComplete|stScheduled) != 0 {
			return false
		}
		if s.v.CompareAndSwap(cur, cur|stScheduled) {
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
		if s.v.CompareAndSwap(cur, (cur&^stScheduled)|stRunning) {
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
		if cur&stCancelRequested != 0 {
			return idleCancel // keep the poll lock for the cancellation
		}
		if s.v.CompareAndSwap(cur, cur&^stRunning) {
			if cur&stScheduled != 0 {
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
	add := stCancelRequested
	if closed {
		add |= stClosedCancel
	}
	for {
		cur := s.v.Load()
		if cur&(stComplete|stCancelRequested) != 0 {
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
