package pool

import "github.com/spindle-rt/spindle/future"

// A task is the owner of its future in the sense of future.Adopter: it
// cancels the future whenever it drops it before Ready (Abort and Shutdown
// in finish, and after a panic in its poll), and it holds the future until
// then, so the future's queue node always leads back to it through the
// task's waker. Spawn therefore adopts the future, which lets a wait future
// leave out its garbage-collector backstop: a separate node and a runtime
// cleanup record per wait.

// cancelAdopted cancels the task's future after a panic in its poll if
// Spawn adopted it, and returns err (joined with a panic of Cancel). It
// runs in poll's recover, so that only a panic pays for the test.
func (t *task[T]) cancelAdopted(err error) error {
	if t.adopted() {
		return cancelFuture(t.fut, err)
	}
	return err
}

// adopted reports whether the task's future (inside the introspection
// wrapper, if any) was adopted at spawn, so that a panic in its poll must
// be followed by its Cancel.
func (t *task[T]) adopted() bool {
	f := any(t.fut)
	if w, ok := f.(*tracked[T]); ok {
		f = w.inner
	}
	_, ok := f.(future.Adopter)
	return ok
}
