//go:build linux

package pool

import (
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// futexSema parks the worker's thread in the futex system call directly,
// skipping the Go scheduler's hand-off of a locked goroutine (which costs
// a second thread switch). The word is 0 (no token), 1 (token), or 2 (no
// token, a waiter may sleep): post wakes the kernel only in state 2.
type futexSema struct{ v atomic.Uint32 }

func newFutexSema() *futexSema { return &futexSema{} }

func (s *futexSema) wait() {
	for {
		if s.v.CompareAndSwap(1, 0) {
			return
		}
		if s.v.CompareAndSwap(0, 2) || s.v.Load() == 2 {
			futex(&s.v, futexWaitPrivate, 2)
		}
	}
}

func (s *futexSema) post() {
	if s.v.Swap(1) == 2 {
		futex(&s.v, futexWakePrivate, 1)
	}
}

// futex calls futex(2) on addr. unsafe.Pointer is how a Go address is
// passed to a system call; the word lives in the worker, which outlives
// every call.
func futex(addr *atomic.Uint32, op int, val uint32) {
	// Syscall, not RawSyscall: the scheduler must know this thread is
	// blocked so that its P can run other goroutines and GC can proceed.
	_, _, _ = unix.Syscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), uintptr(op), uintptr(val), 0, 0, 0)
}

func newFutexSemaOrNil() sema { return newFutexSema() }

// From linux/futex.h: FUTEX_WAIT and FUTEX_WAKE with FUTEX_PRIVATE_FLAG.
const (
	futexWaitPrivate = 0 | 128
	futexWakePrivate = 1 | 128
)
