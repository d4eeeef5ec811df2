package stream_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/stream"
	"github.com/spindle-rt/spindle/poll"
)

func Example() {
	s := stream.FromSlice([]int{1, 2, 3, 4, 5, 6})
	s = stream.Filter(s, func(v int) bool { return v%2 == 0 })
	squares := stream.Map(s, func(v int) int { return v * v })
	fmt.Println(future.BlockOn(stream.Collect(squares)))
	// Output: [4 16 36]
}

func ExampleFromSeq() {
	words := strings.FieldsSeq("the quick brown fox")
	lengths := stream.Map(stream.FromSeq(words), func(w string) int { return len(w) })
	fmt.Println(future.BlockOn(stream.Collect(lengths)))
	// Output: [3 5 5 3]
}

func ExampleTake() {
	keys := stream.FromSeq(maps.Keys(map[string]int{"a": 1, "b": 2, "c": 3}))
	first := stream.Take(keys, 2) // closes the FromSeq goroutine after 2
	fmt.Println(len(future.BlockOn(stream.Collect(first))))
	// Output: 2
}

func ExampleBuffered() {
	// Each value becomes a future (here one that yields once before it is
	// ready, like real I/O); Buffered runs 3 at a time and keeps the order.
	fetch := func(id int) future.Future[string] {
		return future.Map(future.YieldNow(), func(struct{}) string { return fmt.Sprint("item-", id) })
	}
	items := stream.Buffered(stream.Map(stream.FromSlice([]int{1, 2, 3, 4}), fetch), 3)
	fmt.Println(future.BlockOn(stream.Collect(items)))
	// Output: [item-1 item-2 item-3 item-4]
}

func ExampleMerge() {
	a := stream.FromSlice([]string{"a1", "a2"})
	b := stream.FromSlice([]string{"b1", "b2", "b3"})
	fmt.Println(future.BlockOn(stream.Collect(stream.Merge(a, b))))
	// Output: [a1 b1 a2 b2 b3]
}

func ExampleAll() {
	// Goroutine code consumes a stream with range.
	s := stream.Map(stream.FromSlice([]int{1, 2, 3}), func(v int) string { return strings.Repeat("*", v) })
	for v := range stream.All(s) {
		fmt.Println(v)
	}
	fmt.Println(slices.Collect(stream.All(stream.FromSlice([]int{7, 8}))))
	// Output:
	// *
	// **
	// ***
	// [7 8]
}

func ExampleNext() {
	s := stream.FromSlice([]string{"x"})
	fmt.Println(future.BlockOn(stream.Next(s)))
	fmt.Println(future.BlockOn(stream.Next(s)))
	// Output:
	// {x true}
	// { false}
}

func ExampleEndless() {
	// poll.Interval has a PollNext that never ends; Endless makes it a
	// stream, Take bounds it (and stops the ticker).
	ticks := stream.Take(stream.Endless(poll.Interval(time.Millisecond)), 3)
	n := stream.Map(ticks, func(time.Time) int { return 1 })
	got, err := poll.BlockOn(stream.Collect(n))
	fmt.Println(got, err)
	// Output: [1 1 1] <nil>
}

func ExampleFromSeq_goChannel() {
	// A Go channel as a stream: range over it in a Seq. The Seq runs on
	// FromSeq's goroutine, so the task never blocks on the channel.
	ch := make(chan int)
	go func() {
		for i := range 3 {
			ch <- i * 10
		}
		close(ch)
	}()
	s := stream.FromSeq(func(yield func(int) bool) {
		for v := range ch {
			if !yield(v) {
				return
			}
		}
	})
	fmt.Println(future.BlockOn(stream.Collect(s)))
	// Output: [0 10 20]
}
