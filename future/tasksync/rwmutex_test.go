package tasksync_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

func TestRWMutexReadersShareWritersExclude(t *testing.T) {
	m := tasksync.NewRWMutex()
	r1, ok := m.TryRLock()
	require.True(t, ok)
	r2, ok := m.TryRLock()
	require.True(t, ok, "readers share")
	_, ok = m.TryLock()
	assert.False(t, ok, "a writer waits for readers")
	r1.Unlock()
	r2.Unlock()
	w, ok := m.TryLock()
	require.True(t, ok)
	assert.True(t, w.Writer())
	_, ok = m.TryRLock()
	assert.False(t, ok, "readers wait for the writer")
	w.Unlock()
	futuretest.RequireMisuse(t, tasksync.ErrReleased, w.Unlock)
}

// A writer waiting behind readers holds back later readers, and the
// readers queued behind the writer all get in when it unlocks.
func TestRWMutexWriterNotStarved(t *testing.T) {
	m := tasksync.NewRWMutex()
	r0, _ := m.TryRLock()
	var ww, wr1, wr2 futuretest.CountWaker
	wf := m.Lock()
	_, ok := poll(wf, ww.Context())
	require.False(t, ok)
	_, ok = m.TryRLock()
	assert.False(t, ok, "a new reader must not overtake the waiting writer")
	rf1, rf2 := m.RLock(), m.RLock()
	_, ok = poll(rf1, wr1.Context())
	require.False(t, ok)
	_, ok = poll(rf2, wr2.Context())
	require.False(t, ok)

	r0.Unlock()
	require.Equal(t, 1, ww.Count())
	w, ok := poll(wf, ww.Context())
	require.True(t, ok)
	assert.Zero(t, wr1.Count()+wr2.Count())
	w.Unlock()
	assert.Equal(t, 1, wr1.Count())
	assert.Equal(t, 1, wr2.Count(), "both queued readers are let in together")
	g1, ok := poll(rf1, wr1.Context())
	require.True(t, ok)
	g2, ok := poll(rf2, wr2.Context())
	require.True(t, ok)
	g1.Unlock()
	g2.Unlock()
	w, ok = m.TryLock()
	require.True(t, ok)
	w.Unlock()
}

func TestRWMutexCancelWriterLetsReadersIn(t *testing.T) {
	m := tasksync.NewRWMutex()
	r0, _ := m.TryRLock()
	var ww, wr futuretest.CountWaker
	wf := m.Lock()
	_, _ = poll(wf, ww.Context())
	rf := m.RLock()
	_, ok := poll(rf, wr.Context())
	require.False(t, ok)
	wf.Cancel() // gives back the read permits it had absorbed
	assert.Equal(t, 1, wr.Count())
	g, ok := poll(rf, wr.Context())
	require.True(t, ok)
	g.Unlock()
	r0.Unlock()
	w, ok := m.TryLock()
	require.True(t, ok, "all permits came back")
	w.Unlock()
}
