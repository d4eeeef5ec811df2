package pool_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
)

func ExampleSpawn() {
	p, err := pool.New(pool.WithWorkers(2), pool.WithName("example"))
	if err != nil {
		panic(err)
	}
	defer p.Shutdown(context.Background())

	h := pool.Spawn(p, future.Func[string](func(*future.Context) future.Poll[string] {
		return future.Ready("hello from a task")
	}))
	v, err := h.Wait(context.Background())
	fmt.Println(v, err)
	// Output: hello from a task <nil>
}

// A task spawns children on its own worker with SpawnFrom and awaits their
// JoinHandles, which are futures.
func ExampleSpawnFrom() {
	p, _ := pool.New(pool.WithWorkers(2))
	defer p.Shutdown(context.Background())

	var children []*pool.JoinHandle[int]
	sum, next := 0, 0
	parent := future.Func[int](func(cx *future.Context) future.Poll[int] {
		if children == nil {
			for i := 1; i <= 10; i++ {
				sq := i * i
				children = append(children, pool.SpawnFrom(cx, future.Func[int](
					func(*future.Context) future.Poll[int] { return future.Ready(sq) })))
			}
		}
		for ; next < len(children); next++ {
			r, ok := children[next].Poll(cx).Value()
			if !ok {
				return future.Pending[int]() // the child's completion wakes us
			}
			sum += r.Value
		}
		return future.Ready(sum)
	})
	v, err := pool.BlockOn(p, future.Future[int](parent))
	fmt.Println(v, err)
	// Output: 385 <nil>
}

func ExampleJoinHandle_Abort() {
	p, _ := pool.New(pool.WithWorkers(1))
	defer p.Shutdown(context.Background())

	forever := future.Func[int](func(*future.Context) future.Poll[int] { return future.Pending[int]() })
	h := pool.Spawn(p, forever)
	h.Abort()
	_, err := h.Wait(context.Background())
	fmt.Println(errors.Is(err, pool.ErrAborted))
	// Output: true
}

func ExamplePanicError() {
	p, _ := pool.New(pool.WithWorkers(1))
	defer p.Shutdown(context.Background())

	h := pool.Spawn(p, future.Func[int](func(*future.Context) future.Poll[int] { panic("oops") }))
	_, err := h.Wait(context.Background())
	var pe *pool.PanicError
	fmt.Println(errors.As(err, &pe), pe.Value)
	// Output: true oops
}

func ExampleSpawnBlocking() {
	p, _ := pool.New(pool.WithWorkers(1))
	defer p.Shutdown(context.Background())

	h := pool.SpawnBlocking(p, func() int { return 6 * 7 }) // e.g. a blocking read
	v, err := h.Wait(context.Background())
	fmt.Println(v, err)
	// Output: 42 <nil>
}

func ExamplePool_Shutdown() {
	p, _ := pool.New(pool.WithWorkers(2))
	h := pool.Spawn(p, future.Func[int](func(*future.Context) future.Poll[int] { return future.Pending[int]() }))

	// A context that has already ended cancels what is left at once.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := p.Shutdown(ctx)
	fmt.Println(errors.Is(err, context.Canceled))
	_, err = h.Wait(context.Background())
	fmt.Println(err)
	_, err = pool.Spawn(p, future.Func[int](func(*future.Context) future.Poll[int] { return future.Ready(1) })).Wait(context.Background())
	fmt.Println(err)
	// Output:
	// true
	// pool: closed
	// pool: closed
}
