package future_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// requireMisuse runs fn and requires it to panic with a *MisuseError that
// wraps target and whose message names a type containing typeName.
func requireMisuse(t *testing.T, target error, typeName string, fn func()) {
	t.Helper()
	e := futuretest.RequireMisuse(t, target, fn)
	require.Contains(t, e.Future, typeName)
	require.Contains(t, e.Error(), typeName)
}

// drive polls f with cx until it is Ready, at most limit times.
func drive[T any](t *testing.T, f future.Future[T], cx *future.Context, limit int) T {
	t.Helper()
	for range limit {
		if v, ok := f.Poll(cx).Value(); ok {
			return v
		}
	}
	require.FailNow(t, fmt.Sprintf("%T not ready after %d polls", f, limit))
	panic("unreachable")
}

// closeAfterFirstPoll returns f with start closed right after its first
// poll, so that goroutines waiting on start wake f's children only once
// they have wakers to wake.
func closeAfterFirstPoll[T any](f future.Future[T], start chan struct{}) future.Future[T] {
	first := true
	return future.Func[T](func(cx *future.Context) future.Poll[T] {
		r := f.Poll(cx)
		if first {
			first = false
			close(start)
		}
		return r
	})
}
