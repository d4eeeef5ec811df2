package joinset_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/joinset"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

func ExampleJoinSet() {
	p, err := pool.New(pool.WithWorkers(2))
	if err != nil {
		panic(err)
	}
	defer p.Shutdown(context.Background())

	s := joinset.New[int](p, joinset.AbortOnError())
	for i := 1; i <= 5; i++ {
		s.SpawnOk(future.Func[int](func(*future.Context) future.Poll[int] {
			return future.Ready(i * i)
		}))
	}
	r, err := pool.BlockOn(p, s.JoinAll())
	if err != nil {
		panic(err)
	}
	squares, err := r.Get()
	slices.Sort(squares) // JoinAll reports in completion order
	fmt.Println(squares, err)
	// Output: [1 4 9 16 25] <nil>
}

// NewOn runs a set on another executor; here pooltest's deterministic
// one, which runs the body under 500 schedules and would report the seed
// of any that failed.
func ExampleNewOn() {
	failure := pooltest.Explore(pooltest.Seeds(1, 500), func(sched *pooltest.Sched) {
		s := joinset.NewOn[int](sched, pooltest.SpawnJoin)
		for i := 1; i <= 5; i++ {
			s.SpawnOk(future.Lazy(func() int { return i * i }))
		}
		squares, err := pooltest.BlockOn(sched, s.JoinAll()).Get()
		slices.Sort(squares)
		if err != nil || !slices.Equal(squares, []int{1, 4, 9, 16, 25}) {
			sched.Errorf("JoinAll: %v, %v", squares, err)
		}
	})
	fmt.Println(failure == nil)
	// Output: true
}
