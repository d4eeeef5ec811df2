package futuretest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
)

// Catch runs fn and returns what it panicked with, or nil if it returned.
func Catch(fn func()) (r any) {
	defer func() { r = recover() }()
	fn()
	return nil
}

// RequireMisuse runs fn and requires it to panic with a *future.MisuseError
// that wraps want. It returns that error for further checks.
func RequireMisuse(t testing.TB, want error, fn func()) *future.MisuseError {
	t.Helper()
	return RequireMisuseValue(t, Catch(fn), want)
}

// RequireMisuseValue requires r, a value recovered from a panic, to be a
// *future.MisuseError that wraps want, and returns it.
func RequireMisuseValue(t testing.TB, r any, want error) *future.MisuseError {
	t.Helper()
	e, ok := r.(*future.MisuseError)
	require.True(t, ok, "want a *future.MisuseError panic, got %T %v", r, r)
	require.ErrorIs(t, e, want)
	return e
}
