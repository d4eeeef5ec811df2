package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"
)

// reportMemory prints a line of memory statistics to out at each SIGUSR1,
// after a garbage collection, for the idle-connections benchmark
// (bench/cmd/httpbench -idle), which measures what a connection costs.
// The returned function stops it.
func reportMemory(out io.Writer) (stop func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGUSR1)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-sigs:
			case <-done:
				return
			}
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			fmt.Fprintf(out, "memstats heap=%d stacks=%d goroutines=%d\n", m.HeapInuse, m.StackInuse, runtime.NumGoroutine())
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}
