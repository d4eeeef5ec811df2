package joinset_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/joinset"
)

// TestJoinSetRandomized spawns tasks that finish after random yields, some
// failing, with and without AbortOnError: Next reports every task exactly
// once, no failing task is reported as a success, and only AbortOnError
// produces pool.ErrAborted results.
func TestJoinSetRandomized(t *testing.T) {
	p := newPool(t)
	boom := errors.New("boom")
	rng := rand.New(rand.NewPCG(4, 2))
	for round := range 20 {
		abort := round%2 == 1
		var opts []joinset.Option
		if abort {
			opts = append(opts, joinset.AbortOnError())
		}
		s := joinset.New[int](p, opts...)
		n := 50 + rng.IntN(100)
		failing := map[int]bool{}
		for i := range n {
			if rng.IntN(10) == 0 {
				failing[i] = true
				s.Spawn(yields(rng.IntN(20), future.Err[int](boom)))
			} else {
				s.Spawn(yields(rng.IntN(20), future.Ok(i)))
			}
		}
		seen := map[int]bool{}
		reported := 0
		for {
			r, err := pool.BlockOn(p, s.Next())
			require.NoError(t, err)
			if errors.Is(r.Err, joinset.ErrEmpty) {
				break
			}
			reported++
			if r.Err == nil {
				assert.False(t, failing[r.Value], "a failing task reported success")
				assert.False(t, seen[r.Value], "task %d reported twice", r.Value)
				seen[r.Value] = true
			} else if !errors.Is(r.Err, boom) {
				assert.True(t, abort, "only AbortOnError aborts")
				assert.ErrorIs(t, r.Err, pool.ErrAborted)
			}
		}
		assert.Equal(t, n, reported, "every task reported exactly once")
		assert.Equal(t, 0, s.Len())
	}
}
