package conformance

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMapRange checks Go's rules for a range over a map, which the
// compiled loop keeps across suspensions: every entry is produced once,
// in a random order; an entry deleted before it is reached is not
// produced; the value is read when the entry is reached. (The order is
// random, so the coroutine version cannot be compared line by line.)
func TestMapRange(t *testing.T) {
	orders := map[string]bool{}
	for range 200 {
		e := &Env{}
		m := map[string]int{"a": 1, "b": 2, "c": 3, "d": 4}
		o := drive(render(maps(e, m)), e, 100)
		require.True(t, o.Ready)
		first := made(e.Log)
		// The first loop ends where the second's "again" begins.
		n := slices.Index(first, "again")
		if n < 0 {
			n = len(first)
		}
		visited := first[:n]
		orders[strings.Join(visited, "")] = true
		seen := map[string]bool{}
		reachedB := false
		want := 0
		for _, k := range visited {
			require.False(t, seen[k], "%s produced twice in %v", k, visited)
			seen[k] = true
			assert.NotEqual(t, "z", k, "an entry added during the loop is not produced")
			if reachedB {
				assert.NotContains(t, []string{"a", "c"}, k, "deleted before it was reached: %v", visited)
			}
			if k == "b" {
				reachedB = true
			}
			want += map[string]int{"a": 1, "b": 2, "c": 3, "d": 4}[k] * (100 + slices.Index(first, k) + 1)
		}
		assert.True(t, seen["b"] && seen["d"], "b and d are never deleted: %v", visited)
		// The second loop sees the map as the first left it: b, d, z.
		assert.Equal(t, 3, len(first)-n, "second loop: %v", first[n:])
		assert.Equal(t, o.Value, "int "+strconv.Itoa(want+3))
	}
	assert.Greater(t, len(orders), 1, "Go's map order is random; the loop keeps it")
}
