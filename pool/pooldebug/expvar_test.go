package pooldebug_test

import (
	"encoding/json"
	"expvar"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/pooldebug"
)

// The published variable, read through expvar's own handler, carries the
// pool's Stats and their totals.
func TestPublishMatchesStats(t *testing.T) {
	p := newPool(t, pool.WithWorkers(2), pool.WithName("vars"),
		pool.WithIntrospection(pool.Introspection{StuckAfter: time.Millisecond}))
	name := uniqueName("vars")
	require.NoError(t, pooldebug.Publish(name, p))

	for i := 0; i < 100; i++ {
		_, err := pool.BlockOn(p, future.Done(i))
		require.NoError(t, err)
	}
	stuck := pool.Spawn(p, future.Never[int]())
	defer abortAndWait(t, stuck)
	// Quiet: every worker asleep, so the counters hold still.
	require.Eventually(t, func() bool {
		st := p.Stats()
		return st.Parked == 2 && st.Spawned() == 101 && len(p.Tasks()) == 1 && p.Tasks()[0].Stuck
	}, 10*time.Second, time.Millisecond)

	srv := httptest.NewServer(expvar.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	var all map[string]json.RawMessage
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&all))
	require.Contains(t, all, name)
	var got pooldebug.Vars
	require.NoError(t, json.Unmarshal(all[name], &got))

	st := p.Stats()
	assert.Equal(t, st, got.Stats)
	assert.Equal(t, st.Spawned(), got.Spawned)
	assert.Equal(t, st.Polled(), got.Polled)
	assert.Equal(t, uint64(101), got.Spawned)
	assert.GreaterOrEqual(t, got.Polled, uint64(101))
	assert.Equal(t, 1, got.Live)
	assert.Equal(t, 1, got.Tasks)
	assert.Equal(t, 1, got.Stuck)
}

// A taken name is an error, not expvar's panic.
func TestPublishDuplicate(t *testing.T) {
	p := newPool(t, pool.WithWorkers(1))
	name := uniqueName("dup")
	require.NoError(t, pooldebug.Publish(name, p))
	err := pooldebug.Publish(name, p)
	assert.ErrorContains(t, err, fmt.Sprintf("%q is already published", name))
	taken := uniqueName("taken")
	expvar.NewInt(taken)
	assert.Error(t, pooldebug.Publish(taken, p))
	assert.Error(t, pooldebug.Publish(uniqueName("nil"), nil))
}

var names atomic.Int64

// uniqueName is a fresh expvar name: expvar cannot unpublish, and -count
// runs the tests again in the same process.
func uniqueName(what string) string {
	return fmt.Sprintf("pooldebug-test-%s-%d", what, names.Add(1))
}
