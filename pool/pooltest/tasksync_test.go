package pooltest_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// queued wraps a wait future and records, in order, when it first returned
// Pending (it joined the queue) and when it became Ready after waiting, so
// that tests can check first-come-first-served grants.
type queued[T any] struct {
	f       future.Future[T]
	id      int
	waited  bool
	enqueue *[]int
	grant   *[]int
}

func (q *queued[T]) Poll(cx *future.Context) future.Poll[T] {
	p := q.f.Poll(cx)
	switch {
	case p.IsPending() && !q.waited:
		q.waited = true
		*q.enqueue = append(*q.enqueue, q.id)
	case p.IsReady() && q.waited:
		*q.grant = append(*q.grant, q.id)
	}
	return p
}

func TestMutexExcludesAndServesWaitersInOrder(t *testing.T) { pooltest.RunSeeds(t, seeds, mutexBody) }

func mutexBody(s *pooltest.Sched) {
	m := tasksync.NewMutex()
	n := 2 + s.Rand().IntN(5)
	rounds := 1 + s.Rand().IntN(3)
	inside, counter := 0, 0
	var enqueue, grant []int
	for id := range n {
		goTask(s, func(a *async.Awaiter) struct{} {
			for range rounds {
				yieldN(s, a, 3)
				g := async.Await(a, future.Future[*tasksync.MutexGuard](
					&queued[*tasksync.MutexGuard]{f: m.Lock(), id: id, enqueue: &enqueue, grant: &grant}))
				inside++
				require.Equal(s, 1, inside, "two tasks hold the mutex")
				c := counter
				yieldN(s, a, 3) // hold the lock across suspensions
				counter = c + 1
				inside--
				g.Unlock()
			}
			return struct{}{}
		})
	}
	s.Wait()
	require.Equal(s, n*rounds, counter)
	require.True(s, slices.Equal(enqueue, grant), "waiters not served in the order they queued: %v then %v", enqueue, grant)
	_, ok := m.TryLock()
	require.True(s, ok, "mutex left locked")
}

// queuedAfter counts the waiters that queued after id (or all of them if
// id never queued) and have not been seen granted.
func queuedAfter(enqueue, grant []int, id int) int {
	i := slices.Index(enqueue, id)
	n := 0
	for _, w := range enqueue[i+1:] {
		if !slices.Contains(grant, w) {
			n++
		}
	}
	return n
}

func TestSemaphoreConservesPermitsAndIsFIFO(t *testing.T) { pooltest.RunSeeds(t, seeds, semaphoreBody) }

func semaphoreBody(s *pooltest.Sched) {
	permits := 1 + s.Rand().IntN(4)
	sem := tasksync.NewSemaphore(permits)
	inUse := 0
	var enqueue, grant []int
	n := 2 + s.Rand().IntN(5)
	for id := range n {
		k := 1 + s.Rand().IntN(permits)
		goTask(s, func(a *async.Awaiter) struct{} {
			yieldN(s, a, 3)
			p, err := async.Await(a, future.Future[future.Result[*tasksync.Permit]](
				&queued[future.Result[*tasksync.Permit]]{f: sem.Acquire(k), id: id, enqueue: &enqueue, grant: &grant})).Get()
			require.NoError(s, err)
			require.Equal(s, k, p.N())
			// FIFO: whoever queued before this acquire has been granted
			// (maybe not yet polled), so only later ones still queue.
			require.LessOrEqual(s, sem.Waiters(), queuedAfter(enqueue, grant, id),
				"a later acquire overtook a queued one")
			inUse += k
			require.LessOrEqual(s, inUse, permits, "more permits out than exist")
			yieldN(s, a, 3)
			inUse -= k
			p.Release()
			return struct{}{}
		})
	}
	s.Wait()
	require.Equal(s, permits, sem.Available(), "permits lost or created")
	require.ElementsMatch(s, enqueue, grant, "a waiter never granted")
}

func TestNotifyOneLosesNoWakeup(t *testing.T) { pooltest.RunSeeds(t, seeds, notifyOneBody) }

func notifyOneBody(s *pooltest.Sched) {
	var ping, pong tasksync.Notify
	rounds := 1 + s.Rand().IntN(6)
	count := 0
	goTask(s, func(a *async.Awaiter) struct{} {
		for range rounds {
			yieldN(s, a, 3)
			ping.NotifyOne()
			async.Await(a, pong.Notified())
		}
		return struct{}{}
	})
	goTask(s, func(a *async.Awaiter) struct{} {
		for range rounds {
			async.Await(a, ping.Notified())
			count++
			yieldN(s, a, 3)
			pong.NotifyOne()
		}
		return struct{}{}
	})
	s.Wait()
	require.Equal(s, rounds, count)
}

func TestNotifyWaitersWakesEveryEarlierNotified(t *testing.T) {
	pooltest.RunSeeds(t, seeds, func(s *pooltest.Sched) {
		var n tasksync.Notify
		waiters := 1 + s.Rand().IntN(5)
		created, woken := 0, 0
		for range waiters {
			goTask(s, func(a *async.Awaiter) struct{} {
				yieldN(s, a, 3)
				nf := n.Notified()
				created++
				yieldN(s, a, 3) // polled for the first time later, or never before the call
				async.Await(a, nf)
				woken++
				return struct{}{}
			})
		}
		goTask(s, func(a *async.Awaiter) struct{} {
			for created < waiters {
				async.Await(a, future.YieldNow())
			}
			n.NotifyWaiters()
			return struct{}{}
		})
		s.Wait()
		require.Equal(s, waiters, woken)
	})
}

func TestRWMutexReadersShareWritersExcludeInOrder(t *testing.T) {
	pooltest.RunSeeds(t, seeds, rwmutexBody)
}

func rwmutexBody(s *pooltest.Sched) {
	m := tasksync.NewRWMutex()
	readers, writers := 0, 0
	var enqueue, grant []int
	n := 2 + s.Rand().IntN(5)
	for id := range n {
		write := s.Rand().IntN(2) == 0
		goTask(s, func(a *async.Awaiter) struct{} {
			yieldN(s, a, 3)
			lock := m.RLock
			if write {
				lock = m.Lock
			}
			g := async.Await(a, future.Future[*tasksync.RWGuard](
				&queued[*tasksync.RWGuard]{f: lock(), id: id, enqueue: &enqueue, grant: &grant}))
			require.Equal(s, write, g.Writer())
			require.LessOrEqual(s, m.Waiters(), queuedAfter(enqueue, grant, id),
				"a later lock overtook a queued one")
			if write {
				writers++
			} else {
				readers++
			}
			require.LessOrEqual(s, writers, 1, "two writers inside")
			require.False(s, writers == 1 && readers > 0, "a writer with readers inside")
			yieldN(s, a, 3)
			if write {
				writers--
			} else {
				readers--
			}
			g.Unlock()
			return struct{}{}
		})
	}
	s.Wait()
	// Readers granted together may be seen in any order; what the
	// fair queue promises is that nobody is granted before an
	// earlier waiter that is still queued.
	require.ElementsMatch(s, enqueue, grant)
	g, ok := m.TryLock()
	require.True(s, ok, "lock left held")
	g.Unlock()
}

func TestRWMutexWaitingWriterHoldsBackLaterReaders(t *testing.T) {
	pooltest.RunSeeds(t, seeds/3, func(s *pooltest.Sched) {
		m := tasksync.NewRWMutex()
		r0 := pooltest.BlockOn(s, future.Future[*tasksync.RWGuard](m.RLock()))
		var order []string
		w := goTask(s, func(a *async.Awaiter) struct{} {
			g := async.Await(a, future.Future[*tasksync.RWGuard](m.Lock()))
			order = append(order, "writer")
			yieldN(s, a, 3)
			g.Unlock()
			return struct{}{}
		})
		// Let the writer queue behind the first reader.
		for m.Waiters() == 0 {
			pooltest.BlockOn(s, future.YieldNow())
		}
		r := goTask(s, func(a *async.Awaiter) struct{} {
			g := async.Await(a, future.Future[*tasksync.RWGuard](m.RLock()))
			order = append(order, "late reader")
			g.Unlock()
			return struct{}{}
		})
		pooltest.BlockOn(s, yields(s.Rand().IntN(5), 0, nil))
		require.Empty(s, order, "someone got in while a reader held the lock")
		r0.Unlock()
		s.Wait()
		require.True(s, w.Done() && r.Done())
		require.Equal(s, []string{"writer", "late reader"}, order)
	})
}
