package pool

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"

	"github.com/spindle-rt/spindle/future"
)

// TestTaskSize pins the size of a task, which is what a pending task
// costs: 64 bytes, a size class, for struct{}, a pointer or an int, and 80
// for a Result of a pointer (a task of Semaphore.Acquire, of a oneshot).
func TestTaskSize(t *testing.T) {
	assert.Equal(t, uintptr(56), unsafe.Sizeof(JoinHandle[struct{}]{}))
	assert.Equal(t, uintptr(64), unsafe.Sizeof(JoinHandle[int]{}))
	assert.Equal(t, uintptr(64), unsafe.Sizeof(JoinHandle[*int]{}))
	assert.Equal(t, uintptr(80), unsafe.Sizeof(JoinHandle[future.Result[*int]]{}))
}

// TestTaskSelf checks what taskself.go relies on: a header's self is the
// typed task, with the header's address as its data, for every shape of
// T, and through it the task's methods run on that task.
func TestTaskSelf(t *testing.T) {
	check := func(h *header, want runnable) {
		t.Helper()
		got := h.self()
		assert.Same(t, want, got)
		assert.Equal(t, unsafe.Pointer(h), (*[2]unsafe.Pointer)(unsafe.Pointer(&got))[1])
		assert.Same(t, h, got.(interface{ hdr() *header }).hdr())
	}
	a := &JoinHandle[struct{}]{}
	a.t.h.setSelf(&a.t)
	check(&a.t.h, &a.t)
	b := &JoinHandle[future.Result[*int]]{}
	b.t.h.setSelf(&b.t)
	check(&b.t.h, &b.t)
	c := &JoinHandle[[3]string]{}
	c.t.h.setSelf(&c.t)
	check(&c.t.h, &c.t)
}
