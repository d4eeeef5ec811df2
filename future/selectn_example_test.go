package future_test

import (
	"fmt"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/channel"
)

// Waiting on receives of two types at once, as Go's select statement does
// with channels: each case turns its value into what the loop handles.
func ExampleSelectN() {
	nums, numRx := channel.Unbounded[int]()
	names, nameRx := channel.Unbounded[string]()
	next := func() string {
		return future.BlockOn(future.SelectN(
			future.On(numRx.Recv(), func(r future.Result[int]) string { return fmt.Sprint("number ", r.Value) }),
			future.On(nameRx.Recv(), func(r future.Result[string]) string { return "name " + r.Value }),
		))
	}
	_ = nums.Send(7)
	fmt.Println(next())
	_ = names.Send("ada")
	fmt.Println(next())
	// Output:
	// number 7
	// name ada
}

// A worker that stops as soon as it is told to, even with jobs waiting:
// the quit case is listed first, and SelectBiased lets the first listed
// of the ready cases win. A receive that loses is dropped, its value left
// in the channel.
func ExampleSelectBiased() {
	jobs, jobRx := channel.Unbounded[int]()
	quit, quitRx := channel.Unbounded[struct{}]()
	for i := range 3 {
		_ = jobs.Send(i)
	}
	for {
		var job int
		stop := future.BlockOn(future.SelectBiased(
			future.On(quitRx.Recv(), func(future.Result[struct{}]) bool { return true }),
			future.On(jobRx.Recv(), func(r future.Result[int]) bool { job = r.Value; return false }),
		))
		if stop {
			fmt.Println("quit with", jobRx.Len(), "job left")
			return
		}
		fmt.Println("job", job)
		if job == 1 {
			_ = quit.Send(struct{}{})
		}
	}
	// Output:
	// job 0
	// job 1
	// quit with 1 job left
}
