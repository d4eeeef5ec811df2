//go:build !linux

package async

// threadID has no portable, cgo-free source outside Linux: every thread
// reports 0, so a pinned task (see thread.go) cannot detect that it is
// resumed on another thread there and the runtime's own check reports it.
func threadID() int { return 0 }
