package pooltest_test

import (
	"testing"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// pingPongFutures is a NotifyOne handshake of rounds between two
// hand-written futures.
func pingPongFutures(ping, pong *tasksync.Notify, rounds int) (a, b future.Future[int]) {
	i, j := 0, 0
	var wa, wb *tasksync.Notified
	a = future.Func[int](func(cx *future.Context) future.Poll[int] {
		for i < rounds {
			if wa == nil {
				ping.NotifyOne()
				wa = pong.Notified()
			}
			if wa.Poll(cx).IsPending() {
				return future.Pending[int]()
			}
			wa = nil
			i++
		}
		return future.Ready(i)
	})
	b = future.Func[int](func(cx *future.Context) future.Poll[int] {
		for j < rounds {
			if wb == nil {
				wb = ping.Notified()
			}
			if wb.Poll(cx).IsPending() {
				return future.Pending[int]()
			}
			wb = nil
			j++
			pong.NotifyOne()
		}
		return future.Ready(j)
	})
	return a, b
}

// BenchmarkSchedule measures one seeded schedule of a 100-round ping-pong
// between two tasks (about 200 polls), beside the plain-Go test a user
// would write instead: two goroutines ping-ponging over channels, which
// explores nothing.
func BenchmarkSchedule(b *testing.B) {
	const rounds = 100
	b.Run("pooltest", func(b *testing.B) {
		seed := uint64(0)
		for b.Loop() {
			seed++
			if f := pooltest.Explore([]uint64{seed}, func(s *pooltest.Sched) {
				var ping, pong tasksync.Notify
				x, y := pingPongFutures(&ping, &pong, rounds)
				pooltest.Spawn(s, x)
				pooltest.Spawn(s, y)
			}); f != nil {
				b.Fatal(f)
			}
		}
	})
	b.Run("goroutines", func(b *testing.B) {
		for b.Loop() {
			ping, pong := make(chan struct{}), make(chan struct{})
			done := make(chan struct{})
			go func() {
				for range rounds {
					<-ping
					pong <- struct{}{}
				}
				close(done)
			}()
			for range rounds {
				ping <- struct{}{}
				<-pong
			}
			<-done
		}
	})
}
