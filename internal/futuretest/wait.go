package futuretest

import (
	"runtime"
	"testing"
	"time"
)

// patience bounds how long Eventually and EventuallyCollected wait. It only
// bounds a failure: a passing test returns as soon as its condition holds.
const patience = 30 * time.Second

// Eventually checks cond every millisecond on the calling goroutine until
// it holds, and fails the test with the formatted message if it still does
// not after 30s. Unlike require.Eventually it starts no goroutine, so cond
// may count goroutines; and it runs no collection, so a cleanup cannot make
// cond hold in place of the code under test (see EventuallyCollected).
func Eventually(t testing.TB, cond func() bool, format string, args ...any) {
	t.Helper()
	eventually(t, false, cond, format, args...)
}

// EventuallyCollected is Eventually with a garbage collection before each
// new check: for conditions that the cleanups of dropped futures bring
// about, which run on their own goroutine after a collection.
func EventuallyCollected(t testing.TB, cond func() bool, format string, args ...any) {
	t.Helper()
	eventually(t, true, cond, format, args...)
}

func eventually(t testing.TB, collect bool, cond func() bool, format string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf(format, args...)
		}
		if collect {
			runtime.GC()
		}
		time.Sleep(time.Millisecond)
	}
}

// HeapAfterGC returns the live heap in bytes after two collections, so
// that what the first one's cleanups and finalizers let go of has a chance
// to be collected too.
func HeapAfterGC() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
