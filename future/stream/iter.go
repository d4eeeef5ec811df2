package stream

import (
	"context"
	"iter"

	"github.com/spindle-rt/spindle/future"
)

// All returns an iterator over the values of s for goroutine code: each
// step polls s on the calling goroutine and parks the goroutine until s
// can make progress. Breaking out of the loop closes s (see Close). s is
// polled with no executor and no driver: streams that need the poll
// package's reactor must be consumed in a task. Do not use All inside a
// Poll: it would block a worker.
func All[T any](s Stream[T]) iter.Seq[T] {
	return func(yield func(T) bool) {
		for v, err := range AllContext(context.Background(), s) {
			if err != nil || !yield(v) {
				return
			}
		}
	}
}

// AllContext is All under a context: if ctx is done before s ends, the
// iterator yields the zero T with ctx.Err() once, closes s and stops.
// Every other step yields a value with a nil error.
func AllContext[T any](ctx context.Context, s Stream[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		p := &parker{ch: make(chan struct{}, 1)}
		cx := future.NewContext(p)
		stop := context.AfterFunc(ctx, p.Wake)
		defer stop()
		for {
			if err := ctx.Err(); err != nil {
				Close(s)
				var zero T
				yield(zero, err)
				return
			}
			it, ok := s.PollNext(cx).Value()
			if !ok {
				<-p.ch
				continue
			}
			if !it.Ok {
				return
			}
			if !yield(it.Value, nil) {
				Close(s)
				return
			}
		}
	}
}

// parker is the waker of a goroutine consuming a stream: a wake before the
// goroutine parks is kept by the one-slot channel, extra wakes merge.
type parker struct{ ch chan struct{} }

func (p *parker) Wake() {
	select {
	case p.ch <- struct{}{}:
	default:
	}
}
