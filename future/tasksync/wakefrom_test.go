package tasksync_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// UnlockFrom and NotifyOneFrom hand over through future.WakeFrom, so the
// pool keeps the woken task on the current worker.
func TestHandoverFromInsideAPollIsLocal(t *testing.T) {
	inPoll := future.NewContext(nil)
	inPoll.SetExt("w1")

	m := tasksync.NewMutex()
	g, _ := m.TryLock()
	lw := &futuretest.LocalWaker{}
	f := m.Lock()
	_, ok := f.Poll(future.NewContext(lw)).Value()
	require.False(t, ok)
	g.UnlockFrom(inPoll)
	assert.Equal(t, []any{"w1"}, lw.Locals())
	assert.Zero(t, lw.Wakes())
	g2, ok := f.Poll(future.NewContext(lw)).Value()
	require.True(t, ok)
	g2.Unlock()

	var n tasksync.Notify
	nw := &futuretest.LocalWaker{}
	_, ok = n.Notified().Poll(future.NewContext(nw)).Value()
	require.False(t, ok)
	n.NotifyOneFrom(inPoll)
	assert.Equal(t, []any{"w1"}, nw.Locals())
}
