package pool

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

// TestTaskSize pins the size of a task, which is what a pending task
// costs: 80 bytes, a size class, for struct{}, a pointer or an int.
func TestTaskSize(t *testing.T) {
	assert.Equal(t, uintptr(72), unsafe.Sizeof(JoinHandle[struct{}]{}))
	assert.Equal(t, uintptr(80), unsafe.Sizeof(JoinHandle[int]{}))
	assert.Equal(t, uintptr(80), unsafe.Sizeof(JoinHandle[*int]{}))
}
