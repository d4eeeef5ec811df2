//go:build !linux

package pool

const futexSemaSupported = false

func newFutexSemaOrNil() sema { return nil }
