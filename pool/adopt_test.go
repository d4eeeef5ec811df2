package pool_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
)

// adoptee is a future that panics in its first poll, where a wait future
// would already hold a queue place, and counts its Cancel calls; wrapped in
// adopting, it is a future.Adopter and counts its Adopt calls too.
type adoptee struct{ adopted, canceled int }

func (a *adoptee) Poll(*future.Context) future.Poll[int] {
	panic("poll failed while queued")
}

func (a *adoptee) Cancel() { a.canceled++ }

type adopting struct{ *adoptee }

func (a adopting) Adopt() { a.adopted++ }

// The pool adopts a task's future, and keeps the promise adoption makes:
// a future dropped after a panic in its poll is cancelled, since nothing
// else would take it off the queue it waits in. A future that is not an
// Adopter keeps the old rule: a panicked future is not touched again.
func TestSpawnAdoptsAndCancelsAfterPanic(t *testing.T) {
	for _, introspect := range []bool{false, true} {
		var opts []pool.Option
		if introspect {
			opts = append(opts, pool.WithIntrospection(pool.Introspection{}))
		}
		p := newPool(t, append(opts, pool.WithWorkers(1))...)

		a := &adoptee{}
		_, err := wait(t, pool.Spawn[int](p, adopting{a}))
		var pe *pool.PanicError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, 1, a.adopted, "Spawn adopts the future")
		assert.Equal(t, 1, a.canceled, "the pool cancels an adopted future its poll panicked in")

		b := &adoptee{}
		_, err = wait(t, pool.Spawn[int](p, b))
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, 0, b.canceled, "a future that was not adopted is not cancelled after a panic")
	}
}
