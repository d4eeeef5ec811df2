package main

// TestSoak runs count servers under load with faults, round after round,
// and checks after each round that nothing was lost, duplicated or leaked.
// It is skipped unless -soak gives it a duration:
//
//	go test -run Soak -soak=30s ./examples/countserver/
//	go test -run Soak -soak=30s -soak.seed=N ./examples/countserver/  (replay; or SPINDLE_SEED=N)
//
// One round:
//
//	plan (seeded) ──▶ start a server on a fresh port (async 3 rounds in 4,
//	  │               else thread) and a client pool
//	  ▼
//	load: async and/or thread verifying clients (m ≤ 16) + fault loops
//	  │   (resets, held connections, aborted tasks; see soak_faults_test.go)
//	  ▼ after the round's length
//	graceful shutdown of the server while the load goes on
//	  ▼
//	stop clients and faults, shut the client pool down
//	  ▼
//	check: values distinct and below the final count; the values missing
//	       from 0..final-1 at most the resets plus the cut aborts; no
//	       verifying transaction failed before the shutdown; goroutines
//	       and descriptors back to their baseline; heap in use after GC
//	       within a bound of the first round's.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/spindle-rt/spindle/examples/countserver/count"
	"github.com/spindle-rt/spindle/pool"
)

var (
	soakFor  = flag.Duration("soak", 0, "run TestSoak for this long (0: skip it)")
	soakSeed = flag.Uint64("soak.seed", 0, "seed of TestSoak's plan, to replay a run (0: $SPINDLE_SEED, else the clock)")
)

// heapSlack is how far above the first round's heap in use (after GC) a
// later round may end. On this machine the heap settles within 0.5 MiB of
// the first round and stays there for hundreds of rounds; a leak of 100
// bytes per connection (~5,000 connections a round) crosses 4 MiB in
// under ten rounds.
const heapSlack = 4 << 20

// soakMemLimit bounds the heap of a round, which runs with the collector
// off (a round allocates a few tens of MiB).
const soakMemLimit = 1 << 30

// roundPlan is what one round does, drawn from the seed.
type roundPlan struct {
	mode          count.Mode
	length        time.Duration
	serverWorkers int // async server's pool
	maxInFlight   int // thread server's cap, 0 for none
	clientWorkers int
	asyncM        int // 0: no async verifying client this round
	threadM       int // 0: no thread verifying client this round
	resetters     int
	resetGap      time.Duration
	holders       int
	batch         int
	hold          time.Duration
	aborters      int
	abortDelay    time.Duration
}

func drawPlan(rng *rand.Rand, left time.Duration) roundPlan {
	p := roundPlan{
		mode:          count.Async,
		length:        250*time.Millisecond + time.Duration(rng.Int64N(int64(750*time.Millisecond))),
		serverWorkers: 1 + rng.IntN(2),
		clientWorkers: 1 + rng.IntN(2),
		resetters:     rng.IntN(3),
		resetGap:      100*time.Microsecond + time.Duration(rng.Int64N(int64(3*time.Millisecond))),
		holders:       rng.IntN(3),
		batch:         1 + rng.IntN(32),
		hold:          10*time.Millisecond + time.Duration(rng.Int64N(int64(300*time.Millisecond))),
		aborters:      rng.IntN(3),
		abortDelay:    1 + time.Duration(rng.Int64N(int64(500*time.Microsecond))),
	}
	if rng.IntN(4) == 0 {
		p.mode = count.Thread
		if rng.IntN(2) == 0 {
			p.maxInFlight = 1 + rng.IntN(16)
		}
	}
	if rng.IntN(4) != 0 {
		p.asyncM = 1 + rng.IntN(16)
	}
	if rng.IntN(4) != 0 || p.asyncM == 0 {
		p.threadM = 1 + rng.IntN(16)
	}
	p.length = max(min(p.length, left), 200*time.Millisecond) // long enough to serve even when the machine stalls
	return p
}

func (p roundPlan) String() string {
	srv := fmt.Sprintf("async server w=%d", p.serverWorkers)
	if p.mode == count.Thread {
		srv = fmt.Sprintf("thread server max=%d", p.maxInFlight)
	}
	return fmt.Sprintf("%s, %v, clients async m=%d thread m=%d (pool w=%d), %d resetters, %d holders (≤%d for ≤%v), %d aborters (≤%v)",
		srv, p.length.Round(time.Millisecond), p.asyncM, p.threadM, p.clientWorkers,
		p.resetters, p.holders, p.batch, p.hold.Round(time.Millisecond), p.aborters, p.abortDelay.Round(time.Microsecond))
}

// roundResult is what a round did, for its log line and the totals.
type roundResult struct {
	final     uint64 // the server's count after Serve returned
	read      int    // values read, by every kind of client
	failed    int    // verifying transactions that failed (after the stop)
	resets    int64
	held      int64
	heldLost  int64
	aborted   int64
	early     int64 // aborts before the connect: nothing at stake
	abortLate int64
	holes     int // values of 0..final-1 nobody read
	allocMiB  float64
	gcs       uint32 // collections during the round (forced by the memory limit only)
}

func soakSeedValue(t *testing.T) uint64 {
	if *soakSeed != 0 {
		return *soakSeed
	}
	if s := os.Getenv("SPINDLE_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		require.NoError(t, err, "SPINDLE_SEED")
		return v
	}
	return uint64(time.Now().UnixNano())
}

func TestSoak(t *testing.T) {
	if *soakFor <= 0 {
		t.Skip("soak test: run with -soak=30s (replay with -soak.seed=N)")
	}
	seed := soakSeedValue(t)
	t.Logf("soak: seed %d, for %v (replay: -soak.seed=%d or SPINDLE_SEED=%d)", seed, *soakFor, seed, seed)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("soak FAILED: replay with -soak.seed=%d", seed)
		}
	})
	warmUp(t)
	baseG := runtime.NumGoroutine()
	baseFD, haveFD := openFDs()
	rng := rand.New(rand.NewPCG(seed, 0))
	deadline := time.Now().Add(*soakFor)
	var tot roundResult
	var heaps []uint64
	rounds := 0
	// The collector is off from the start of each round to its descriptor
	// check: poll closes a Conn dropped without Close in a GC cleanup, and
	// that must not hide the leak. The memory limit keeps a runaway round
	// from exhausting the machine.
	gcPercent, memLimit := debug.SetGCPercent(-1), debug.SetMemoryLimit(soakMemLimit)
	gcOn := func() { debug.SetGCPercent(gcPercent); debug.SetMemoryLimit(memLimit) }
	defer gcOn()
	for round := 1; round <= 2 || time.Now().Before(deadline); round++ {
		plan := drawPlan(rng, time.Until(deadline))
		t0 := time.Now()
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(soakMemLimit)
		var ms0 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		res := runRound(t, seed, round, plan)
		t.Logf("round %3d plan: %v", round, plan)
		if t.Failed() {
			return
		}
		g := settle(runtime.NumGoroutine, baseG)
		if !assert.LessOrEqual(t, g, baseG, "round %d: goroutines not back to the baseline", round) {
			_ = pprof.Lookup("goroutine").WriteTo(os.Stderr, 1)
			return
		}
		fds := -1
		if haveFD {
			fds = settle(func() int { n, _ := openFDs(); return n }, baseFD)
			if !assert.LessOrEqual(t, fds, baseFD, "round %d: descriptors not back to the baseline", round) {
				return
			}
		}
		var ms1 runtime.MemStats
		runtime.ReadMemStats(&ms1)
		gcOn()
		res.allocMiB = float64(ms1.TotalAlloc-ms0.TotalAlloc) / (1 << 20)
		res.gcs = ms1.NumGC - ms0.NumGC
		heap := heapInUse()
		heaps = append(heaps, heap)
		t.Logf("round %3d %-6v %5dms: final %6d, read %6d, holes %4d (resets %5d + aborts cut %4d allow), aborts late %4d early %4d, held %4d (+%d never accepted), failed after stop %3d; alloc %.0f MiB, %d GCs; goroutines %d/%d, fds %d/%d, heap %.2f MiB",
			round, plan.mode, time.Since(t0).Milliseconds(), res.final, res.read, res.holes, res.resets, res.aborted,
			res.abortLate, res.early, res.held, res.heldLost, res.failed, res.allocMiB, res.gcs, g, baseG, fds, baseFD, float64(heap)/(1<<20))
		if !assert.LessOrEqual(t, heap, heaps[0]+heapSlack, "round %d: heap in use grew from %d to %d bytes", round, heaps[0], heap) {
			return
		}
		tot.final += res.final
		tot.read += res.read
		tot.holes += res.holes
		tot.resets += res.resets
		tot.aborted += res.aborted
		tot.abortLate += res.abortLate
		tot.early += res.early
		tot.held += res.held
		rounds++
	}
	t.Logf("soak: %d rounds (%d graceful shutdowns and restarts), %d values handed out, %d read, %d lost (within %d resets + %d cut aborts), %d late and %d early aborts, %d held connections; heap first %.2f MiB, last %.2f MiB, max %.2f MiB",
		rounds, rounds, tot.final, tot.read, tot.holes, tot.resets, tot.aborted, tot.abortLate, tot.early, tot.held,
		float64(heaps[0])/(1<<20), float64(heaps[len(heaps)-1])/(1<<20), float64(slices.Max(heaps))/(1<<20))
	goleak.VerifyNone(t)
}

// warmUp uses the net package once, so that the descriptors and goroutines
// Go's runtime keeps for good (its netpoller) exist before the baseline.
func warmUp(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	c, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	s, err := ln.Accept()
	require.NoError(t, err)
	_ = s.Close()
	_ = c.Close()
	_ = ln.Close()
}

// settle returns f() once it is at most base, or its last value after a
// few seconds: the goroutines of a round may still be on their way out.
func settle(f func() int, base int) int {
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := f()
		if n <= base || time.Now().After(deadline) {
			return n
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// heapInUse returns the heap in use once collections stop freeing more.
// One is not enough: sync.Pool's victim cache needs two, and each Conn
// carries a GC cleanup that runs on its own goroutine after the
// collection that found it, so what the cleanups free is only reclaimed
// by a later one. Without the repeat the measure jumps by a few MiB after
// a busy round and comes back the round after.
func heapInUse() uint64 {
	var ms runtime.MemStats
	best := ^uint64(0)
	for range 10 {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse >= best {
			break
		}
		best = ms.HeapInuse
		time.Sleep(10 * time.Millisecond) // let the cleanup goroutine run
	}
	return best
}

// runRound runs one round of plan and checks its accounting.
func runRound(t *testing.T, seed uint64, round int, plan roundPlan) roundResult {
	srv, err := count.Listen("127.0.0.1:0", count.ServerConfig{
		Mode: plan.mode, Workers: plan.serverWorkers, MaxInFlight: plan.maxInFlight,
	})
	require.NoError(t, err)
	addr := srv.Addr().String()
	sctx, stopServer := context.WithCancel(context.Background())
	defer stopServer()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(sctx) }()

	cp, err := count.NewPool(pool.WithWorkers(plan.clientWorkers))
	require.NoError(t, err)
	rec := count.NewRecorder(nil)
	cctx, stopClients := context.WithCancel(context.Background())
	defer stopClients()
	stop := make(chan struct{})
	var (
		wg     sync.WaitGroup
		fc     faultCounts
		sink   valueSink
		errMu  sync.Mutex
		errs   []error
		stream uint64
	)
	fail := func(err error) {
		if err != nil {
			errMu.Lock()
			errs = append(errs, err)
			errMu.Unlock()
		}
	}
	// Each loop gets its own generator: the plan replays whatever order
	// the goroutines run in.
	sub := func() *rand.Rand {
		stream++
		return rand.New(rand.NewPCG(seed, uint64(round)<<16|stream))
	}
	for _, c := range []struct {
		mode count.Mode
		m    int
	}{{count.Async, plan.asyncM}, {count.Thread, plan.threadM}} {
		if c.m == 0 {
			continue
		}
		cfg := count.ClientConfig{Mode: c.mode, Addr: addr, N: 1 << 40, M: c.m, Pool: cp, Timeout: 10 * time.Second}
		wg.Go(func() {
			err := count.RunClient(cctx, cfg, rec)
			if errors.Is(err, syscall.ECONNREFUSED) {
				// The server stopped first and the client gave up on it:
				// the shutdown's doing. A failure while the server was up
				// is caught by failedBefore below.
				err = nil
			}
			fail(err)
		})
	}
	for range plan.resetters {
		r := sub()
		wg.Go(func() { resetLoop(addr, r, plan.resetGap, stop, &fc) })
	}
	for range plan.holders {
		r := sub()
		wg.Go(func() { holdLoop(addr, r, plan.batch, plan.hold, stop, &fc, &sink) })
	}
	for range plan.aborters {
		r := sub()
		wg.Go(func() { fail(abortLoop(cp, addr, r, plan.abortDelay, stop, &fc, &sink)) })
	}

	time.Sleep(plan.length)
	// Every failure so far happened while the server was up: there must
	// be none. The shutdown below, under load, makes some.
	failedBefore := rec.Failed()
	stopServer()
	var serveErr error
	select {
	case serveErr = <-served:
	case <-time.After(30 * time.Second):
		serveErr = fmt.Errorf("round %d: the server did not shut down in 30s", round)
	}
	final := srv.Count()
	close(stop)
	stopClients()
	wg.Wait()
	sctx2, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, cp.Shutdown(sctx2), "round %d: client pool shutdown", round)
	require.NoError(t, serveErr, "round %d: Serve", round)
	require.Empty(t, errs, "round %d: a client or an abort failed", round)

	rep := rec.Report(0, plan.length)
	res := roundResult{
		final: final, failed: rep.Errors,
		resets: fc.resets.Load(), held: fc.held.Load(), heldLost: fc.heldLost.Load(),
		aborted: fc.aborted.Load(), early: fc.abortEarly.Load(), abortLate: fc.abortLate.Load(),
	}
	require.Zero(t, failedBefore, "round %d: verifying transactions failed while the server was up (first: %v)", round, rep.FirstErr)
	require.NotEmpty(t, rep.Values, "round %d: the verifying clients got no value", round)

	vals := append(slices.Clone(rep.Values), sink.v...)
	slices.Sort(vals)
	res.read = len(vals)
	for i := 1; i < len(vals); i++ {
		require.NotEqual(t, vals[i-1], vals[i], "round %d: value %d read twice", round, vals[i])
	}
	require.Less(t, vals[len(vals)-1], final, "round %d: a value at or past the final count %d", round, final)
	// Distinct and below final: the rest of 0..final-1 are holes. The
	// server hands a value to each connection it accepts; only a reset
	// client or a cut task may have made one and not read it.
	res.holes = int(final) - len(vals)
	require.LessOrEqual(t, int64(res.holes), res.resets+res.aborted,
		"round %d: %d of %d values lost, more than the %d resets and %d cut aborts can explain (%s)",
		round, res.holes, final, res.resets, res.aborted, holesSample(vals, final))
	return res
}

// holesSample lists the first few values of 0..final-1 missing from the
// sorted vals, for a failure message.
func holesSample(vals []uint64, final uint64) string {
	var b strings.Builder
	b.WriteString("first missing:")
	n, i := 0, 0
	for v := uint64(0); v < final && n < 10; v++ {
		for i < len(vals) && vals[i] < v {
			i++
		}
		if i < len(vals) && vals[i] == v {
			continue
		}
		fmt.Fprintf(&b, " %d", v)
		n++
	}
	return b.String()
}
