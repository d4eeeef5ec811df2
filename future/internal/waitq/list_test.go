package waitq

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// lockProbe is a waker that records whether mu was free when it was woken:
// batches must be woken with the owner's lock released.
type lockProbe struct {
	mu       *sync.Mutex
	woken    int
	underMu  bool
	wokenSeq *[]int
	id       int
}

func (p *lockProbe) Wake() {
	p.woken++
	if p.mu.TryLock() {
		p.mu.Unlock()
	} else {
		p.underMu = true
	}
	*p.wokenSeq = append(*p.wokenSeq, p.id)
}

// TestDrainLockedWakesEveryNodeOutsideTheLock drains a list longer than
// several WakeList batches and checks that every node is dequeued, gets the
// new state, keeps its value and loses its waker, and that every waker is
// woken once, in FIFO order, never while mu is held.
func TestDrainLockedWakesEveryNodeOutsideTheLock(t *testing.T) {
	for _, count := range []int{0, 1, 15, 16, 17, 50} {
		var (
			mu    sync.Mutex
			l     List[int]
			seq   []int
			nodes []*Node[int]
			probe []*lockProbe
		)
		seq = []int{}
		for i := range count {
			p := &lockProbe{mu: &mu, wokenSeq: &seq, id: i}
			n := &Node[int]{Val: 100 + i, Waker: p}
			l.PushBack(n)
			nodes, probe = append(nodes, n), append(probe, p)
		}
		var wl WakeList
		mu.Lock()
		DrainLocked(&mu, &l, &wl, nil, Idle)
		require.Zero(t, l.Len(), "count %d", count)
		mu.Unlock()
		wl.WakeAll(nil)
		want := make([]int, count)
		for i := range count {
			want[i] = i
			require.Equal(t, Idle, nodes[i].State)
			require.Equal(t, 100+i, nodes[i].Val, "the value stays with the node")
			require.Nil(t, nodes[i].Waker)
			require.Equal(t, 1, probe[i].woken)
			require.False(t, probe[i].underMu, "node %d of %d woken under the lock", i, count)
		}
		require.Equal(t, want, seq, "woken once each, oldest first")
	}
}

// TestTakeLockedFlushesOnlyWhenFull checks that TakeLocked keeps the lock
// and the wakers while the batch has room, and wakes the whole batch with
// the lock released (and retaken) when it fills.
func TestTakeLockedFlushesOnlyWhenFull(t *testing.T) {
	var (
		mu     sync.Mutex
		seq    []int
		wl     WakeList
		probes []*lockProbe
	)
	mu.Lock()
	size := len(wl.ws)
	for i := range size - 1 {
		p := &lockProbe{mu: &mu, wokenSeq: &seq, id: i}
		probes = append(probes, p)
		var w future.Waker = p
		wl.TakeLocked(&mu, nil, &w)
		require.Nil(t, w)
	}
	require.Empty(t, seq, "nothing is woken before the batch is full")
	var nilWaker future.Waker
	wl.TakeLocked(&mu, nil, &nilWaker) // a node without a waker takes no slot
	require.Empty(t, seq)
	var last future.Waker = &lockProbe{mu: &mu, wokenSeq: &seq, id: size - 1}
	wl.TakeLocked(&mu, nil, &last)
	require.Len(t, seq, size, "a full batch is woken at once")
	for _, p := range probes {
		require.False(t, p.underMu, "the batch is woken with the lock released")
	}
	require.False(t, mu.TryLock(), "the lock is held again on return")
	mu.Unlock()
	wl.WakeAll(nil)
	require.Len(t, seq, size, "the batch was emptied")
}

// TestNodePollLocked checks each state's outcome: a grant is consumed once
// (Granted, then Done), a queued node keeps only the latest poll's waker,
// and Idle and Done are left for the caller.
func TestNodePollLocked(t *testing.T) {
	w1, w2 := &futuretest.CountWaker{}, &futuretest.CountWaker{}
	cx1, cx2 := future.NewContext(w1), future.NewContext(w2)

	var n Node[int]
	require.Equal(t, Idle, n.PollLocked(cx1))
	require.Nil(t, n.Waker, "an Idle node is not given a waker")

	var l List[int]
	l.PushBack(&n)
	require.Equal(t, Queued, n.PollLocked(cx1))
	require.Same(t, w1, n.Waker)
	require.Equal(t, Queued, n.PollLocked(cx2))
	require.Same(t, w2, n.Waker, "the latest poll's waker replaces the old one")

	l.Remove(&n)
	n.State = Granted
	require.Equal(t, Granted, n.PollLocked(cx1))
	require.Equal(t, Done, n.State)
	require.Equal(t, Done, n.PollLocked(cx1), "a grant is observed once")
	require.Zero(t, w1.Count()+w2.Count(), "PollLocked wakes nobody")
}
