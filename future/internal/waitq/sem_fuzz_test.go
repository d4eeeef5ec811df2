package waitq

import (
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
)

// acqOwner stands for the future that embeds an Acquire.
type acqOwner struct {
	a     Acquire
	n     int64
	seq   int // order of first poll
	woken atomic.Int32
	state int // 0 pending, 1 held, 2 released, 3 cancelled
}

func (o *acqOwner) Wake() { o.woken.Add(1) }

// semModel drives a Sem with a sequence of operations decoded from data
// and checks after each one that no permit is created or lost, that the
// queue is served in FIFO order, and that every grant woke its waiter.
func semModel(t *testing.T, data []byte) {
	if len(data) == 0 {
		return
	}
	capacity := int64(1 + data[0]%8)
	data = data[1:]
	var s Sem
	s.Init(capacity)
	var all []*acqOwner
	seq := 0
	pick := func(b byte, state int) *acqOwner {
		var c []*acqOwner
		for _, o := range all {
			if o.state == state {
				c = append(c, o)
			}
		}
		if len(c) == 0 {
			return nil
		}
		return c[int(b)%len(c)]
	}
	poll := func(o *acqOwner) {
		ok, err := PollAcquire(o, &o.a, &s, o.n, future.NewContext(o))
		require.NoError(t, err)
		if ok {
			o.state = 1
		}
	}
	for i := 0; i+1 < len(data); i += 2 {
		op, arg := data[i]%6, data[i+1]
		switch op {
		case 0: // a new acquire, polled once
			o := &acqOwner{n: int64(arg) % (capacity + 1), seq: seq}
			seq++
			if arg&0x80 != 0 {
				o.a.Adopt() // the owner is the node
			}
			all = append(all, o)
			poll(o)
		case 1: // poll a pending acquire again
			if o := pick(arg, 0); o != nil {
				poll(o)
			}
		case 2: // release held permits
			if o := pick(arg, 1); o != nil {
				o.state = 2
				s.Release(nil, o.n)
			}
		case 3: // cancel a pending acquire
			if o := pick(arg, 0); o != nil {
				o.state = 3
				o.a.Cancel(&s, o.n)
			}
		case 5: // reuse a released acquire for another round
			if o := pick(arg, 2); o != nil {
				o.a.Reset()
				o.state, o.seq = 0, seq
				seq++
				poll(o)
			}
		case 4: // a TryAcquire, released at once
			n := 1 + int64(arg)%capacity
			if ok, _ := s.TryAcquire(n); ok {
				require.Zero(t, s.Waiters(), "TryAcquire must not overtake waiters")
				s.Release(nil, n)
			}
		}
		checkSem(t, &s, capacity, all)
	}
	for _, o := range all {
		switch o.state {
		case 0:
			o.a.Cancel(&s, o.n)
		case 1:
			s.Release(nil, o.n)
		}
	}
	require.Equal(t, capacity, s.Available(), "every permit came back")
	require.Zero(t, s.Waiters())
	require.Zero(t, s.state.Load()&waitersBit)
}

func checkSem(t *testing.T, s *Sem, capacity int64, all []*acqOwner) {
	s.mu.Lock()
	defer s.mu.Unlock()
	total := s.Available()
	oldestQueued := -1
	for _, o := range all {
		w := o.a.node()
		switch {
		case o.state == 1:
			total += o.n
		case o.state == 0 && w != nil && w.State == Queued:
			total += o.n - w.Val // handed to it so far
			if oldestQueued < 0 || o.seq < oldestQueued {
				oldestQueued = o.seq
			}
		case o.state == 0 && w != nil && w.State == Granted:
			total += o.n
			require.Positive(t, o.woken.Load(), "a grant wakes its waiter")
		}
	}
	require.Equal(t, capacity, total, "permits are conserved")
	require.Equal(t, s.waiters.Len() > 0, s.state.Load()&waitersBit != 0, "waitersBit iff queue non-empty")
	if s.waiters.Len() > 0 {
		require.Zero(t, s.Available(), "no free permit while someone waits")
	}
	// FIFO: no waiter queued after the oldest still-queued one was granted.
	for _, o := range all {
		if w := o.a.node(); o.state == 0 && w != nil && w.State == Granted && oldestQueued >= 0 {
			require.Less(t, o.seq, oldestQueued, "granted out of FIFO order")
		}
	}
}

func FuzzSem(f *testing.F) {
	f.Add([]byte{3, 0, 2, 0, 2, 0, 1, 2, 0, 1, 0})
	f.Add([]byte{5, 0, 4, 0, 4, 0, 0, 3, 0, 2, 0, 1, 1})
	f.Fuzz(semModel)
}

func TestSemRandomized(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		data := make([]byte, 1+rng.IntN(200))
		for i := range data {
			data[i] = byte(rng.IntN(256))
		}
		semModel(t, data)
	}
}

func TestListRemoveMiddleKeepsLinks(t *testing.T) {
	var l List[int]
	ns := make([]*Node[int], 5)
	for i := range ns {
		ns[i] = &Node[int]{Val: i}
		l.PushBack(ns[i])
	}
	l.Remove(ns[2])
	l.Remove(ns[0])
	l.Remove(ns[4])
	var got []int
	for n := l.PopFront(); n != nil; n = l.PopFront() {
		got = append(got, n.Val)
	}
	require.Equal(t, []int{1, 3}, got)
	require.Zero(t, l.Len())
	require.Nil(t, l.Front())
}

// An acquire of 0 queued behind a waiter that is cancelled is granted at
// once: it needs nothing, and nobody is ahead of it any more.
func TestZeroAcquireBehindCancelledWaiter(t *testing.T) {
	var s Sem
	s.Init(0)
	big, zero := &acqOwner{n: 5}, &acqOwner{n: 0}
	ok, err := PollAcquire(big, &big.a, &s, 5, future.NewContext(big))
	require.NoError(t, err)
	require.False(t, ok)
	ok, err = PollAcquire(zero, &zero.a, &s, 0, future.NewContext(zero))
	require.NoError(t, err)
	require.False(t, ok, "FIFO: it waits behind big")
	big.a.Cancel(&s, 5)
	require.Equal(t, int32(1), zero.woken.Load())
	ok, err = PollAcquire(zero, &zero.a, &s, 0, future.NewContext(zero))
	require.NoError(t, err)
	require.True(t, ok)
	require.Zero(t, s.Waiters())
}
