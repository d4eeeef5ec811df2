package pool

import (
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// runRegistryModel applies ops to a registry and to a model set: an op
// byte adds a record (even) or removes record op/2 mod the records made
// so far (odd), which may be removed already. After each op the snapshot
// must list exactly the model's ids, sorted, and every shard's list must
// be consistent both ways.
func runRegistryModel(t *testing.T, ops []byte) {
	g := newRegistry(Introspection{})
	var recs []*taskRecord
	live := map[uint64]bool{}
	for _, op := range ops {
		if op%2 == 0 || len(recs) == 0 {
			r := &taskRecord{reg: g}
			g.add(r)
			recs = append(recs, r)
			live[r.id] = true
		} else {
			r := recs[int(op/2)%len(recs)]
			g.remove(r)
			delete(live, r.id)
		}
		want := make([]uint64, 0, len(live))
		for id := range live {
			want = append(want, id)
		}
		sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
		got := make([]uint64, 0, len(want))
		for _, ti := range g.snapshot() {
			got = append(got, ti.ID)
		}
		require.Equal(t, want, got)
		for i := range g.shards {
			var prev *taskRecord
			for r := g.shards[i].head; r != nil; r = r.next {
				require.Same(t, prev, r.prev, "shard %d: back link", i)
				require.True(t, r.linked)
				require.Equal(t, uint64(i), r.id%regShards, "record in its shard")
				prev = r
			}
		}
	}
}

func TestRegistryModelRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 60; iter++ {
		ops := make([]byte, rng.IntN(200))
		for i := range ops {
			ops[i] = byte(rng.UintN(256))
		}
		runRegistryModel(t, ops)
	}
}

func FuzzRegistry(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 1})                   // add, remove it
	f.Add([]byte{0, 1, 1})                // remove twice
	f.Add([]byte{0, 0, 0, 3, 1, 5, 0, 7}) // remove in the middle, head, tail
	f.Add(make([]byte, 40))               // more records than shards
	f.Fuzz(func(t *testing.T, ops []byte) { runRegistryModel(t, ops) })
}
