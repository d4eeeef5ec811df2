package poll_test

import (
	"bytes"
	"math/rand/v2"
	"net"
	"os"
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
	stopParking := parkInLoop(r)
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
	stopParking()
}

// blockVia runs f on the calling goroutine while another goroutine drives
// r: it polls with a channel waker and r as the driver, and blocks on the
// channel between polls.
func blockVia[T any](r *poll.Reactor, f future.Future[T]) T {
	ch := make(chan struct{}, 1)
	cx := future.NewContext(future.WakerFunc(func() {
		select {
		case ch <- struct{}{}:
		default:
		}
	}))
	cx.SetDriver(r)
	for {
		if v, ok := f.Poll(cx).Value(); ok {
			return v
		}
		<-ch
	}
}

// TestRegistrationChurnWhileParked opens, uses and closes connections from
// several goroutines at once while one goroutine sits in Park, so
// descriptors are registered and deregistered under a live epoll_wait and
// their numbers are reused at once. Every exchange must succeed, and the
// reactor and the process must end with no registration and no descriptor
// left.
func TestRegistrationChurnWhileParked(t *testing.T) {
	before := openFDs(t)
	nl, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var srv sync.WaitGroup
	srv.Go(func() {
		for {
			c, err := nl.Accept()
			if err != nil {
				return
			}
			srv.Go(func() {
				// A plain loop: io.Copy between TCPConns splices through
				// pooled pipes, which would blur the descriptor count.
				defer c.Close()
				buf := make([]byte, 512)
				for {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					if _, err := c.Write(buf[:n]); err != nil {
						return
					}
				}
			})
		}
	})
	r, err := poll.NewReactor()
	require.NoError(t, err)
	stopParking := parkInLoop(r)
	var ok atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range stressChurn {
				c, err := blockVia(r, poll.Dial("tcp", nl.Addr().String())).Get()
				if !assert.NoError(t, err) {
					return
				}
				msg := []byte{byte(i), byte(i >> 8)}
				_, err = blockVia[future.Result[int]](r, c.WriteAll(msg)).Get()
				require.NoError(t, err)
				got := make([]byte, 2)
				n := 0
				for n < 2 {
					m, err := blockVia[future.Result[int]](r, c.Read(got[n:])).Get()
					require.NoError(t, err)
					n += m
				}
				if bytes.Equal(msg, got) {
					ok.Add(1)
				}
				c.Close()
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int64(8*stressChurn), ok.Load())
	assert.Zero(t, r.Stats().Registrations)
	stopParking()
	require.NoError(t, r.Close())
	nl.Close()
	srv.Wait() // the echo goroutines close their ends after our Close
	if !assert.Equal(t, before, openFDs(t)) {
		ents, _ := os.ReadDir("/proc/self/fd")
		for _, e := range ents {
			l, _ := os.Readlink("/proc/self/fd/" + e.Name())
			t.Log(e.Name(), l)
		}
	}
}

// parkInLoop parks a goroutine in r over and over, as a pool's driver
// worker does, until the returned function stops it and waits for it.
func parkInLoop(r *poll.Reactor) (stop func()) {
	done := make(chan struct{})
	parked := make(chan struct{})
	go func() {
		defer close(parked)
		cx := future.NewContext(nil)
		for {
			select {
			case <-done:
				return
			default:
			}
			r.Park(cx, -1)
		}
	}()
	return func() {
		close(done)
		r.Unpark()
		<-parked
	}
}
