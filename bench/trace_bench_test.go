package bench

import (
	"io"
	"runtime"
	"runtime/trace"
	"sync/atomic"
	"testing"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
)

// BenchmarkObserve measures what watching a pool costs (pool/introspect*.go,
// pool/trace.go), in one run so that the ratios are comparable:
//
//	off              a plain pool, tracer off: the default path
//	introspect       WithIntrospection: a record per task, a clock read per
//	                 poll and per wake
//	introspect+sites the same with SpawnSites: a short stack walk per spawn
//	traced           a plain pool while runtime/trace writes to io.Discard:
//	                 a trace task per task, a region per poll
//
// beside the plain-Go way (goroutines). spawn+join: one op is one tiny
// task spawned with SpawnFrom and joined, in batches of 1000 (as
// BenchmarkPoolSpawnJoin's batch=1000); ping-pong: one op is a round trip
// between two tasks through their wakers (as BenchmarkPoolPingPong).
func BenchmarkObserve(b *testing.B) {
	modes := []struct {
		name   string
		opts   []pool.Option
		traced bool
	}{
		{"off", nil, false},
		{"introspect", []pool.Option{pool.WithIntrospection(pool.Introspection{})}, false},
		{"introspect+sites", []pool.Option{pool.WithIntrospection(pool.Introspection{SpawnSites: true})}, false},
		{"traced", nil, true},
	}
	workers := runtime.GOMAXPROCS(0)
	for _, m := range modes {
		b.Run("spawn+join/"+m.name, func(b *testing.B) {
			p := poolNew(b, append([]pool.Option{pool.WithWorkers(workers)}, m.opts...)...)
			defer observeTrace(b, m.traced)()
			poolRun(b, p, future.Future[int](&poolSpawnJoin{n: 1000})) // warm up
			b.ReportAllocs()
			b.ResetTimer()
			defer poolCPU(b)()
			if sum := poolRun(b, p, future.Future[int](&poolRounds{left: b.N, batch: 1000})); sum != b.N {
				b.Fatalf("joined %d of %d", sum, b.N)
			}
		})
	}
	b.Run("spawn+join/go-func-waitgroup", func(b *testing.B) {
		b.ReportAllocs()
		defer poolCPU(b)()
		goFuncWaitGroup(b.N, 1000)
	})
	for _, m := range modes {
		b.Run("ping-pong/"+m.name, func(b *testing.B) {
			p := poolNew(b, append([]pool.Option{pool.WithWorkers(workers)}, m.opts...)...)
			defer observeTrace(b, m.traced)()
			observePingPong(b, p, 1000)
			b.ReportAllocs()
			b.ResetTimer()
			defer poolCPU(b)()
			observePingPong(b, p, b.N)
		})
	}
	b.Run("ping-pong/goroutines-unbuffered-chan", func(b *testing.B) {
		b.ReportAllocs()
		defer poolCPU(b)()
		goroutinePingPong(b.N)
	})
}

// observeTrace starts the execution tracer, writing to io.Discard, when
// traced is set, and returns what stops it. It skips the benchmark if a
// trace is already running (go test -trace): there can be only one.
func observeTrace(b *testing.B, traced bool) func() {
	if !traced {
		return func() {}
	}
	if trace.IsEnabled() {
		b.Skip("a trace is already running")
	}
	if err := trace.Start(io.Discard); err != nil {
		b.Fatal(err)
	}
	return func() {
		b.StopTimer()
		trace.Stop()
	}
}

// observePingPong plays n round trips between two tasks of p.
func observePingPong(b *testing.B, p *pool.Pool, n int) {
	var turn atomic.Int32
	x := &poolPingPong{turn: &turn, me: 0, rounds: n}
	y := &poolPingPong{turn: &turn, me: 1, rounds: n}
	x.peer, y.peer = y, x
	hy := pool.Spawn(p, future.Future[int](y))
	hx := pool.Spawn(p, future.Future[int](x))
	for _, h := range []*pool.JoinHandle[int]{hx, hy} {
		if v, err := h.Wait(poolBg); err != nil || v != n {
			b.Fatalf("ping-pong: %d rounds of %d, %v", v, n, err)
		}
	}
}
