//go:build !amd64 && !arm64

package noblock

// Self returns the calling goroutine's ID: its goroutine id, parsed from
// the first line of its stack trace, "goroutine 123 [running]:". The
// runtime has no cheaper portable way; amd64 and arm64 read the g pointer
// instead (self_asm.go).
func Self() ID { return ID(Goid()) }
