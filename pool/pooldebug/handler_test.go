package pooldebug_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/pooldebug"
)

func get(t *testing.T, srv *httptest.Server, query string) (int, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + "/debug/spindle" + query)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

// The handler serves the dump: the stuck task with its spawn site and the
// flag, the busy one without; ?stuck=1 keeps only the first; JSON carries
// the same.
func TestHandlerServesTheDump(t *testing.T) {
	const stuckAfter = 20 * time.Millisecond
	p := newPool(t, pool.WithWorkers(2), pool.WithName("web"),
		pool.WithIntrospection(pool.Introspection{SpawnSites: true, StuckAfter: stuckAfter}))
	_, line := nextLine()
	stuck := pool.Spawn(p, future.Never[int]())
	defer abortAndWait(t, stuck)
	busy := &spinner{}
	bh := pool.Spawn[int](p, busy)
	defer func() { busy.stop.Store(true); _, _ = bh.Wait(t.Context()) }()
	require.Eventually(t, func() bool {
		ts := p.Tasks()
		return len(ts) == 2 && ts[0].Stuck
	}, 10*time.Second, time.Millisecond)

	mux := http.NewServeMux()
	mux.Handle("/debug/spindle", pooldebug.Handler(p))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	site := fmt.Sprintf("site=pooldebug/handler_test.go:%d (pooldebug_test.TestHandlerServesTheDump)", line)
	code, body := get(t, srv, "")
	require.Equal(t, http.StatusOK, code)
	lines := strings.Split(strings.TrimSpace(body), "\n")
	require.Len(t, lines, 4, body)
	assert.True(t, strings.HasPrefix(lines[0], `pool "web": workers=2 live=2 `), lines[0])
	assert.Equal(t, fmt.Sprintf("2 tasks shown, 1 possibly stuck (idle over %v)", stuckAfter), lines[1])
	assert.True(t, strings.HasPrefix(lines[2], "task 1 idle polls=1 wakes=0 "), lines[2])
	assert.True(t, strings.HasSuffix(lines[2], site+" possibly stuck"), lines[2])
	assert.True(t, strings.HasPrefix(lines[3], "task 2 "), lines[3])
	assert.NotContains(t, lines[3], "possibly stuck")

	code, body = get(t, srv, "?stuck=1")
	require.Equal(t, http.StatusOK, code)
	lines = strings.Split(strings.TrimSpace(body), "\n")
	require.Len(t, lines, 3, body)
	assert.True(t, strings.HasSuffix(lines[2], site+" possibly stuck"), lines[2])

	code, body = get(t, srv, "?format=json&stuck=true")
	require.Equal(t, http.StatusOK, code)
	var doc struct {
		Stats pool.Stats
		Tasks []struct {
			ID    uint64
			State string
			File  string
			Line  int
			Polls uint64
			Stuck bool
		}
	}
	require.NoError(t, json.Unmarshal([]byte(body), &doc), body)
	assert.Equal(t, "web", doc.Stats.Name)
	require.Len(t, doc.Tasks, 1)
	assert.Equal(t, uint64(1), doc.Tasks[0].ID)
	assert.Equal(t, "idle", doc.Tasks[0].State)
	assert.True(t, strings.HasSuffix(doc.Tasks[0].File, "pooldebug/handler_test.go"))
	assert.Equal(t, line, doc.Tasks[0].Line)
	assert.True(t, doc.Tasks[0].Stuck)
}

// On a pool without introspection the page still shows the counters and
// says why there are no tasks.
func TestHandlerIntrospectionOff(t *testing.T) {
	p := newPool(t, pool.WithWorkers(1), pool.WithName("plain"))
	srv := httptest.NewServer(pooldebug.Handler(p))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), `pool "plain": workers=1 `)
	assert.Contains(t, string(body), "introspection is off")

	resp, err = http.Get(srv.URL + "?format=json")
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	resp.Body.Close()
	assert.Equal(t, []any{}, doc["tasks"])
}

func TestHandlerRefusesPost(t *testing.T) {
	p := newPool(t, pool.WithWorkers(1))
	rec := httptest.NewRecorder()
	pooldebug.Handler(p).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	assert.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
}
