package testpool_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/futuretest/testpool"
	"github.com/spindle-rt/spindle/pool"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// goleak in TestMain checks that the pool New started was shut down.
func TestNewRunsTasksOnTwoWorkers(t *testing.T) {
	p := testpool.New(t, pool.WithName("testpool"))
	v, err := pool.BlockOn(p, future.Done(3))
	require.NoError(t, err)
	assert.Equal(t, 3, v)
	assert.Len(t, p.Stats().PerWorker, 2)
	assert.Equal(t, "testpool", p.Stats().Name, "opts apply after the default")
}
