package joinset

import "github.com/spindle-rt/spindle/future"

// What the set's futures release when cancelled (a pool task's future is
// cancelled when the task is aborted):
//
//   - the future SpawnOk wraps around a task's future passes Cancel on,
//     so an aborted task gives back what its future holds;
//   - JoinAll aborts the set's tasks: it promises that no task outlives
//     it, and a JoinAll that lost a race or whose task was aborted keeps
//     that promise the only way it still can. Their results stay in the
//     set for Next, as after AbortAll;
//   - Next holds nothing (the set keeps its waker and every result), so a
//     cancelled Next loses no result.

// Cancel cancels the wrapped future.
func (o okFuture[T]) Cancel() { future.Cancel(o.f) }

// Cancel aborts every task of the set unless JoinAll has completed.
func (j *joinAll[T]) Cancel() {
	if !j.done {
		j.done = true
		j.s.AbortAll()
	}
}
