package pool

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

// TestTaskSize pins the size of a task, which is what a pending task
// costs (the size classes above are 96 and 112 bytes).
func TestTaskSize(t *testing.T) {
	assert.Equal(t, uintptr(80), unsafe.Sizeof(JoinHandle[struct{}]{}))
	assert.Equal(t, uintptr(88), unsafe.Sizeof(JoinHandle[int]{}))
}
