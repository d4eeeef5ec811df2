package bridge_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/bridge"
)

func ExampleWait() {
	// Goroutine code waits for a future, here one that runs a function on
	// its own goroutine.
	sum := bridge.Go(func() int { return 40 + 2 })
	v, err := bridge.Wait(context.Background(), sum)
	fmt.Println(v, err)
	// Output: 42 <nil>
}

func ExampleWithContext() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	r := future.BlockOn(bridge.WithContext(ctx, future.Never[int]()))
	fmt.Println(errors.Is(r.Err, context.DeadlineExceeded))
	// Output: true
}

func ExampleRecv() {
	ch := make(chan string)
	go func() { ch <- "from a goroutine"; close(ch) }()
	for {
		v, err := future.BlockOn[future.Result[string]](bridge.Recv(ch)).Get()
		if errors.Is(err, bridge.ErrChanClosed) {
			fmt.Println("closed")
			return
		}
		fmt.Println(v)
	}
	// Output:
	// from a goroutine
	// closed
}

func ExampleFromContext() {
	ctx, cancel := context.WithCancel(context.Background())
	done := bridge.FromContext(ctx)
	go cancel()
	fmt.Println(future.BlockOn[error](done))
	// Output: context canceled
}
