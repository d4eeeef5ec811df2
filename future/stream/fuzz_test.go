package stream_test

import (
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/stream"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// FuzzBuffered drives Buffered and BufferUnordered with a script: the first
// byte picks n and the ordering, each following byte either polls the
// stream or completes one of the futures. After every step: no more than n
// futures started and not yielded, values come out in order (Buffered) or
// only after their future completed (BufferUnordered), and at the end every
// value came out exactly once.
func FuzzBuffered(f *testing.F) {
	f.Add([]byte{0x02, 1, 0, 3, 0, 0, 2, 0})
	f.Add([]byte{0x81, 0, 0, 0, 0})
	f.Add([]byte{0x07, 5, 4, 3, 2, 1, 0, 0, 0, 9, 9})
	f.Add([]byte{0x83, 1, 1, 1, 0, 2, 2, 0, 6, 0})
	f.Fuzz(func(t *testing.T, script []byte) {
		if len(script) == 0 {
			return
		}
		const total = 12
		n := int(script[0]&0x0f)%5 + 1
		ordered := script[0]&0x80 == 0
		gs, src := gates(total)
		var s stream.Stream[int]
		if ordered {
			s = stream.Buffered(src, n)
		} else {
			s = stream.BufferUnordered(src, n)
		}
		cx, _ := futuretest.NewContext()
		finished := make([]bool, total)
		var out []int
		ended := false
		check := func(vs []int) {
			for _, v := range vs {
				require.True(t, finished[v], "value %d before its future completed", v)
				if ordered {
					require.Equal(t, len(out), v, "Buffered keeps the source's order")
				}
				out = append(out, v)
			}
			require.LessOrEqual(t, started(gs)-len(out), n, "at most n futures in the window")
		}
		for _, b := range script[1:] {
			if b == 0 {
				if !ended {
					var vs []int
					vs, ended = drain(cx, s)
					check(vs)
				}
				continue
			}
			k := int(b) % total
			if !finished[k] {
				finished[k] = true
				gs[k].Open(k)
			}
		}
		for k := range finished {
			if !finished[k] {
				finished[k] = true
				gs[k].Open(k)
			}
		}
		for !ended {
			var vs []int
			vs, ended = drain(cx, s)
			check(vs)
		}
		require.ElementsMatch(t, ints(total), out)
	})
}

// FuzzFromSeq drives the FromSeq hand-over with a script: the first byte
// picks the batch size, each following byte makes the consumer take that
// many values (mod 16) and yield its goroutine in between, and the end of
// the script closes the stream. The values must be exactly 0, 1, 2, ...,
// the producer must never be more than 2n+1 values ahead, and after Close
// the producer goroutine of the endless sequence must return.
func FuzzFromSeq(f *testing.F) {
	f.Add([]byte{1, 3, 0, 5})
	f.Add([]byte{4, 15, 15, 15, 1})
	f.Add([]byte{64, 2})
	f.Add([]byte{7})
	f.Fuzz(func(t *testing.T, script []byte) {
		if len(script) == 0 {
			return
		}
		n := int(script[0])%16 + 1
		var produced atomic.Int64
		stopped := make(chan struct{})
		s := stream.FromSeqBuffer(counting(&produced, stopped), n)
		taken := 0
		for _, b := range script[1:] {
			for range int(b) % 16 {
				it := future.BlockOn(stream.Next(s))
				require.True(t, it.Ok)
				require.Equal(t, taken, it.Value)
				taken++
				require.LessOrEqual(t, produced.Load()-int64(taken), int64(2*n)+1)
			}
			runtime.Gosched()
		}
		require.NoError(t, stream.Close(s))
		if taken == 0 {
			require.Zero(t, produced.Load(), "a stream never polled never runs its Seq")
			return
		}
		<-stopped // hangs (and fails the fuzzer) if Close does not stop it
	})
}
