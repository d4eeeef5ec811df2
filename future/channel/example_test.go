package channel_test

import (
	"errors"
	"fmt"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/channel"
)

func ExampleBounded() {
	tx, rx := channel.Bounded[string](2)
	go func() {
		defer tx.Close() // the receiver sees ErrClosed after the last value
		for _, w := range []string{"one", "two", "three"} {
			// A full channel makes the send wait: here on a goroutine.
			if err := future.BlockOn[future.Result[struct{}]](tx.Send(w)).Err; err != nil {
				panic(err)
			}
		}
	}()
	for {
		v, err := future.BlockOn[future.Result[string]](rx.Recv()).Get()
		if errors.Is(err, channel.ErrClosed) {
			break
		}
		fmt.Println(v)
	}
	// Output:
	// one
	// two
	// three
}

func ExampleNewOneshot() {
	tx, rx := channel.NewOneshot[int]()
	go func() { _ = tx.Send(42) }()
	v, err := future.BlockOn[future.Result[int]](rx).Get()
	fmt.Println(v, err)

	tx2, rx2 := channel.NewOneshot[int]()
	tx2.Close() // dropped without a value
	_, err = future.BlockOn[future.Result[int]](rx2).Get()
	fmt.Println(err)
	// Output:
	// 42 <nil>
	// channel: closed
}

func ExampleNewBroadcast() {
	tx, rx := channel.NewBroadcast[int](2)
	for i := range 5 {
		_ = tx.Send(i)
	}
	tx.Close()
	for {
		v, err := rx.TryRecv()
		var lag *channel.LaggedError
		switch {
		case errors.As(err, &lag):
			fmt.Println("missed", lag.Missed)
			continue
		case err != nil:
			fmt.Println(err)
			return
		}
		fmt.Println(v)
	}
	// Output:
	// missed 3
	// 3
	// 4
	// channel: closed
}

func ExampleNewWatch() {
	tx, rx := channel.NewWatch("starting")
	tx.Send("ready")
	future.BlockOn[future.Result[struct{}]](rx.Changed())
	fmt.Println(rx.Borrow())
	tx.Close()
	fmt.Println(future.BlockOn[future.Result[struct{}]](rx.Changed()).Err)
	rx.Close()
	// Output:
	// ready
	// channel: closed
}
