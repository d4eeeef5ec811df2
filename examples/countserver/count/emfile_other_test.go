//go:build !linux

package count

// runEMFILEChild: TestEMFILE lowers RLIMIT_NOFILE, which it does on Linux
// only, so elsewhere no process is its child.
func runEMFILEChild() (code int, ok bool) { return 0, false }
