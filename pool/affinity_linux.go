//go:build linux

package pool

import (
	"fmt"

	"golang.org/x/sys/unix"
)

func affinitySupported() error { return nil }

// setAffinity pins the calling thread (the worker's, locked) to cpu.
func setAffinity(cpu int) error {
	var set unix.CPUSet
	set.Set(cpu)
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		return fmt.Errorf("pool: pinning worker to CPU %d: %w", cpu, err)
	}
	return nil
}
