package joinset_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/joinset"
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
