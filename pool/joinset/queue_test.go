package joinset

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// checkQueue applies ops to a readyQueue and to a plain slice model: a
// byte below 160 pushes a fresh entry, any other pops if not empty.
// Every pop returns the model's oldest entry, the lengths agree after
// every op, and at the end what is left is the model, with no pointer kept
// in a dead slot.
func checkQueue(t *testing.T, ops []byte) {
	var q readyQueue[int]
	var model []*entry[int]
	for i, op := range ops {
		if op < 160 {
			e := &entry[int]{idx: int32(i)}
			q.push(e)
			model = append(model, e)
		} else if len(model) > 0 {
			if got := q.pop(); got != model[0] {
				t.Fatalf("op %d: popped entry %d, want %d", i, got.idx, model[0].idx)
			}
			model = model[1:]
		}
		if q.len() != len(model) {
			t.Fatalf("op %d: len %d, want %d", i, q.len(), len(model))
		}
	}
	// The order of what is left, and no stale pointer in a dead slot.
	require.Equal(t, model, q.buf[q.head:])
	for j := range q.head {
		require.Nil(t, q.buf[j], "dead slot %d keeps an entry", j)
	}
}

func TestReadyQueueIsFIFORandomized(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	for range 300 {
		ops := make([]byte, rng.IntN(400))
		bias := byte(100 + rng.IntN(120)) // from mostly pops to mostly pushes
		for i := range ops {
			if byte(rng.IntN(256)) < bias {
				ops[i] = 0
			} else {
				ops[i] = 255
			}
		}
		checkQueue(t, ops)
	}
}

func FuzzReadyQueue(f *testing.F) {
	f.Add([]byte{0, 0, 255, 0, 0, 255, 255, 0})
	f.Fuzz(func(t *testing.T, ops []byte) { checkQueue(t, ops) })
}
