package pool

import "unsafe"

// A queue holds a task as its *header; header.self leads back to the typed
// task. The interface that does so, a runnable holding the *task[T], would
// take 16 bytes of every task, and half of it, the data word, would repeat
// the header's own address (the header is the task's first field, and the
// task the JoinHandle's). So a header keeps only the other half, the
// interface's type word (its itab), and self puts the two back together.
// Those 8 bytes are a size class for a task with a struct{}, pointer or
// Result value (64 bytes instead of 72 or 80; 80 instead of 88), which is
// what a spawned task costs.
//
// Soundness: a non-empty interface value is two words, the itab and the
// data pointer, in that order (runtime.iface); a *task[T] stored in a
// runnable is a pointer-shaped value, so the data word is the pointer
// itself, and that pointer equals the header's address (TestTaskSelf checks
// both). The itab is never in the garbage-collected heap (static, or
// persistentalloc'd by the runtime), so keeping it in an unsafe.Pointer
// field hides nothing from the collector, and the rebuilt interface holds
// the header's address, which the caller already holds.

// setSelf records r, whose data word must be h's address, as h's task.
func (h *header) setSelf(r runnable) {
	h.tab = (*[2]unsafe.Pointer)(unsafe.Pointer(&r))[0]
}

// self returns the typed task h is the header of.
func (h *header) self() runnable {
	var r runnable
	w := (*[2]unsafe.Pointer)(unsafe.Pointer(&r))
	w[0], w[1] = h.tab, unsafe.Pointer(h)
	return r
}
