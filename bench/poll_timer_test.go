package bench

import (
	"context"
	"testing"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
)

// BenchmarkPollTimerCreateCancel: arm a one-hour timer and cancel it, with
// pollTimerBackground other timers pending (a realistic heap depth). The
// plain-Go ways to do the same: time.NewTimer + Stop, time.AfterFunc +
// Stop; and bounding an operation that finishes at once: poll.Timeout vs
// context.WithTimeout + cancel.
func BenchmarkPollTimerCreateCancel(b *testing.B) {
	const pollTimerBackground = 10_000
	b.Run("spindle-sleep-arm-cancel", func(b *testing.B) {
		r, cx := pollReactorCx(b)
		keep := pollArm(b, cx, pollTimerBackground)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			s := poll.Sleep(time.Hour)
			s.Poll(cx)
			s.Cancel()
		}
		b.StopTimer()
		if r.Stats().Timers != pollTimerBackground {
			b.Fatal("timers leaked")
		}
		_ = keep
	})
	b.Run("go-timer-new-stop", func(b *testing.B) {
		keep := make([]*time.Timer, pollTimerBackground)
		for i := range keep {
			keep[i] = time.NewTimer(time.Hour + time.Duration(i))
		}
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			t := time.NewTimer(time.Hour)
			t.Stop()
		}
		b.StopTimer()
		for _, t := range keep {
			t.Stop()
		}
	})
	b.Run("go-afterfunc-stop", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			time.AfterFunc(time.Hour, func() {}).Stop()
		}
	})
	b.Run("spindle-timeout-ready", func(b *testing.B) {
		_, cx := pollReactorCx(b)
		ready := future.Func[int](func(*future.Context) future.Poll[int] { return future.Ready(1) })
		b.ReportAllocs()
		for range b.N {
			poll.Timeout[int](ready, time.Hour).Poll(cx)
		}
	})
	b.Run("go-context-withtimeout", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			_, cancel := context.WithTimeout(context.Background(), time.Hour)
			cancel()
		}
	})
}

// pollReactorCx returns a reactor (closed at the end of b) and a context
// whose driver it is, for polling timers by hand.
func pollReactorCx(b *testing.B) (*poll.Reactor, *future.Context) {
	r, err := poll.NewReactor()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	cx := future.NewContext(nil)
	cx.SetDriver(r)
	return r, cx
}

func pollArm(b *testing.B, cx *future.Context, n int) []*poll.SleepFuture {
	keep := make([]*poll.SleepFuture, n)
	for i := range keep {
		keep[i] = poll.Sleep(time.Hour + time.Duration(i))
		if keep[i].Poll(cx).IsReady() {
			b.Fatal("a one-hour sleep completed")
		}
	}
	return keep
}
