package stream_test

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/stream"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// TestBufferedUnderWakesFromManyGoroutines completes the futures of a
// Buffered and a BufferUnordered from 4 goroutines in random order while
// the stream runs under BlockOn, and counts that every value arrives once
// (and, for Buffered, in order).
func TestBufferedUnderWakesFromManyGoroutines(t *testing.T) {
	for _, ordered := range []bool{true, false} {
		total := stressN / 10
		gs, fs := futuretest.Gates[int](total)
		perm := rand.Perm(total)
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				for k := w; k < total; k += 4 {
					gs[perm[k]].Open(perm[k])
				}
			})
		}
		var s stream.Stream[int]
		if ordered {
			s = stream.Buffered(stream.FromSlice(fs), 16)
		} else {
			s = stream.BufferUnordered(stream.FromSlice(fs), 16)
		}
		got := future.BlockOn(stream.Collect(s))
		wg.Wait()
		require.Len(t, got, total)
		if ordered {
			assert.Equal(t, ints(total), got)
		} else {
			assert.ElementsMatch(t, ints(total), got)
		}
	}
}
