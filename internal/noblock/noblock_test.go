package noblock

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Self must be stable within a goroutine and differ between goroutines
// alive at the same time; goid is the reference identity.
func TestSelfIdentifiesLiveGoroutines(t *testing.T) {
	const n = 64
	ids := make([]ID, n)
	gids := make([]uint64, n)
	var started, release sync.WaitGroup
	started.Add(n)
	release.Add(1)
	var done sync.WaitGroup
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			ids[i], gids[i] = Self(), Goid()
			started.Done()
			release.Wait() // all alive at once: no ID reuse
			assert.Equal(t, ids[i], Self(), "Self changed within a goroutine")
		}()
	}
	started.Wait()
	release.Done()
	done.Wait()
	seen := map[ID]uint64{}
	for i, id := range ids {
		require.NotZero(t, id)
		if g, dup := seen[id]; dup {
			t.Fatalf("goroutines %d and %d share ID %#x", g, gids[i], id)
		}
		seen[id] = gids[i]
	}
}

func TestForbiddenForWorkerAndItsBodyOnly(t *testing.T) {
	assert.False(t, Forbidden(), "no worker registered")
	var s Slot
	inWorker := make(chan bool)
	leave := make(chan struct{})
	left := make(chan struct{})
	go func() { // the worker
		s.Enter()
		inWorker <- Forbidden()
		inWorker <- Current() == &s
		<-leave
		s.Leave()
		close(left)
	}()
	assert.True(t, <-inWorker)
	assert.True(t, <-inWorker)
	assert.False(t, Forbidden(), "another goroutine is not the worker")
	assert.Nil(t, Current())

	// A body marks itself while it runs, then restores what was there.
	body := make(chan bool)
	go func() {
		prev := s.Body()
		s.SetBody(Self())
		body <- Forbidden()
		s.SetBody(prev)
		body <- Forbidden()
	}()
	assert.True(t, <-body, "a body marked in a slot")
	assert.False(t, <-body, "a body after it cleared itself")
	assert.Zero(t, s.Body())

	close(leave)
	<-left
	go func() { inWorker <- Forbidden() }()
	assert.False(t, <-inWorker)
	assert.Nil(t, slots.Load(), "the last Leave empties the registry")
}

func TestOf(t *testing.T) {
	var s Slot
	assert.Same(t, &s, Of(holder{&s}))
	assert.Nil(t, Of(nil))
	assert.Nil(t, Of(42))
}

type holder struct{ s *Slot }

func (h holder) NoBlockSlot() *Slot { return h.s }

// The check a blocking entry point makes, next to the one it replaced
// (parse the goroutine id from runtime.Stack, then a sync.Map lookup).
func BenchmarkSelf(b *testing.B) {
	for b.Loop() {
		_ = Self()
	}
}

func BenchmarkGoidFromStack(b *testing.B) {
	for b.Loop() {
		_ = Goid()
	}
}

func BenchmarkForbidden(b *testing.B) {
	for _, workers := range []int{0, 2, 16} {
		b.Run(map[int]string{0: "no-pool", 2: "2-workers", 16: "16-workers"}[workers], func(b *testing.B) {
			stop := startWorkers(workers)
			defer stop()
			for b.Loop() {
				if Forbidden() {
					b.Fatal("forbidden outside a worker")
				}
			}
		})
	}
}

func BenchmarkOldCheck(b *testing.B) {
	var m sync.Map
	m.Store(uint64(1), struct{}{})
	for b.Loop() {
		if _, ok := m.Load(Goid()); ok {
			b.Fatal("found")
		}
	}
}

// startWorkers registers n goroutines as workers until stop is called.
func startWorkers(n int) (stop func()) {
	var ready, done sync.WaitGroup
	quit := make(chan struct{})
	for range n {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			var s Slot
			s.Enter()
			ready.Done()
			<-quit
			s.Leave()
		}()
	}
	ready.Wait()
	return func() { close(quit); done.Wait() }
}
