package tasksync_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future/tasksync"
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
	assertMisuse(t, tasksync.ErrReleased, w.Unlock)
}

// A writer waiting behind readers holds back later readers, and the
// readers queued behind the writer all get in when it unlocks.
func TestRWMutexWriterNotStarved(t *testing.T) {
	m := tasksync.NewRWMutex()
	r0, _ := m.TryRLock()
	var ww, wr1, wr2 countWaker
	wf := m.Lock()
	_, ok := poll(wf, ww.cx())
	require.False(t, ok)
	_, ok = m.TryRLock()
	assert.False(t, ok, "a new reader must not overtake the waiting writer")
	rf1, rf2 := m.RLock(), m.RLock()
	_, ok = poll(rf1, wr1.cx())
	require.False(t, ok)
	_, ok = poll(rf2, wr2.cx())
	require.False(t, ok)

	r0.Unlock()
	require.Equal(t, 1, ww.count())
	w, ok := poll(wf, ww.cx())
	require.True(t, ok)
	assert.Zero(t, wr1.count()+wr2.count())
	w.Unlock()
	assert.Equal(t, 1, wr1.count())
	assert.Equal(t, 1, wr2.count(), "both queued readers are let in together")
	g1, ok := poll(rf1, wr1.cx())
	require.True(t, ok)
	g2, ok := poll(rf2, wr2.cx())
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
	var ww, wr countWaker
	wf := m.Lock()
	_, _ = poll(wf, ww.cx())
	rf := m.RLock()
	_, ok := poll(rf, wr.cx())
	require.False(t, ok)
	wf.Cancel() // gives back the read permits it had absorbed
	assert.Equal(t, 1, wr.count())
	g, ok := poll(rf, wr.cx())
	require.True(t, ok)
	g.Unlock()
	r0.Unlock()
	w, ok := m.TryLock()
	require.True(t, ok, "all permits came back")
	w.Unlock()
}
