//go:build !linux

package pool

import (
	"errors"
	"runtime"
)

func affinitySupported() error {
	return errors.New("pool: WithAffinity: CPU affinity is supported on Linux only, not " + runtime.GOOS)
}

func setAffinity(cpu int) error { return affinitySupported() }
