package channel

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzRing checks the ring against a slice: pushes (odd bytes) and pops
// (even bytes) in any order keep FIFO order and length, across growth.
func FuzzRing(f *testing.F) {
	f.Add([]byte{1, 3, 5, 0, 7, 9, 11, 13, 15, 17, 19, 21, 0, 0, 23})
	f.Fuzz(func(t *testing.T, ops []byte) {
		var r ring[byte]
		var model []byte
		for _, op := range ops {
			if op%2 == 1 {
				r.push(op)
				model = append(model, op)
			} else {
				v, ok := r.pop()
				require.Equal(t, len(model) > 0, ok)
				if ok {
					require.Equal(t, model[0], v)
					model = model[1:]
				}
			}
			require.Equal(t, len(model), r.len())
		}
	})
}
