package tasksync_test

import (
	"fmt"
	"sync"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
)

func ExampleMutex() {
	m := tasksync.NewMutex()
	total := 0
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				g := future.BlockOn[*tasksync.MutexGuard](m.Lock())
				total++
				g.Unlock() // explicit: Go has no destructors
			}
		}()
	}
	wg.Wait()
	fmt.Println(total)
	// Output: 400
}

func ExampleSemaphore() {
	s := tasksync.NewSemaphore(3)
	big, _ := future.BlockOn[future.Result[*tasksync.Permit]](s.Acquire(2)).Get()
	fmt.Println("free after taking 2:", s.Available())
	// Two more are not free: this acquire waits (polled by hand here).
	f := s.Acquire(2)
	_, ready := f.Poll(future.NewContext(nil)).Value()
	fmt.Println("second acquire ready:", ready)
	big.Release()
	p, _ := future.BlockOn[future.Result[*tasksync.Permit]](f).Get()
	fmt.Println("second acquire holds", p.N())
	p.Release()
	// Output:
	// free after taking 2: 1
	// second acquire ready: false
	// second acquire holds 2
}

func ExampleNotify() {
	var n tasksync.Notify
	done := make(chan struct{})
	go func() {
		future.BlockOn[struct{}](n.Notified())
		fmt.Println("notified")
		close(done)
	}()
	n.NotifyOne() // stored if the goroutine is not waiting yet
	<-done
	// Output: notified
}
