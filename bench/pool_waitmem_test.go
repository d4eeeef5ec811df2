package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"testing"

	"github.com/spindle-rt/spindle/bench/compiled"
	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

// waitMemTasks is how many waiting tasks BenchmarkWaitingTaskMemory
// spawns; waitMemGoroutines how many goroutines it blocks (2.6 KB each:
// the figure per goroutine does not depend on how many there are).
const (
	waitMemTasks      = 1_000_000
	waitMemGoroutines = 100_000
)

// tokioWaitingTaskRSS is the RSS per task of 1,000,000 tokio 1.24 tasks
// awaiting Notify::notified(), measured on this machine outside this
// module (issue 12); it is printed beside the measured figures.
const tokioWaitingTaskRSS = 240

// rssBytes returns the resident set size of the process (VmRSS), or 0
// where /proc is not there.
func rssBytes() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) >= 2 && string(f[0]) == "VmRSS:" {
			kb, _ := strconv.ParseUint(string(f[1]), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// memPoint is the live heap (and goroutine stacks) after a full
// collection, and the RSS, at one moment.
type memPoint struct{ heap, rss uint64 }

func memNow(freeOS bool) memPoint {
	runtime.GC()
	runtime.GC()
	if freeOS {
		debug.FreeOSMemory()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memPoint{heap: ms.HeapAlloc + ms.StackInuse, rss: rssBytes()}
}

// report reports the growth from base to now per unit, less perUnit bytes
// that the benchmark itself keeps per unit (its slices of handles).
func (now memPoint) report(b *testing.B, base memPoint, n int, perUnit float64) {
	b.ReportMetric(float64(int64(now.heap)-int64(base.heap))/float64(n)-perUnit, "heap-B/task")
	b.ReportMetric(float64(int64(now.rss)-int64(base.rss))/float64(n)-perUnit, "rss-B/task")
}

// polledTotal is the number of task polls the pool's workers published.
func polledTotal(p *pool.Pool) uint64 {
	var n uint64
	for _, w := range p.Stats().PerWorker {
		n += w.Polled
	}
	return n
}

// waitPolled waits until every task spawned since base polls was polled
// once and the injection queue is empty: each is then Pending on its wait.
func waitPolled(p *pool.Pool, base uint64, n int) {
	for polledTotal(p)-base < uint64(n) || p.Stats().InjectDepth > 0 {
		runtime.Gosched()
	}
}

// BenchmarkWaitingTaskMemory: what a task waiting on something costs.
// 1,000,000 tasks spawned on poll.NewPool(), each a Notified, a Lock, an
// Acquire or a oneshot receive that stays Pending, against goroutines
// blocked on the Go equivalent (a receive from a channel closed later, a
// held sync.Mutex, a full buffered channel used as a semaphore, a receive
// from a channel of their own). Reported per task: the growth of the live
// heap (HeapAlloc plus goroutine stacks, after runtime.GC) and of the RSS
// (VmRSS), less the 8 bytes a task of the benchmark's own slice of
// handles (and of senders). tokio's figure is not measured here: it is
// the RSS per task of tokio 1.24 tasks awaiting Notified, measured on this
// machine (issue 12).
func BenchmarkWaitingTaskMemory(b *testing.B) {
	{
		var n tasksync.Notify
		waitMemSpindle(b, "notify", 8, func(p *pool.Pool, hs []*pool.JoinHandle[struct{}]) {
			for i := range hs {
				hs[i] = pool.Spawn(p, future.Future[struct{}](n.Notified()))
			}
		}, n.Waiters, func([]*pool.JoinHandle[struct{}]) { n.NotifyWaiters() })
	}
	{
		m := tasksync.NewMutex()
		var g *tasksync.MutexGuard
		waitMemSpindle(b, "mutex", 8, func(p *pool.Pool, hs []*pool.JoinHandle[*tasksync.MutexGuard]) {
			g, _ = m.TryLock()
			for i := range hs {
				hs[i] = pool.Spawn(p, future.Future[*tasksync.MutexGuard](m.Lock()))
			}
		}, m.Waiters, func(hs []*pool.JoinHandle[*tasksync.MutexGuard]) {
			abortAll(hs)
			g.Unlock()
		})
	}
	{
		// A compiled body awaiting the lock (bench/compiled's lockOnceBody):
		// the task, the compiled state and the adopted Lock future.
		m := tasksync.NewMutex()
		var g *tasksync.MutexGuard
		waitMemSpindle(b, "compiled-mutex", 8, func(p *pool.Pool, hs []*pool.JoinHandle[int]) {
			g, _ = m.TryLock()
			for i := range hs {
				hs[i] = pool.Spawn(p, compiled.LockOnce(m))
			}
		}, m.Waiters, func(hs []*pool.JoinHandle[int]) {
			abortAll(hs)
			g.Unlock()
		})
		// The same, unadopted (the wrapper hides Adopt and Cancel): the
		// lock wait keeps the backstop's node and cleanup record. The
		// wrapper's 16 bytes are not counted.
		waitMemSpindle(b, "compiled-mutex-unadopted", 8+16, func(p *pool.Pool, hs []*pool.JoinHandle[int]) {
			g, _ = m.TryLock()
			for i := range hs {
				hs[i] = pool.Spawn[int](p, unadopted[int]{compiled.LockOnce(m)})
			}
		}, m.Waiters, func(hs []*pool.JoinHandle[int]) {
			abortAll(hs)
			g.Unlock()
		})
	}
	{
		s := tasksync.NewSemaphore(0)
		waitMemSpindle(b, "semaphore", 8, func(p *pool.Pool, hs []*pool.JoinHandle[future.Result[*tasksync.Permit]]) {
			for i := range hs {
				hs[i] = pool.Spawn(p, future.Future[future.Result[*tasksync.Permit]](s.Acquire(1)))
			}
		}, s.Waiters, abortAll)
	}
	{
		var txs []*channel.OneshotSender[int]
		waitMemSpindle(b, "oneshot", 16, func(p *pool.Pool, hs []*pool.JoinHandle[future.Result[int]]) {
			txs = make([]*channel.OneshotSender[int], len(hs))
			for i := range hs {
				tx, rx := channel.NewOneshot[int]()
				txs[i] = tx
				hs[i] = pool.Spawn(p, future.Future[future.Result[int]](rx))
			}
		}, nil, func([]*pool.JoinHandle[future.Result[int]]) {
			for i, tx := range txs {
				_ = tx.Send(i)
			}
			txs = nil
		})
	}
	goroutines := func(name string, start func(started *sync.WaitGroup), release func()) {
		b.Run("goroutines/"+name, func(b *testing.B) {
			for range b.N {
				base := memNow(true)
				var started sync.WaitGroup
				started.Add(waitMemGoroutines)
				start(&started)
				started.Wait()
				memNow(false).report(b, base, waitMemGoroutines, 0)
				release()
				for runtime.NumGoroutine() > 100 {
					runtime.Gosched()
				}
			}
		})
	}
	{
		var ch chan struct{}
		goroutines("chan-close", func(started *sync.WaitGroup) {
			ch = make(chan struct{})
			for range waitMemGoroutines {
				go func() { started.Done(); <-ch }()
			}
		}, func() { close(ch) })
	}
	{
		var mu sync.Mutex
		goroutines("sync-mutex", func(started *sync.WaitGroup) {
			mu.Lock()
			for range waitMemGoroutines {
				//lint:ignore SA2001 blocking in Lock is the point; there is nothing to guard
				go func() { started.Done(); mu.Lock(); mu.Unlock() }()
			}
		}, func() { mu.Unlock() })
	}
	{
		var sem chan struct{}
		goroutines("chan-semaphore", func(started *sync.WaitGroup) {
			sem = make(chan struct{}, 1)
			sem <- struct{}{}
			for range waitMemGoroutines {
				go func() { started.Done(); sem <- struct{}{}; <-sem }()
			}
		}, func() { <-sem })
	}
	{
		var chs []chan int
		goroutines("chan-oneshot", func(started *sync.WaitGroup) {
			chs = make([]chan int, waitMemGoroutines)
			for i := range chs {
				ch := make(chan int, 1)
				chs[i] = ch
				go func() { started.Done(); <-ch }()
			}
		}, func() {
			for _, ch := range chs {
				ch <- 1
			}
			chs = nil
		})
	}
	b.Run("tokio-1.24-notified-measured-elsewhere", func(b *testing.B) {
		b.ReportMetric(tokioWaitingTaskRSS, "rss-B/task")
	})
}

func abortAll[T any](hs []*pool.JoinHandle[T]) {
	for _, h := range hs {
		h.Abort()
	}
}

// waitMemSpindle is one spindle case of BenchmarkWaitingTaskMemory: spawn
// fills hs with tasks that wait, waiters (if not nil) counts the queued
// ones, release ends every wait. own is what the benchmark keeps per task
// itself (its slices of handles and senders), left out of the figures.
func waitMemSpindle[T any](b *testing.B, name string, own float64, spawn func(*pool.Pool, []*pool.JoinHandle[T]), waiters func() int, release func([]*pool.JoinHandle[T])) {
	b.Run("spindle/"+name, func(b *testing.B) {
		p, err := poll.NewPool()
		if err != nil {
			b.Fatal(err)
		}
		defer func() {
			if err := p.Shutdown(context.Background()); err != nil {
				b.Error(err)
			}
		}()
		for range b.N {
			base := memNow(true)
			hs := make([]*pool.JoinHandle[T], waitMemTasks)
			polled := polledTotal(p)
			spawn(p, hs)
			waitPolled(p, polled, waitMemTasks)
			for waiters != nil && waiters() < waitMemTasks {
				runtime.Gosched()
			}
			memNow(false).report(b, base, waitMemTasks, own)
			release(hs)
			for _, h := range hs {
				if _, err := h.Wait(context.Background()); err != nil && !errors.Is(err, pool.ErrAborted) {
					b.Fatal(err)
				}
			}
			if waiters != nil && waiters() != 0 {
				b.Fatalf("%d waiters left", waiters())
			}
		}
	})
}
