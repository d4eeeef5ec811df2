// Package pooldebug serves a pool's live state over HTTP and expvar, in
// the manner of net/http/pprof, so that package pool itself imports
// neither net/http nor expvar.
//
// Mount Handler for each pool worth watching, and publish its counters:
//
//	p, _ := pool.New(pool.WithIntrospection(pool.Introspection{SpawnSites: true}))
//	http.Handle("/debug/spindle", pooldebug.Handler(p))
//	_ = pooldebug.Publish("spindle", p) // under /debug/vars
//
// then `curl localhost:6060/debug/spindle?stuck=1` lists the tasks that
// look stuck, with the line that spawned each.
package pooldebug
