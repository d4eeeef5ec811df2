package pooldebug

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/spindle-rt/spindle/pool"
)

// Handler returns a handler that describes p: one line of its counters
// (pool.Stats), then, if p was created WithIntrospection, one line per
// unfinished task as pool.Pool.Dump writes it. Query parameters:
//
//	stuck=1      only the tasks flagged possibly stuck
//	format=json  {"stats": pool.Stats, "tasks": []pool.TaskInfo} instead
//
// It answers GET and HEAD only.
func Handler(p *pool.Pool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		q := r.URL.Query()
		tasks := p.Tasks()
		if on(q.Get("stuck")) {
			tasks = stuckOnly(tasks)
		}
		st := p.Stats()
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if q.Get("format") == "json" {
			w.Header().Set("Content-Type", "application/json")
			if tasks == nil {
				tasks = []pool.TaskInfo{}
			}
			_ = json.NewEncoder(w).Encode(struct {
				Stats pool.Stats      `json:"stats"`
				Tasks []pool.TaskInfo `json:"tasks"`
			}{st, tasks})
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(text(p, st, tasks)))
	})
}

// text renders the plain-text page.
func text(p *pool.Pool, st pool.Stats, tasks []pool.TaskInfo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "pool %q: workers=%d live=%d spawned=%d polled=%d inject=%d searching=%d parked=%d\n",
		st.Name, len(st.PerWorker), st.Live, st.Spawned(), st.Polled(), st.InjectDepth, st.Searching, st.Parked)
	cfg, ok := p.Introspection()
	if !ok {
		b.WriteString("tasks: introspection is off (create the pool WithIntrospection)\n")
		return b.String()
	}
	fmt.Fprintf(&b, "%d tasks shown, %d possibly stuck (idle over %v)\n",
		len(tasks), len(stuckOnly(tasks)), cfg.StuckAfter)
	for _, t := range tasks {
		b.WriteString(t.String())
		b.WriteByte('\n')
	}
	return b.String()
}

func stuckOnly(ts []pool.TaskInfo) []pool.TaskInfo {
	var out []pool.TaskInfo
	for _, t := range ts {
		if t.Stuck {
			out = append(out, t)
		}
	}
	return out
}

// on reads a boolean query parameter: "1", "true", "yes".
func on(v string) bool {
	switch strings.ToLower(v) {
	case "1", "true", "yes":
		return true
	}
	return false
}
