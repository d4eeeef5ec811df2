package future_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
)

// remote is a future completed by a goroutine it starts at its first poll;
// the goroutine first wakes it spuriously, then completes it and wakes the
// waker of the latest poll. It is the shape of every I/O future.
type remote[T any] struct {
	v  T
	wg *sync.WaitGroup

	mu      sync.Mutex
	started bool
	done    bool
	waker   future.Waker
}

func newRemote[T any](wg *sync.WaitGroup, v T) *remote[T] { return &remote[T]{v: v, wg: wg} }

func (r *remote[T]) Poll(cx *future.Context) future.Poll[T] {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return future.Ready(r.v)
	}
	r.waker = cx.Waker()
	if !r.started {
		r.started = true
		r.wg.Go(func() {
			r.wakeLatest()
			r.mu.Lock()
			r.done = true
			r.mu.Unlock()
			r.wakeLatest()
		})
	}
	return future.Pending[T]()
}

func (r *remote[T]) wakeLatest() {
	r.mu.Lock()
	w := r.waker
	r.mu.Unlock()
	w.Wake()
}

// Every combinator, driven by BlockOn, with children woken only from other
// goroutines: each must finish with the right value, for many rounds, with
// no wake lost (a lost wake hangs the test).
func TestCombinatorsWithWakesFromOtherGoroutines(t *testing.T) {
	tests := []struct {
		name string
		run  func(wg *sync.WaitGroup) any
		want any
	}{
		{"Map", func(wg *sync.WaitGroup) any {
			return future.BlockOn(future.Map[int](newRemote(wg, 2), func(v int) int { return v * 3 }))
		}, 6},
		{"Then", func(wg *sync.WaitGroup) any {
			return future.BlockOn(future.Then[int](newRemote(wg, 2), func(v int) future.Future[int] {
				return newRemote(wg, v+1)
			}))
		}, 3},
		{"Join", func(wg *sync.WaitGroup) any {
			return future.BlockOn(future.Join[int](newRemote(wg, 1), newRemote(wg, 2), future.Done(3), newRemote(wg, 4)))
		}, []int{1, 2, 3, 4}},
		{"Join2", func(wg *sync.WaitGroup) any {
			return future.BlockOn(future.Join2[int, string](newRemote(wg, 1), newRemote(wg, "b")))
		}, future.Pair[int, string]{First: 1, Second: "b"}},
		{"Join3", func(wg *sync.WaitGroup) any {
			return future.BlockOn(future.Join3[int, string, bool](newRemote(wg, 1), newRemote(wg, "b"), newRemote(wg, true)))
		}, future.Triple[int, string, bool]{First: 1, Second: "b", Third: true}},
		{"Race", func(wg *sync.WaitGroup) any {
			return future.BlockOn(future.Race[int](future.Never[int](), newRemote(wg, 5))).Value
		}, 5},
		{"Select", func(wg *sync.WaitGroup) any {
			return future.BlockOn(future.Select[int, string](future.Never[int](), newRemote(wg, "s"))).Second
		}, "s"},
		{"TryJoin", func(wg *sync.WaitGroup) any {
			return future.BlockOn(future.TryJoin[int](newRemote(wg, future.Ok(1)), newRemote(wg, future.Ok(2)))).Value
		}, []int{1, 2}},
		{"TryRace", func(wg *sync.WaitGroup) any {
			return future.BlockOn(future.TryRace[int](future.Never[future.Result[int]](), newRemote(wg, future.Ok(7)))).Value.Value
		}, 7},
		{"FirstOk", func(wg *sync.WaitGroup) any {
			return future.BlockOn(future.FirstOk[int](newRemote(wg, future.Err[int](errA)), newRemote(wg, future.Ok(8)))).Value.Value
		}, 8},
	}
	rounds := 200 / stressDivisor
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var wg sync.WaitGroup
			for range rounds {
				require.Equal(t, tc.want, tc.run(&wg))
			}
			wg.Wait()
		})
	}
}

func TestJoinOfJoinsFromOtherGoroutines(t *testing.T) {
	var wg sync.WaitGroup
	outer := make([]future.Future[[]int], 20)
	for i := range outer {
		inner := make([]future.Future[int], 50)
		for k := range inner {
			inner[k] = newRemote(&wg, i*100+k)
		}
		outer[i] = future.Join(inner...)
	}
	got := future.BlockOn(future.Join(outer...))
	wg.Wait()
	for i, vs := range got {
		for k, v := range vs {
			assert.Equal(t, i*100+k, v)
		}
	}
}
