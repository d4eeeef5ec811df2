package stream_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/stream"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

func double(v int) int  { return 2 * v }
func isEven(v int) bool { return v%2 == 0 }

func TestPipelines(t *testing.T) {
	tests := []struct {
		name string
		s    func() stream.Stream[int]
		want []int
	}{
		{"slice", func() stream.Stream[int] { return stream.FromSlice([]int{3, 1, 2}) }, []int{3, 1, 2}},
		{"empty slice", func() stream.Stream[int] { return stream.FromSlice[int](nil) }, nil},
		{"Empty", stream.Empty[int], nil},
		{"map", func() stream.Stream[int] { return stream.Map(stream.FromSlice(ints(4)), double) }, []int{0, 2, 4, 6}},
		{"filter", func() stream.Stream[int] { return stream.Filter(stream.FromSlice(ints(7)), isEven) }, []int{0, 2, 4, 6}},
		{"filter rejects all", func() stream.Stream[int] {
			return stream.Filter(stream.FromSlice([]int{1, 3, 5}), isEven)
		}, nil},
		{"take fewer", func() stream.Stream[int] { return stream.Take(stream.FromSlice(ints(10)), 3) }, []int{0, 1, 2}},
		{"take more than there is", func() stream.Stream[int] { return stream.Take(stream.FromSlice(ints(2)), 5) }, []int{0, 1}},
		{"take zero", func() stream.Stream[int] { return stream.Take(stream.FromSlice(ints(2)), 0) }, nil},
		{"take negative", func() stream.Stream[int] { return stream.Take(stream.FromSlice(ints(2)), -1) }, nil},
		{"map filter take", func() stream.Stream[int] {
			return stream.Take(stream.Filter(stream.Map(stream.FromSlice(ints(100)), double), func(v int) bool { return v%3 == 0 }), 4)
		}, []int{0, 6, 12, 18}},
		{"merge of ready sources alternates", func() stream.Stream[int] {
			return stream.Merge(stream.FromSlice([]int{1, 2, 3}), stream.FromSlice([]int{10, 20}))
		}, []int{1, 10, 2, 20, 3}},
		{"merge of nothing", func() stream.Stream[int] { return stream.Merge[int]() }, nil},
		{"seq", func() stream.Stream[int] { return stream.FromSeq(slices.Values(ints(200))) }, ints(200)},
		{"seq buffer 1", func() stream.Stream[int] { return stream.FromSeqBuffer(slices.Values(ints(50)), 1) }, ints(50)},
		{"buffered of ready futures", func() stream.Stream[int] {
			return stream.Buffered(stream.Map(stream.FromSlice(ints(5)), future.Done[int]), 2)
		}, ints(5)},
		{"unordered of ready futures", func() stream.Stream[int] {
			return stream.BufferUnordered(stream.Map(stream.FromSlice(ints(5)), future.Done[int]), 3)
		}, ints(5)},
		{"fuse", func() stream.Stream[int] { return stream.Fuse(stream.FromSlice(ints(3))) }, ints(3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, future.BlockOn(stream.Collect(tt.s())), "Collect")
			var got []int
			future.BlockOn(stream.ForEach(tt.s(), func(v int) { got = append(got, v) }))
			assert.Equal(t, tt.want, got, "ForEach")
			assert.Equal(t, tt.want, slices.Collect(stream.All(tt.s())), "All")
		})
	}
}

func TestPollAfterEndPanics(t *testing.T) {
	tests := []struct {
		name string
		s    stream.Stream[int]
	}{
		{"slice", stream.FromSlice(ints(1))},
		{"take", stream.Take(stream.FromSlice(ints(3)), 1)},
		{"take zero", stream.Take(stream.FromSlice(ints(3)), 0)},
		{"merge", stream.Merge(stream.FromSlice(ints(1)))},
		{"seq", stream.FromSeq(slices.Values(ints(1)))},
		{"buffered", stream.Buffered(stream.Map(stream.FromSlice(ints(1)), future.Done[int]), 1)},
		{"unordered", stream.BufferUnordered(stream.Map(stream.FromSlice(ints(1)), future.Done[int]), 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for {
				if it, ok := tt.s.PollNext(future.NewContext(nil)).Value(); ok && !it.Ok {
					break
				}
			}
			defer func() {
				e, ok := recover().(*future.MisuseError)
				require.True(t, ok, "want a *future.MisuseError panic")
				assert.ErrorIs(t, e, stream.ErrPolledAfterEnd)
				assert.Contains(t, e.Error(), "stream.")
			}()
			tt.s.PollNext(future.NewContext(nil))
		})
	}
}

func TestFuturesPanicWhenPolledAfterReady(t *testing.T) {
	fs := map[string]func(*future.Context){
		"Collect": func(cx *future.Context) {
			f := stream.Collect(stream.FromSlice(ints(1)))
			f.Poll(cx)
			f.Poll(cx)
		},
		"ForEach": func(cx *future.Context) {
			f := stream.ForEach(stream.FromSlice(ints(1)), func(int) {})
			f.Poll(cx)
			f.Poll(cx)
		},
		"Next": func(cx *future.Context) {
			f := stream.Next(stream.FromSlice(ints(1)))
			f.Poll(cx)
			f.Poll(cx)
		},
	}
	for name, fn := range fs {
		t.Run(name, func(t *testing.T) {
			defer func() {
				e, ok := recover().(*future.MisuseError)
				require.True(t, ok)
				assert.ErrorIs(t, e, future.ErrPolledAfterReady)
			}()
			fn(future.NewContext(nil))
		})
	}
}

func TestFuseKeepsEnding(t *testing.T) {
	src := &pushStream[int]{}
	s := stream.Fuse[int](src)
	cx, _ := futuretest.NewContext()
	src.push(1)
	src.end()
	vs, ended := drain(cx, s)
	require.True(t, ended)
	assert.Equal(t, []int{1}, vs)
	polls := src.polls
	for range 3 {
		it, ok := s.PollNext(cx).Value()
		require.True(t, ok)
		assert.False(t, it.Ok)
	}
	assert.Equal(t, polls, src.polls, "a fused stream never polls its source after End")
}

func TestNextTakesOneItemAtATime(t *testing.T) {
	s := stream.FromSlice([]string{"a", "b"})
	assert.Equal(t, stream.Item[string]{Value: "a", Ok: true}, future.BlockOn(stream.Next(s)))
	assert.Equal(t, stream.Item[string]{Value: "b", Ok: true}, future.BlockOn(stream.Next(s)))
	assert.Equal(t, stream.Item[string]{}, future.BlockOn(stream.Next(s)))
}

func TestMisuseOfBufferSizes(t *testing.T) {
	src := stream.Map(stream.FromSlice(ints(1)), future.Done[int])
	for name, fn := range map[string]func(){
		"Buffered":        func() { stream.Buffered(src, 0) },
		"BufferUnordered": func() { stream.BufferUnordered(src, -1) },
		"FromSeqBuffer":   func() { stream.FromSeqBuffer(slices.Values(ints(1)), 0) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				e, ok := recover().(*future.MisuseError)
				require.True(t, ok)
				assert.Contains(t, e.Error(), "stream."+name)
			}()
			fn()
		})
	}
}

func TestPollAfterClosePanics(t *testing.T) {
	mk := map[string]func() stream.Stream[int]{
		"seq":   func() stream.Stream[int] { return stream.FromSeq(slices.Values(ints(3))) },
		"take":  func() stream.Stream[int] { return stream.Take(stream.FromSlice(ints(3)), 2) },
		"merge": func() stream.Stream[int] { return stream.Merge(stream.FromSlice(ints(3))) },
		"buffered": func() stream.Stream[int] {
			return stream.Buffered(stream.Map(stream.FromSlice(ints(3)), future.Done[int]), 2)
		},
		"unordered": func() stream.Stream[int] {
			return stream.BufferUnordered(stream.Map(stream.FromSlice(ints(3)), future.Done[int]), 2)
		},
	}
	for name, fn := range mk {
		t.Run(name, func(t *testing.T) {
			s := fn()
			s.PollNext(future.NewContext(nil))
			require.NoError(t, stream.Close(s))
			defer func() {
				e, ok := recover().(*future.MisuseError)
				require.True(t, ok, "want a *future.MisuseError panic, not a hang")
				assert.ErrorIs(t, e, stream.ErrPolledAfterClose)
			}()
			s.PollNext(future.NewContext(nil))
		})
	}
}
