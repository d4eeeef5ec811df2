package bench

import "sync"

// The plain-Go counterparts that several spindle benchmarks stand beside.

// goroutinePingPong makes n round trips between this goroutine and another
// over unbuffered channels.
func goroutinePingPong(n int) {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
		close(pong)
	}()
	for i := 0; i < n; i++ {
		ping <- i
		<-pong
	}
	close(ping)
	<-pong
}

// goFuncWaitGroup starts n tiny goroutines, batch at a time, and waits for
// each batch with a WaitGroup: the plain-Go spawn + join.
func goFuncWaitGroup(n, batch int) {
	res := make([]int, min(batch, n))
	for left := n; left > 0; left -= len(res) {
		k := min(left, len(res))
		var wg sync.WaitGroup
		wg.Add(k)
		for i := 0; i < k; i++ {
			go func() {
				res[i] = 1
				wg.Done()
			}()
		}
		wg.Wait()
	}
}
