//go:build amd64 || arm64

package noblock

// Self returns the calling goroutine's ID: the address of its runtime g,
// read by getg (self_amd64.s, self_arm64.s), about a nanosecond where
// parsing the goroutine id out of runtime.Stack (self_other.go) costs a
// microsecond (BenchmarkSelf, BenchmarkGoidFromStack).
//
// Why it is sound: the address is only compared, never dereferenced, so
// the garbage collector has nothing to track. The runtime never frees a
// g (allgs keeps them), so two live goroutines never share one; a dead
// goroutine's g is reused by a later one, which is why a slot holds an ID
// only while its goroutine lives (package comment).
func Self() ID { return ID(getg()) }

func getg() uintptr
