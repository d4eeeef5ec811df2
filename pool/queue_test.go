package pool

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// The local queue is checked against a model: a FIFO of task ids that
// push appends to, pop takes from the front, overflow moves the oldest
// half (plus the new task) to the injection queue, and steal moves the
// oldest ceil(n/2) into the thief.

// testIDs numbers the headers made by mkTasks. It is written before any
// concurrent use and only read during it.
var testIDs = map[*header]uint32{}

func mkTasks(n int) []*header {
	clear(testIDs)
	hs := make([]*header, n)
	for i := range hs {
		hs[i] = &header{}
		testIDs[hs[i]] = uint32(i)
	}
	return hs
}

func id(h *header) uint32 { return testIDs[h] }

func drainInject(q *inject) []uint32 {
	var ids []uint32
	batch := make([]*header, 7)
	for {
		n := q.popBatch(batch)
		if n == 0 {
			return ids
		}
		for _, h := range batch[:n] {
			ids = append(ids, id(h))
		}
	}
}

// runModel applies ops (one byte each) to a queue and a thief queue and to
// their models, checking every result.
func runModel(t *testing.T, size int, ops []byte) { runModelFrom(t, size, ops, 0) }

// runModelFrom starts the queue's indices at start, to cross the 2^32 wrap.
func runModelFrom(t *testing.T, size int, ops []byte, start uint32) {
	q, qs := newQueue(size)
	thief, _ := newQueue(size)
	q.head.Store(pack(start, start))
	q.tail.Store(start)
	var inj inject
	var model, thiefModel, injModel []uint32
	tasks := mkTasks(len(ops) + 1)
	next := 0
	for _, op := range ops {
		switch op % 4 {
		case 0, 1: // push
			h := tasks[next]
			next++
			if len(model) == size {
				half := size / 2
				injModel = append(injModel, model[:half]...)
				injModel = append(injModel, id(h))
				model = append([]uint32(nil), model[half:]...)
				require.True(t, q.push(h, &inj), "push to a full queue must overflow")
			} else {
				model = append(model, id(h))
				require.False(t, q.push(h, &inj))
			}
		case 2: // pop
			h := q.pop()
			if len(model) == 0 {
				require.Nil(t, h)
			} else {
				require.NotNil(t, h)
				require.Equal(t, model[0], id(h))
				model = model[1:]
			}
		case 3: // steal half into thief, then drain thief
			first, n := qs.stealInto(thief)
			want := len(model) - len(model)/2
			require.Equal(t, want, n)
			if want == 0 {
				require.Nil(t, first)
				continue
			}
			// The last stolen is returned; the others are in thief.
			require.Equal(t, model[want-1], id(first))
			thiefModel = append(thiefModel, model[:want-1]...)
			model = append([]uint32(nil), model[want:]...)
			for h := thief.pop(); h != nil; h = thief.pop() {
				require.Equal(t, thiefModel[0], id(h))
				thiefModel = thiefModel[1:]
			}
			require.Empty(t, thiefModel)
		}
		require.Equal(t, len(model), q.len())
		require.Equal(t, size-len(model), q.free())
	}
	require.Equal(t, len(injModel), inj.len())
	require.Equal(t, injModel, drainInject(&inj))
}

func TestLocalQueueModelRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for iter := 0; iter < 300; iter++ {
		size := 4 << rng.IntN(4)
		ops := make([]byte, 1+rng.IntN(400))
		for i := range ops {
			// Bias towards pushes so that queues fill and overflow.
			ops[i] = byte(rng.IntN(7))
			if ops[i] >= 4 {
				ops[i] = 0
			}
		}
		runModel(t, size, ops)
	}
}

// TestLocalQueueCycles cycles a small queue many times, across the wrap
// of its 32-bit indices.
func TestLocalQueueCycles(t *testing.T) {
	ops := make([]byte, 0, 100000)
	for i := 0; i < 20000; i++ {
		ops = append(ops, 0, 0, 0, 2, 3)
	}
	runModel(t, 8, ops)
	runModelFrom(t, 8, ops, ^uint32(0)-1000)
	runModelFrom(t, 16, []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 2, 0, 0, 3}, ^uint32(0)-5)
}

// stealConcurrently runs an owner doing ops on q while stealers steal from
// it, and checks that every task pushed comes out exactly once: popped by
// the owner, stolen, or overflowed.
func stealConcurrently(t *testing.T, size int, ops []byte, stealers int) {
	q, qs := newQueue(size)
	var inj inject
	tasks := mkTasks(len(ops) + 1)
	seen := make([]atomic.Int32, len(tasks))
	var stop atomic.Bool
	var wg sync.WaitGroup
	takeID := func(i uint32) {
		if seen[i].Add(1) != 1 {
			t.Errorf("task %d taken twice", i)
		}
	}
	take := func(h *header) { takeID(id(h)) }
	for s := 0; s < stealers; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine, _ := newQueue(size)
			for !stop.Load() {
				if h, _ := qs.stealInto(mine); h != nil {
					take(h)
					for x := mine.pop(); x != nil; x = mine.pop() {
						take(x)
					}
				}
			}
		}()
	}
	pushed := 0
	for _, op := range ops {
		if op%3 != 2 {
			q.push(tasks[pushed], &inj)
			pushed++
		} else if h := q.pop(); h != nil {
			take(h)
		}
	}
	for h := q.pop(); h != nil; h = q.pop() {
		take(h)
	}
	stop.Store(true)
	wg.Wait()
	for _, i := range drainInject(&inj) {
		takeID(i)
	}
	for i := 0; i < pushed; i++ {
		require.Equal(t, int32(1), seen[i].Load(), "task %d", i)
	}
}

func TestLocalQueueConcurrentStealers(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for iter := 0; iter < 50; iter++ {
		ops := make([]byte, 20000)
		for i := range ops {
			ops[i] = byte(rng.IntN(3))
		}
		stealConcurrently(t, 16<<rng.IntN(3), ops, 1+rng.IntN(3))
	}
}

// FuzzLocalQueue checks the queue against the model for any sequence of
// operations, then replays the sequence with concurrent stealers.
func FuzzLocalQueue(f *testing.F) {
	f.Add(uint8(0), []byte{0, 0, 2, 3, 0, 1, 2})
	f.Add(uint8(1), []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 2, 2})
	f.Fuzz(func(t *testing.T, sizeSel uint8, ops []byte) {
		if len(ops) > 4096 {
			ops = ops[:4096]
		}
		size := 4 << (sizeSel % 4)
		runModel(t, size, ops)
		stealConcurrently(t, size, ops, 1+int(sizeSel/4)%3)
	})
}
