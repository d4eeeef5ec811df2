//go:build linux

package async

import "golang.org/x/sys/unix"

// threadID identifies the calling OS thread, so a pinned task can tell that
// it is being resumed on another thread before the runtime would throw.
func threadID() int { return unix.Gettid() }
