package pool

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The injection queue against a model FIFO: random runs of pushes and
// batch pops across chunk boundaries keep the order and the count, a
// drained queue keeps the chunk it ends in and injectSpares spares, and
// popped slots hold no task.
func TestInjectModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	tasks := mkTasks(5000)
	var q inject
	var model []uint32
	next := 0
	dst := make([]*header, 300)
	for range 2000 {
		if rng.IntN(2) == 0 {
			for range rng.IntN(400) {
				if next == len(tasks) {
					break
				}
				q.push(tasks[next])
				model = append(model, id(tasks[next]))
				next++
			}
		} else {
			k := q.popBatch(dst[:rng.IntN(len(dst)+1)])
			require.LessOrEqual(t, k, len(model))
			for i := range k {
				require.Equal(t, model[i], id(dst[i]))
			}
			model = model[k:]
		}
		require.Equal(t, len(model), q.len())
		if next == len(tasks) && len(model) == 0 {
			break
		}
	}
	for len(model) > 0 {
		k := q.popBatch(dst)
		require.Positive(t, k)
		for i := range k {
			require.Equal(t, model[i], id(dst[i]))
		}
		model = model[k:]
	}
	require.Zero(t, q.len())
	require.Zero(t, q.popBatch(dst))
	chunks := 0
	for c := q.head; c != nil; c = c.next {
		chunks++
		for _, h := range c.tasks {
			require.Nil(t, h, "a popped slot still holds its task")
		}
	}
	require.LessOrEqual(t, chunks, 1, "a drained queue keeps the chunk it ends in")
	spares := 0
	for c := q.spare; c != nil; c = c.next {
		spares++
		for _, h := range c.tasks {
			require.Nil(t, h, "a spare chunk still holds a task")
		}
	}
	require.Equal(t, q.nspare, spares)
	require.LessOrEqual(t, spares, injectSpares, "the rest of the chunks are let go")
	q.push(tasks[0])
	require.Equal(t, 1, q.popBatch(dst))
	require.Same(t, tasks[0], dst[0])
}
