package stream_test

import (
	"iter"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/bridge"
	"github.com/spindle-rt/spindle/future/stream"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// counting returns an endless Seq that counts the values it produced and
// closes stopped when its yield returns false.
func counting(produced *atomic.Int64, stopped chan<- struct{}) iter.Seq[int] {
	return func(yield func(int) bool) {
		defer close(stopped)
		for i := 0; ; i++ {
			produced.Add(1)
			if !yield(i) {
				return
			}
		}
	}
}

func TestFromSeqIsLazyAndRunsAheadByAtMostTwoBuffers(t *testing.T) {
	for _, n := range []int{1, 4, 64} {
		var produced atomic.Int64
		stopped := make(chan struct{})
		s := stream.FromSeqBuffer(counting(&produced, stopped), n)
		runtime.Gosched()
		assert.Zero(t, produced.Load(), "nothing runs before the first poll")
		for i := range 3 * n {
			it := future.BlockOn(stream.Next(s))
			require.Equal(t, i, it.Value)
			taken := int64(i + 1)
			// produced counts a value before handing it to yield, and the
			// producer may be inside yield with one value more.
			require.LessOrEqual(t, produced.Load()-taken, int64(2*n)+1, "n=%d", n)
		}
		stream.Close(s)
		<-stopped
	}
}

func TestFromSeqStopsWhenClosedWhileWaiting(t *testing.T) {
	var produced atomic.Int64
	stopped := make(chan struct{})
	s := stream.FromSeqBuffer(counting(&produced, stopped), 2)
	got := future.BlockOn(stream.Collect(stream.Take(s, 5))) // Take closes s
	assert.Equal(t, ints(5), got)
	<-stopped // the producer, waiting for room, saw the close
}

func TestFromSeqGoroutineEndsWhenTheStreamIsCollected(t *testing.T) {
	var produced atomic.Int64
	stopped := make(chan struct{})
	func() {
		s := stream.FromSeqBuffer(counting(&produced, stopped), 8)
		future.BlockOn(stream.Next(s)) // start the goroutine, then drop s
	}()
	deadline := time.After(10 * time.Second) // only bounds a failure
	for {
		runtime.GC()
		select {
		case <-stopped:
			return
		case <-deadline:
			t.Fatal("the producer of an abandoned stream is still running")
		case <-time.After(time.Millisecond):
		}
	}
}

func TestFromSeqReraisesAPanicInTheConsumer(t *testing.T) {
	s := stream.FromSeq(func(yield func(int) bool) {
		yield(1)
		panic("boom")
	})
	defer func() {
		pe, ok := recover().(*bridge.PanicError)
		require.True(t, ok, "want a *bridge.PanicError")
		assert.Equal(t, "boom", pe.Value)
		assert.Contains(t, string(pe.Stack), "seq_test.go", "the stack of the producer")
	}()
	future.BlockOn(stream.Collect(s))
}

func TestFromSeqWakesAConsumerWaitingForASlowSeq(t *testing.T) {
	release := make(chan int)
	s := stream.FromSeq(func(yield func(int) bool) {
		for v := range release {
			if !yield(v) {
				return
			}
		}
	})
	cx, w := futuretest.NewContext()
	vs, ended := drain(cx, s)
	require.Empty(t, vs)
	require.False(t, ended)
	release <- 42
	require.Eventually(t, func() bool { return w.Count() > 0 }, 10*time.Second, time.Millisecond)
	vs, _ = drain(cx, s)
	assert.Equal(t, []int{42}, vs, "a value is handed over without waiting for a full batch")
	close(release)
	require.Eventually(t, func() bool { _, ended := drain(cx, s); return ended }, 10*time.Second, time.Millisecond)
}

// TestFromSeqSurvivesPollsFromDifferentLockedThreads polls one FromSeq from
// two goroutines locked to two OS threads in turn, the way a stolen task
// moves between pool workers. A stream built on iter.Pull makes the runtime
// abort here ("coro: OS thread locking must match").
func TestFromSeqSurvivesPollsFromDifferentLockedThreads(t *testing.T) {
	const total = 5000
	s := stream.FromSeqBuffer(slices.Values(ints(total)), 16)
	var mu sync.Mutex // hands the stream from one thread to the other
	var got []int
	ended := false
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			for {
				mu.Lock()
				if ended {
					mu.Unlock()
					return
				}
				it := future.BlockOn(stream.Next(s))
				if it.Ok {
					got = append(got, it.Value)
				} else {
					ended = true
				}
				mu.Unlock()
				runtime.Gosched()
			}
		})
	}
	wg.Wait()
	assert.Equal(t, ints(total), got)
}

func TestFromSeqLosesNothing(t *testing.T) {
	for _, n := range []int{1, 3, 64} {
		total := stressN
		got := future.BlockOn(stream.Collect(stream.FromSeqBuffer(slices.Values(ints(total)), n)))
		require.Equal(t, ints(total), got, "n=%d", n)
	}
}

// TestFromSeqHandsOverEveryValueAtOnce checks that a value the Seq
// produced while the consumer was busy is not held back until the Seq
// yields again: a slow Seq must not delay values it already produced.
func TestFromSeqHandsOverEveryValueAtOnce(t *testing.T) {
	release := make(chan struct{})
	s := stream.FromSeq(func(yield func(int) bool) {
		if !yield(1) || !yield(2) {
			return
		}
		<-release // a slow source: nothing more for now
		yield(3)
	})
	assert.Equal(t, 1, future.BlockOn(stream.Next(s)).Value)
	assert.Equal(t, 2, future.BlockOn(stream.Next(s)).Value, "2 was produced before the Seq blocked")
	close(release)
	assert.Equal(t, 3, future.BlockOn(stream.Next(s)).Value)
	assert.False(t, future.BlockOn(stream.Next(s)).Ok)
}
