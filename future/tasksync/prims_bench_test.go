package tasksync_test

import (
	"testing"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
)

// The costs a task pays on the common paths of the new primitives.

func BenchmarkOnceCellGet(b *testing.B) {
	var c tasksync.OnceCell[int]
	_ = c.Set(1)
	for b.Loop() {
		if _, ok := c.Get(); !ok {
			b.Fatal("empty")
		}
	}
}

func BenchmarkWaitGroupAddDoneWait(b *testing.B) {
	var wg tasksync.WaitGroup
	cx := future.NewContext(nil)
	for b.Loop() {
		wg.Add(1)
		f := wg.Wait()
		f.Poll(cx)
		wg.Done()
		f.Poll(cx)
	}
}

func BenchmarkTokenChildCancel(b *testing.B) {
	root := tasksync.NewCancellationToken()
	for b.Loop() {
		root.Child().Cancel()
	}
}

func BenchmarkTokenCancelledWait(b *testing.B) {
	cx := future.NewContext(nil)
	for b.Loop() {
		tok := tasksync.NewCancellationToken()
		f := tok.Cancelled()
		f.Poll(cx)
		tok.Cancel()
		f.Poll(cx)
	}
}

func BenchmarkBarrierOfTwo(b *testing.B) {
	bar := tasksync.NewBarrier(2)
	cx := future.NewContext(nil)
	for b.Loop() {
		f := bar.Wait()
		f.Poll(cx)
		bar.Wait().Poll(cx)
		f.Poll(cx)
	}
}
