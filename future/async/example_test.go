package async_test

import (
	"errors"
	"fmt"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
)

func ExampleNew() {
	double := func(n int) *async.Task[int] {
		return async.New(func(a *async.Awaiter) int {
			a.Yield() // suspend once, as a pending read would
			return 2 * n
		})
	}
	sum := async.New(func(a *async.Awaiter) int {
		total := 0
		for i := 1; i <= 3; i++ {
			total += async.Await(a, double(i)) // straight-line: no state machine
		}
		return total
	})
	fmt.Println(future.BlockOn[int](sum))
	// Output: 12
}

func ExampleTry() {
	parse := func(s string) *async.Task[future.Result[int]] {
		return async.Try(func(a *async.Awaiter) (int, error) {
			if s == "" {
				return 0, errors.New("empty input")
			}
			return len(s), nil
		})
	}
	t := async.Try(func(a *async.Awaiter) (int, error) {
		n, err := async.TryAwait(a, parse("spindle"))
		if err != nil {
			return 0, err
		}
		_, err = async.TryAwait(a, parse(""))
		return n, err
	})
	n, err := future.BlockOn[future.Result[int]](t).Get()
	fmt.Println(n, err)
	// Output: 7 empty input
}

func ExampleTask_Cancel() {
	t := async.New(func(a *async.Awaiter) int {
		defer fmt.Println("deferred call ran")
		return async.Await(a, future.Never[int]())
	})
	fmt.Println(t.Poll(future.NewContext(nil)))
	t.Cancel() // unwinds the suspended body
	fmt.Println("cancelled")
	// Output:
	// Pending
	// deferred call ran
	// cancelled
}

func ExampleAwaiter_Yield() {
	t := async.New(func(a *async.Awaiter) string {
		a.Yield()
		return "resumed"
	})
	cx := future.NewContext(future.WakerFunc(func() { fmt.Println("woken") }))
	fmt.Println(t.Poll(cx))
	fmt.Println(t.Poll(cx))
	// Output:
	// woken
	// Pending
	// Ready(resumed)
}
