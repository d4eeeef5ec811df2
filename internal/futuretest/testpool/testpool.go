// Package testpool starts the task pool that the pool-backed tests of the
// future tree share. It is apart from package futuretest so that the tests
// of package future itself, which run no pool, do not build against pool.
package testpool

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/pool"
)

// New starts a pool of two workers (so that tasks move between workers on
// any machine), with opts applied after that default, and shuts it down
// when the test ends, failing the test if Shutdown does.
func New(t testing.TB, opts ...pool.Option) *pool.Pool {
	t.Helper()
	p, err := pool.New(append([]pool.Option{pool.WithWorkers(2)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, p.Shutdown(context.Background())) })
	return p
}
