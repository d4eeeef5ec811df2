package waitq

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// arrivalProbe is a waker that, when woken, queues a new node on l under
// mu, as an arrival for the next generation during a release would.
type arrivalProbe struct {
	lockProbe
	l       *List[int]
	arrived *Node[int]
}

func (p *arrivalProbe) Wake() {
	p.lockProbe.Wake()
	p.mu.Lock()
	p.l.PushBack(p.arrived)
	p.mu.Unlock()
}

// TestReleaseAllLockedIsOneGeneration releases lists longer than a wake
// batch. Every node of the list is granted before anything is woken and
// woken once, in order, outside the lock; nodes queued while the lock is
// released to wake a batch stay queued for the next generation.
func TestReleaseAllLockedIsOneGeneration(t *testing.T) {
	for _, count := range []int{0, 1, 16, 17, 40} {
		var (
			mu     sync.Mutex
			l      List[int]
			seq    []int
			nodes  []*Node[int]
			probes []*arrivalProbe
		)
		seq = []int{}
		for i := range count {
			p := &arrivalProbe{lockProbe: lockProbe{mu: &mu, wokenSeq: &seq, id: i}, l: &l, arrived: &Node[int]{Val: -i}}
			n := &Node[int]{Val: i, Waker: p}
			l.PushBack(n)
			nodes, probes = append(nodes, n), append(probes, p)
		}
		var wl WakeList
		mu.Lock()
		ReleaseAllLocked(&mu, &l, &wl, nil)
		for _, n := range nodes {
			require.Equal(t, Granted, n.State, "count %d", count)
			require.Nil(t, n.Waker)
		}
		mu.Unlock()
		wl.WakeAll(nil)
		want := make([]int, count)
		for i := range count {
			want[i] = i
			require.Equal(t, 1, probes[i].woken)
			require.False(t, probes[i].underMu, "node %d of %d woken under the lock", i, count)
		}
		require.Equal(t, want, seq, "woken once each, oldest first")
		require.Equal(t, count, l.Len(), "the arrivals during the release wait for the next generation")
		for i := range count {
			require.Equal(t, Queued, probes[i].arrived.State)
		}
	}
}

func TestSemInitIfZero(t *testing.T) {
	var s Sem
	require.False(t, s.Initialized())
	s.InitIfZero(1)
	require.True(t, s.Initialized())
	require.Equal(t, int64(1), s.Available())
	ok, err := s.TryAcquire(1)
	require.True(t, ok)
	require.NoError(t, err)
	s.InitIfZero(5)
	require.Zero(t, s.Available(), "a later call leaves the semaphore alone")

	var t2 Sem
	t2.Init(3)
	t2.InitIfZero(7)
	require.Equal(t, int64(3), t2.Available())
}
