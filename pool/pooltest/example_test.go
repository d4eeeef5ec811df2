package pooltest_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// In a test, the body is given to pooltest.RunSeeds(t, n, body) and
// failures are reported on t with their seed; Explore returns the failure
// instead, which lets an example show it.
func ExampleExplore() {
	body := func(s *pooltest.Sched) {
		tx, rx := channel.Bounded[int](1)
		pooltest.Spawn(s, future.Lazy(func() int {
			for i := range 3 {
				if err := tx.TrySend(i); err != nil {
					s.Logf("send %d: %v", i, err)
				}
			}
			tx.Close()
			return 0
		}))
		var got []int
		for {
			v, err := pooltest.BlockOn(s, future.Future[future.Result[int]](rx.Recv())).Get()
			if err != nil {
				break
			}
			got = append(got, v)
		}
		if len(got) != 3 {
			s.Errorf("received %v: TrySend on a full channel drops values", got)
		}
	}
	f := pooltest.Explore(pooltest.Seeds(1, 100), body)
	fmt.Println(f.Messages[0])
	fmt.Println(strings.Contains(f.Error(), fmt.Sprintf("seed=%d", f.Seed)))
	// Output:
	// received [0]: TrySend on a full channel drops values
	// true
}

func ExampleSpawn() {
	f := pooltest.Explore(pooltest.Seeds(1, 1000), func(s *pooltest.Sched) {
		// A Handle is a future: tasks await each other.
		a := pooltest.Spawn(s, future.Done(20))
		b := pooltest.Spawn(s, future.Map[int](a, func(v int) int { return v + 1 }))
		c := pooltest.Spawn(s, future.Done(21))
		sum := pooltest.BlockOn(s, future.Join[int](b, c))
		if sum[0]+sum[1] != 42 {
			s.Errorf("got %v", sum)
		}
	})
	fmt.Println("failure:", f)
	// Output: failure: <nil>
}

func ExampleClock() {
	pooltest.Explore([]uint64{1}, func(s *pooltest.Sched) {
		start := time.Now()
		r := pooltest.BlockOn(s, future.Select[struct{}, struct{}](
			pooltest.Sleep(2*time.Hour), // the work
			pooltest.Sleep(time.Hour),   // the timeout
		))
		fmt.Println("timed out:", r.Index == 1)
		fmt.Println("virtual time:", s.Clock().Elapsed())
		fmt.Println("real time under a second:", time.Since(start) < time.Second)
	})
	// Output:
	// timed out: true
	// virtual time: 1h0m0s
	// real time under a second: true
}
