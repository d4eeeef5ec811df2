package pooltest_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// These tests run package channel over many schedules and check its
// promises: nothing accepted is lost or duplicated, order per sender is
// kept, closing wakes every waiter with the right outcome.

func TestOneshotDeliversOrReportsClose(t *testing.T) {
	pooltest.RunSeeds(t, seeds, func(s *pooltest.Sched) {
		tx, rx := channel.NewOneshot[int]()
		mode := s.Rand().IntN(3) // 0 send, 1 sender closes, 2 receiver closes
		sent := goTask(s, func(a *async.Awaiter) error {
			yieldN(s, a, 4)
			switch mode {
			case 0:
				return tx.Send(42)
			case 1:
				tx.Close()
				return nil
			}
			yieldN(s, a, 4)
			return tx.Send(7)
		})
		got := goTask(s, func(a *async.Awaiter) future.Result[int] {
			yieldN(s, a, 4)
			if mode == 2 {
				rx.Close()
				return future.Err[int](channel.ErrClosed)
			}
			return async.Await(a, future.Future[future.Result[int]](rx))
		})
		s.Wait()
		serr, _ := sent.Value()
		r, _ := got.Value()
		switch mode {
		case 0:
			require.NoError(s, serr)
			require.Equal(s, future.Ok(42), r)
		case 1:
			require.ErrorIs(s, r.Err, channel.ErrClosed)
		case 2:
			// The send fails and hands the value back, unless it came
			// before the receiver's Close (then the value is dropped with
			// the receiver, which is what Close means).
			var se *channel.SendError[int]
			if serr != nil {
				require.ErrorAs(s, serr, &se)
				require.Equal(s, 7, se.Value)
			}
		}
	})
}

func TestBoundedMPSCLosesNothingAndKeepsSenderOrder(t *testing.T) {
	pooltest.RunSeeds(t, seeds, boundedBody)
}

func boundedBody(s *pooltest.Sched) {
	capacity := 1 + s.Rand().IntN(3)
	producers := 1 + s.Rand().IntN(3)
	per := 1 + s.Rand().IntN(6)
	tx, rx := channel.Bounded[[2]int](capacity)
	for p := range producers {
		ptx := tx.Clone()
		goTask(s, func(a *async.Awaiter) struct{} {
			defer ptx.Close()
			for i := range per {
				yieldN(s, a, 3)
				_, err := async.Await(a, ptx.Send([2]int{p, i})).Get()
				require.NoError(s, err)
			}
			return struct{}{}
		})
	}
	tx.Close()
	next := make([]int, producers)
	total := pooltest.BlockOn(s, async.New(func(a *async.Awaiter) int {
		n := 0
		for {
			require.LessOrEqual(s, rx.Len(), capacity, "buffer over capacity")
			yieldN(s, a, 3)
			v, err := async.Await(a, rx.Recv()).Get()
			if err != nil {
				require.ErrorIs(s, err, channel.ErrClosed)
				return n
			}
			require.Equal(s, next[v[0]], v[1], "producer %d out of order", v[0])
			next[v[0]]++
			n++
		}
	}))
	require.Equal(s, producers*per, total)
}

// TestBoundedMPSCBackpressure checks that a sender waits while the buffer
// is full and that closing the receiver fails the waiting sends, handing
// their values back, while values accepted before stay receivable.
func TestBoundedMPSCBackpressure(t *testing.T) {
	pooltest.RunSeeds(t, seeds, func(s *pooltest.Sched) {
		tx, rx := channel.Bounded[int](1)
		const n = 5
		accepted := 0
		var refused []int
		goTask(s, func(a *async.Awaiter) struct{} {
			defer tx.Close()
			for i := range n {
				_, err := async.Await(a, tx.Send(i)).Get()
				if err != nil {
					var se *channel.SendError[int]
					require.ErrorAs(s, err, &se)
					require.ErrorIs(s, err, channel.ErrClosed)
					refused = append(refused, se.Value)
					continue
				}
				accepted++
			}
			return struct{}{}
		})
		keep := s.Rand().IntN(n + 1)
		got := pooltest.BlockOn(s, async.New(func(a *async.Awaiter) []int {
			var got []int
			for len(got) < keep {
				v, err := async.Await(a, rx.Recv()).Get()
				require.NoError(s, err)
				got = append(got, v)
				// Never more accepted than received plus the one slot.
				require.LessOrEqual(s, accepted, len(got)+1)
			}
			yieldN(s, a, 3)
			rx.Close()
			for {
				v, err := async.Await(a, rx.Recv()).Get()
				if errors.Is(err, channel.ErrClosed) {
					return got
				}
				require.NoError(s, err)
				got = append(got, v)
			}
		}))
		s.Wait()
		require.Equal(s, accepted, len(got), "an accepted value was lost")
		require.Equal(s, n, accepted+len(refused))
		for i, v := range got {
			require.Equal(s, i, v)
		}
		for i, v := range refused {
			require.Equal(s, accepted+i, v)
		}
	})
}

func TestBroadcastEveryReceiverSeesEveryValueOnceOrALag(t *testing.T) {
	pooltest.RunSeeds(t, seeds, broadcastBody)
}

func broadcastBody(s *pooltest.Sched) {
	capacity := 1 + s.Rand().IntN(4)
	n := 1 + s.Rand().IntN(8)
	tx, rx0 := channel.NewBroadcast[int](capacity)
	receivers := []*channel.BroadcastReceiver[int]{rx0}
	for range s.Rand().IntN(3) {
		receivers = append(receivers, tx.Subscribe())
	}
	goTask(s, func(a *async.Awaiter) struct{} {
		for i := range n {
			yieldN(s, a, 3)
			require.NoError(s, tx.Send(i))
		}
		tx.Close()
		return struct{}{}
	})
	for _, rx := range receivers {
		goTask(s, func(a *async.Awaiter) struct{} {
			defer rx.Close()
			next := 0 // values below next were received or reported missed
			for {
				yieldN(s, a, 3)
				v, err := async.Await(a, rx.Recv()).Get()
				var lag *channel.LaggedError
				switch {
				case errors.As(err, &lag):
					next += int(lag.Missed)
					require.Less(s, next, n)
				case err != nil:
					require.ErrorIs(s, err, channel.ErrClosed)
					require.Equal(s, n, next, "values neither received nor reported missed")
					return struct{}{}
				default:
					require.Equal(s, next, v, "duplicated, reordered or silently skipped")
					next++
				}
			}
		})
	}
}

func TestWatchSeesTheLatestValueInOrder(t *testing.T) {
	pooltest.RunSeeds(t, seeds, func(s *pooltest.Sched) {
		n := 1 + s.Rand().IntN(8)
		tx, rx0 := channel.NewWatch(0)
		receivers := []*channel.WatchReceiver[int]{rx0}
		for range s.Rand().IntN(3) {
			receivers = append(receivers, rx0.Clone())
		}
		goTask(s, func(a *async.Awaiter) struct{} {
			for i := 1; i <= n; i++ {
				yieldN(s, a, 3)
				tx.Send(i)
			}
			tx.Close()
			return struct{}{}
		})
		for _, rx := range receivers {
			goTask(s, func(a *async.Awaiter) struct{} {
				defer rx.Close()
				last := 0
				for {
					yieldN(s, a, 3)
					_, err := async.Await(a, rx.Changed()).Get()
					if err != nil {
						require.ErrorIs(s, err, channel.ErrClosed)
						// Close comes after the last send: nothing newer
						// than what was seen may be left unseen.
						require.Equal(s, n, rx.Borrow())
						return struct{}{}
					}
					v := rx.Borrow()
					require.Greater(s, v, last, "Changed without a newer value")
					last = v
				}
			})
		}
	})
}

func TestUnboundedMPSCLosesNothingWhenSendersCloseAnyTime(t *testing.T) {
	pooltest.RunSeeds(t, seeds, func(s *pooltest.Sched) {
		producers := 1 + s.Rand().IntN(4)
		per := s.Rand().IntN(6)
		tx, rx := channel.Unbounded[[2]int]()
		for p := range producers {
			ptx := tx.Clone()
			goTask(s, func(a *async.Awaiter) struct{} {
				for i := range per {
					yieldN(s, a, 3)
					require.NoError(s, ptx.Send([2]int{p, i}))
				}
				ptx.Close()
				return struct{}{}
			})
		}
		tx.Close()
		next := make([]int, producers)
		got := pooltest.BlockOn(s, async.New(func(a *async.Awaiter) int {
			n := 0
			for {
				yieldN(s, a, 2)
				v, err := async.Await(a, rx.Recv()).Get()
				if err != nil {
					require.ErrorIs(s, err, channel.ErrClosed)
					return n
				}
				require.Equal(s, next[v[0]], v[1], "producer %d out of order", v[0])
				next[v[0]]++
				n++
			}
		}))
		require.Equal(s, producers*per, got)
	})
}
