package pooldebug

import (
	"expvar"
	"fmt"
	"sync"

	"github.com/spindle-rt/spindle/pool"
)

// Vars is the value published for a pool: its Stats (flattened), their
// totals, and, with introspection, how many tasks are listed and how
// many of them look stuck.
type Vars struct {
	pool.Stats
	Spawned uint64
	Polled  uint64
	// Tasks and Stuck count the unfinished tasks and those flagged
	// possibly stuck; zero without WithIntrospection.
	Tasks, Stuck int
}

// Snapshot returns the Vars of p now.
func Snapshot(p *pool.Pool) Vars {
	st := p.Stats()
	v := Vars{Stats: st, Spawned: st.Spawned(), Polled: st.Polled()}
	for _, t := range p.Tasks() {
		v.Tasks++
		if t.Stuck {
			v.Stuck++
		}
	}
	return v
}

var publishMu sync.Mutex

// Publish publishes p's Vars under name with expvar (served as JSON at
// /debug/vars by expvar's handler), computed afresh on every read. It
// returns an error, where expvar.Publish would panic, if name is taken.
// expvar cannot unpublish: the pool stays referenced for the life of the
// process, so publish long-lived pools.
func Publish(name string, p *pool.Pool) (err error) {
	if p == nil {
		return fmt.Errorf("pooldebug: Publish(%q, nil)", name)
	}
	publishMu.Lock()
	defer publishMu.Unlock()
	if expvar.Get(name) != nil {
		return fmt.Errorf("pooldebug: expvar %q is already published", name)
	}
	// Another package may publish the name between Get and Publish.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("pooldebug: publishing expvar %q: %v", name, r)
		}
	}()
	expvar.Publish(name, expvar.Func(func() any { return Snapshot(p) }))
	return nil
}
