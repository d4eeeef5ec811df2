// Step 2 of docs/guide.md: threads. Threads share one address space, so
// they can share data directly, at the price of synchronisation. Go's
// threads are goroutines: the runtime multiplexes them onto a few OS
// threads. Here 10,000 goroutines add into one counter under a mutex and
// hand results back over a channel.
//
//	go run ./examples/guide/02-threads
package main

import (
	"fmt"
	"sync"
)

func main() {
	const n = 10_000
	var (
		mu    sync.Mutex
		total int
		wg    sync.WaitGroup
	)
	results := make(chan int, n)
	for i := range n {
		wg.Go(func() { // each goroutine starts with its own stack (>= 2 KiB)
			mu.Lock()
			total += i // shared memory: the mutex keeps the sum right
			mu.Unlock()
			results <- i * i
		})
	}
	wg.Wait()
	close(results)
	squares := 0
	for r := range results {
		squares += r
	}
	// They ran on at most runtime.GOMAXPROCS(0) OS threads at a time.
	fmt.Printf("%d goroutines: sum %d, sum of squares %d\n", n, total, squares)
}
