package future_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spindle-rt/spindle/future"
)

// afterGoroutine returns a future completed by another goroutine after d:
// the shape of every I/O future, with a goroutine standing in for the
// reactor.
func afterGoroutine[T any](d time.Duration, v T) future.Future[T] {
	done := make(chan struct{})
	started := false
	return future.Func[T](func(cx *future.Context) future.Poll[T] {
		if !started {
			started = true
			w := cx.Waker() // BlockOn's waker is the same on every poll
			go func() { time.Sleep(d); close(done); w.Wake() }()
		}
		select {
		case <-done:
			return future.Ready(v)
		default:
			return future.Pending[T]()
		}
	})
}

func ExampleBlockOn() {
	v := future.BlockOn(afterGoroutine(time.Millisecond, "woken from another goroutine"))
	fmt.Println(v)
	// Output: woken from another goroutine
}

func ExampleMap() {
	f := future.Map(future.Done(21), func(v int) string { return fmt.Sprint(v * 2) })
	fmt.Println(future.BlockOn(f))
	// Output: 42
}

func ExampleThen() {
	lookup := func(user string) future.Future[int] { return future.Done(len(user)) }
	f := future.Then(future.Done("gopher"), lookup)
	fmt.Println(future.BlockOn(f))
	// Output: 6
}

func ExampleJoin() {
	f := future.Join(
		afterGoroutine(3*time.Millisecond, "slow"),
		future.Done("ready"),
		afterGoroutine(time.Millisecond, "fast"),
	)
	fmt.Println(future.BlockOn(f)) // in argument order, whatever finished first
	// Output: [slow ready fast]
}

func ExampleJoin2() {
	f := future.Join2(future.Done("answer"), future.Lazy(func() int { return 42 }))
	name, v := future.BlockOn(f).Unpack()
	fmt.Println(name, v)
	// Output: answer 42
}

func ExampleRace() {
	f := future.Race(
		future.Never[string](), // a request that hangs
		afterGoroutine(time.Millisecond, "fast"),
	)
	r := future.BlockOn(f)
	fmt.Println(r.Index, r.Value)
	// Output: 1 fast
}

func ExampleSelect() {
	f := future.Select(future.Never[int](), future.Done("second"))
	e := future.BlockOn(f)
	fmt.Println(e.Index, e.Second)
	// Output: 1 second
}

func ExampleYieldNow() {
	polls := 0
	y := future.YieldNow()
	f := future.Func[int](func(cx *future.Context) future.Poll[int] {
		polls++
		if y.Poll(cx).IsPending() {
			return future.Pending[int]()
		}
		return future.Ready(polls)
	})
	fmt.Println("polls:", future.BlockOn[int](f))
	// Output: polls: 2
}

func ExampleFuse() {
	f := future.Fuse(future.Done(1))
	cx := future.NewContext(future.NoopWaker)
	fmt.Println(f.Poll(cx), f.IsTerminated())
	fmt.Println(f.Poll(cx), f.IsTerminated()) // Pending instead of a panic
	// Output:
	// Ready(1) true
	// Pending true
}

func ExampleTryJoin() {
	parse := func(s string) future.Future[future.Result[int]] {
		return future.Lazy(func() future.Result[int] {
			var v int
			_, err := fmt.Sscan(s, &v)
			return future.Result[int]{Value: v, Err: err}
		})
	}
	ok, err := future.BlockOn(future.TryJoin(parse("1"), parse("2"))).Get()
	fmt.Println(ok, err)
	_, err = future.BlockOn(future.TryJoin(parse("1"), parse("two"))).Get()
	fmt.Println(err != nil)
	// Output:
	// [1 2] <nil>
	// true
}

func ExampleFirstOk() {
	replica := func(name string, err error) future.Future[future.Result[string]] {
		return future.Done(future.Result[string]{Value: name, Err: err})
	}
	r, err := future.BlockOn(future.FirstOk(
		replica("a", errors.New("a is down")),
		replica("b", nil),
	)).Get()
	fmt.Println(r.Index, r.Value, err)
	// Output: 1 b <nil>
}

func ExampleAndThen() {
	fetch := func(id int) future.Future[future.Result[string]] {
		if id < 0 {
			return future.Done(future.Err[string](errors.New("no such id")))
		}
		return future.Done(future.Ok(strings.Repeat("x", id)))
	}
	f := future.AndThen(future.Done(future.Ok(3)), fetch)
	fmt.Println(future.BlockOn(f).Get())
	g := future.AndThen(future.Done(future.Ok(-1)), fetch)
	fmt.Println(future.BlockOn(g).Get())
	// Output:
	// xxx <nil>
	//  no such id
}

func ExampleLazy() {
	f := future.Lazy(func() string {
		fmt.Println("computing")
		return "value"
	})
	fmt.Println("built")
	fmt.Println(future.BlockOn(f))
	// Output:
	// built
	// computing
	// value
}

func ExampleTryRace() {
	deadline := future.Done(future.Err[string](errors.New("deadline exceeded")))
	request := future.Never[future.Result[string]]() // a request that hangs
	_, err := future.BlockOn(future.TryRace(request, deadline)).Get()
	fmt.Println(err)
	// Output: deadline exceeded
}

func ExampleMapErr() {
	load := future.Done(future.Err[int](errors.New("file not found")))
	_, err := future.BlockOn(future.MapErr(load, func(err error) error {
		return fmt.Errorf("loading config: %w", err)
	})).Get()
	fmt.Println(err)
	// Output: loading config: file not found
}
