package pooldebug_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/pooldebug"
)

// Mount the handler (here called directly through a recorder) and ask
// for the tasks that look stuck, as JSON.
func ExampleHandler() {
	p, _ := pool.New(pool.WithWorkers(1), pool.WithIntrospection(pool.Introspection{
		SpawnSites: true,
		StuckAfter: time.Millisecond,
	}))
	defer p.Shutdown(context.Background())
	h := pool.Spawn(p, future.Never[int]()) // a task nothing will ever wake
	defer h.Abort()
	for ts := p.Tasks(); len(ts) == 0 || !ts[0].Stuck; ts = p.Tasks() {
		time.Sleep(time.Millisecond)
	}

	handler := pooldebug.Handler(p) // http.Handle("/debug/spindle", handler)
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, httptest.NewRequest("GET", "/debug/spindle?stuck=1&format=json", nil))
	var page struct{ Tasks []pool.TaskInfo }
	_ = json.Unmarshal(rec.Body.Bytes(), &page)
	for _, t := range page.Tasks {
		fmt.Println(t.ID, t.State, path.Base(t.Func), t.Stuck)
	}
	// Output: 1 idle pooldebug_test.ExampleHandler true
}
