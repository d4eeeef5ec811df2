package pooltest_test

import (
	"fmt"
	"slices"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool/joinset"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// A task spawned with SpawnJoin can be aborted, as on a pool: here one
// that would never finish, aborted by another task at a step the seed
// picks.
func ExampleSpawnJoin() {
	var errs []error
	f := pooltest.Explore(pooltest.Seeds(1, 3), func(s *pooltest.Sched) {
		h := pooltest.SpawnJoin(s, future.Never[int]())
		pooltest.Spawn(s, future.Lazy(func() struct{} { h.Abort(); return struct{}{} }))
		_, err := pooltest.BlockOn(s, future.Future[future.Result[int]](h)).Get()
		errs = append(errs, err)
	})
	fmt.Println(f == nil, errs)
	// Output: true [pool: task aborted pool: task aborted pool: task aborted]
}

// SpawnJoin is the spawn function joinset.NewOn needs: the set's
// schedules are then explored seed by seed.
func ExampleSpawnJoin_joinSet() {
	f := pooltest.Explore(pooltest.Seeds(1, 1000), func(s *pooltest.Sched) {
		set := joinset.NewOn[int](s, pooltest.SpawnJoin)
		for i := range 4 {
			set.SpawnOk(yields(i, i, nil))
		}
		var got []int
		for set.Len() > 0 {
			v, err := pooltest.BlockOn(s, future.Future[future.Result[int]](set.Next())).Get()
			if err != nil {
				s.Fatalf("Next: %v", err)
			}
			got = append(got, v)
		}
		slices.Sort(got)
		if !slices.Equal(got, []int{0, 1, 2, 3}) {
			s.Errorf("collected %v", got)
		}
	})
	fmt.Println(f == nil)
	// Output: true
}
