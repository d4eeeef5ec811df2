package tasksync_test

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
)

// TestRWMutexStress: readers and writers on goroutines, some giving up
// after one Pending poll; a writer is always alone and readers never
// overlap a writer.
func TestRWMutexStress(t *testing.T) {
	m := tasksync.NewRWMutex()
	var readers, writers atomic.Int32
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 3))
			for range 2000 / scale {
				write := rng.IntN(3) == 0
				f := m.RLock()
				if write {
					f = m.Lock()
				}
				if rng.IntN(5) == 0 {
					if gd, ok := f.Poll(future.NewContext(nil)).Value(); ok {
						gd.Unlock()
					} else {
						f.Cancel()
					}
					continue
				}
				gd := future.BlockOn[*tasksync.RWGuard](f)
				if write {
					assert.Equal(t, int32(1), writers.Add(1))
					assert.Zero(t, readers.Load())
					writers.Add(-1)
				} else {
					readers.Add(1)
					assert.Zero(t, writers.Load())
					readers.Add(-1)
				}
				gd.Unlock()
			}
		}()
	}
	wg.Wait()
	w, ok := m.TryLock()
	assert.True(t, ok, "all permits came back")
	if ok {
		w.Unlock()
	}
	assert.Zero(t, m.Waiters())
}

// TestNotifyRandomizedNoLostWakeup: each round a waiter queues, the
// producer sends exactly one NotifyOne, and the consumer, at random, either
// waits on that waiter or cancels it (racing the notification) and waits on
// a fresh one. A notification handed to the cancelled waiter must be passed
// on, or the consumer hangs; one stored by mistake would show up as a
// permit left over at the end.
func TestNotifyRandomizedNoLostWakeup(t *testing.T) {
	var n tasksync.Notify
	rounds := 5000 / scale
	want := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range rounds {
			<-want
			n.NotifyOne()
		}
	}()
	rng := rand.New(rand.NewPCG(9, 9))
	cx := future.NewContext(nil)
	for range rounds {
		f := n.Notified()
		_, ok := f.Poll(cx).Value()
		assert.False(t, ok)
		want <- struct{}{}
		if rng.IntN(2) == 0 {
			f.Cancel()
			f = n.Notified()
		}
		future.BlockOn[struct{}](f)
	}
	wg.Wait()
	_, ok := n.Notified().Poll(cx).Value()
	assert.False(t, ok, "no permit left over")
}
