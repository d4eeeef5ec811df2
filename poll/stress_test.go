package poll_test

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
)

// TestTimersArmedFromManyGoroutinesWhileParked arms and cancels timers from
// several goroutines while another goroutine sits in Park, and counts that
// every timer left armed woke exactly once, never before its deadline, and
// no cancelled one was lost track of.
func TestTimersArmedFromManyGoroutinesWhileParked(t *testing.T) {
	r := withReactor(t)
	const goroutines, each = 8, stressTimers
	var woken, early atomic.Int64
	stop := make(chan struct{})
	parked := make(chan struct{})
	go func() {
		defer close(parked)
		cx := future.NewContext(nil)
		for {
			select {
			case <-stop:
				return
			default:
			}
			r.Park(cx, -1)
		}
	}()
	var kept atomic.Int64
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range each {
				s := poll.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
				var once atomic.Bool
				cx := future.NewContext(future.WakerFunc(func() {
					if once.Swap(true) {
						t.Error("a timer woke twice")
					}
					if time.Now().Before(s.Deadline()) {
						early.Add(1)
					}
					woken.Add(1)
				}))
				cx.SetDriver(r)
				if s.Poll(cx).IsReady() {
					woken.Add(1) // due before it was armed
					kept.Add(1)
					continue
				}
				if rand.IntN(3) == 0 && s.Stop() {
					continue // taken off the queue before it fired: must never wake
				}
				kept.Add(1)
			}
		})
	}
	wg.Wait()
	require.Eventually(t, func() bool { return woken.Load() >= kept.Load() }, 20*time.Second, time.Millisecond)
	time.Sleep(10 * time.Millisecond) // a cancelled timer that still fired would show up here
	assert.Equal(t, kept.Load(), woken.Load(), "every armed timer fired once, no cancelled one did")
	assert.Zero(t, early.Load(), "timers fired early")
	assert.Zero(t, r.Stats().Timers)
	close(stop)
	r.Unpark()
	<-parked
}
