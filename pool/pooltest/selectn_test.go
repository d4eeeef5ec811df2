package pooltest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// future.SelectN draws its random order from the Sched, so a seed replays
// the choices of a run like the rest of its schedule.
func TestSelectNReplaysFromTheSeed(t *testing.T) {
	choices := func(seed uint64) []int {
		var got []int
		pooltest.Run(t, seed, func(s *pooltest.Sched) {
			for range 30 {
				cases := make([]future.Case[int], 4)
				for i := range cases {
					cases[i] = future.On(future.Done(i), func(i int) int { return i })
				}
				got = append(got, pooltest.BlockOn(s, future.SelectN(cases...)))
			}
		})
		return got
	}
	first := choices(42)
	assert.Len(t, first, 30)
	assert.Equal(t, first, choices(42), "the same seed made other choices")
	assert.NotEqual(t, first, choices(43))
}
