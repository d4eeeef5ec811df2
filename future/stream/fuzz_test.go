package stream_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future/stream"
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
		cx, _ := newCx()
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
				gs[k].finish(k)
			}
		}
		for k := range finished {
			if !finished[k] {
				finished[k] = true
				gs[k].finish(k)
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
