//go:build !linux

package pool

func newFutexSemaOrNil() sema { return nil }
