package channel

import "unsafe"

// OneshotSize returns the size of a oneshot's shared state for T.
func OneshotSize[T any]() uintptr { return unsafe.Sizeof(oneshot[T]{}) }
