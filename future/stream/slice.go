package stream

import "github.com/spindle-rt/spindle/future"

// FromSlice returns a stream of the elements of s, in order. The stream
// reads s as it goes: do not modify s while the stream is in use.
func FromSlice[T any](s []T) Stream[T] { return &sliceStream[T]{s: s} }

// sliceStream is a leaf stream: it spends one unit of the task's budget per
// element, so draining a long slice still lets the worker run other tasks.
type sliceStream[T any] struct {
	s    []T
	i    int
	done bool
}

func (st *sliceStream[T]) PollNext(cx *future.Context) future.Poll[Item[T]] {
	if st.i >= len(st.s) {
		if st.done {
			panicPolledAfterEnd(st)
		}
		st.done = true
		return End[T]()
	}
	if !future.Coop(cx) {
		return future.Pending[Item[T]]()
	}
	v := st.s[st.i]
	st.i++
	return Some(v)
}

// Empty returns a stream that ends at once.
func Empty[T any]() Stream[T] { return &sliceStream[T]{} }
