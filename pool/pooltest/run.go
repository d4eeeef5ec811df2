package pooltest

import (
	"fmt"
	"os"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

// SeedEnv is the environment variable that, when set to a seed, makes
// RunMany and RunSeeds run that seed alone: the way to replay a failure.
const SeedEnv = "SPINDLE_SEED"

// SeedsEnv is the environment variable that, when set to a count, makes
// RunSeeds explore that many seeds instead of the count in the test, for
// long explorations (SPINDLE_SEEDS=1000000 go test -run TestX).
const SeedsEnv = "SPINDLE_SEEDS"

// SeedBaseEnv is the environment variable that sets the first seed of
// RunSeeds (default 1), to explore other schedules than the usual ones.
const SeedBaseEnv = "SPINDLE_SEED_BASE"

// Failure describes a failed run: its seed, the failure messages in the
// order they were reported, and what the run logged.
type Failure struct {
	Seed     uint64
	Test     string // name of the test, when run by Run, RunMany or RunSeeds
	Messages []string
	Logs     []string
	// Trace is how the failing schedule ended: its last scheduling
	// events, oldest first.
	Trace []string
}

// Error renders the failure with its seed and how to replay it.
func (f *Failure) Error() string {
	var b strings.Builder
	run := "..."
	if f.Test != "" {
		run = "'^" + strings.ReplaceAll(regexp.QuoteMeta(f.Test), "/", "$/^") + "$'"
	}
	fmt.Fprintf(&b, "pooltest: run failed with seed=%d (replay with pooltest.Run(t, %d, ...) or %s=%d go test -run %s)",
		f.Seed, f.Seed, SeedEnv, f.Seed, run)
	for _, m := range f.Messages {
		b.WriteString("\n")
		b.WriteString(m)
	}
	if len(f.Trace) > 0 {
		b.WriteString("\nlast steps of the schedule:")
		for _, l := range f.Trace {
			b.WriteString("\n\t")
			b.WriteString(l)
		}
	}
	if len(f.Logs) > 0 {
		b.WriteString("\nlog of the run:")
		for _, l := range f.Logs {
			b.WriteString("\n\t")
			b.WriteString(l)
		}
	}
	return b.String()
}

// failNow is the panic value of Sched.FailNow: the loop and run recover it
// and end the run.
type failNow struct{}

// Run runs body with a scheduler seeded with seed, then runs the loop until
// every task it spawned has finished. If the run fails it reports the
// failure on t, with the seed, and returns false.
func Run(t testing.TB, seed uint64, body func(s *Sched), opts ...Option) bool {
	t.Helper()
	if f := run(seed, body, buildOptions(opts)); f != nil {
		f.Test = t.Name()
		t.Error(f.Error())
		return false
	}
	return true
}

// RunMany runs body once for each seed, in order, and stops at the first
// failing seed, which it reports on t. When SPINDLE_SEED is set it runs that
// seed alone.
func RunMany(t testing.TB, seeds []uint64, body func(s *Sched), opts ...Option) bool {
	t.Helper()
	if seed, ok := envUint(t, SeedEnv); ok {
		seeds = []uint64{seed}
	}
	if f := Explore(seeds, body, opts...); f != nil {
		f.Test = t.Name()
		t.Error(f.Error())
		return false
	}
	return true
}

// RunSeeds runs body with n seeds, 1 to n by default, as RunMany does.
// SPINDLE_SEEDS overrides n, SPINDLE_SEED_BASE the first seed, and
// SPINDLE_SEED runs one seed alone.
func RunSeeds(t testing.TB, n int, body func(s *Sched), opts ...Option) bool {
	t.Helper()
	if v, ok := envUint(t, SeedsEnv); ok {
		n = int(v)
	}
	base, ok := envUint(t, SeedBaseEnv)
	if !ok {
		base = 1
	}
	return RunMany(t, Seeds(base, n), body, opts...)
}

// Seeds returns the n seeds base, base+1, ..., base+n-1.
func Seeds(base uint64, n int) []uint64 {
	seeds := make([]uint64, n)
	for i := range seeds {
		seeds[i] = base + uint64(i)
	}
	return seeds
}

// Explore runs body once for each seed, in order, and returns the failure
// of the first seed that fails, or nil if all pass. It reports nothing
// itself: tests that expect a failure (of a deliberately broken future, say)
// use it to find one.
func Explore(seeds []uint64, body func(s *Sched), opts ...Option) *Failure {
	o := buildOptions(opts)
	for _, seed := range seeds {
		if f := run(seed, body, o); f != nil {
			return f
		}
	}
	return nil
}

// run is one run: body, then the loop until no task is left.
func run(seed uint64, body func(s *Sched), o options) *Failure {
	s := newSched(seed, o)
	func() {
		defer func() {
			if v := recover(); v != nil {
				if _, ok := v.(failNow); !ok {
					s.fail(fmt.Sprintf("body panicked: %v\n%s", v, debug.Stack()))
				}
			}
		}()
		body(s)
		s.Wait()
	}()
	s.cancelAbandoned()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failure != nil {
		s.failure.Logs = s.logs
		s.failure.Trace = s.traceLines()
	}
	return s.failure
}

func envUint(t testing.TB, name string) (uint64, bool) {
	v := os.Getenv(name)
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		t.Fatalf("pooltest: %s=%q is not an unsigned integer: %v", name, v, err)
	}
	return n, true
}

// cancelAbandoned calls Cancel on the future of every task a failed run
// left unfinished, when it has one, so that what they hold (an async
// body's coroutine, a queued waiter) is released now rather than by the
// garbage collector, after leak checkers have looked.
func (s *Sched) cancelAbandoned() {
	s.deliverInbox()
	for _, t := range s.tasks {
		if t.state == stateDone || t.cancel == nil {
			continue
		}
		func() {
			defer func() {
				if v := recover(); v != nil {
					s.addMessage(fmt.Sprintf("Cancel of abandoned task %d (spawned at %s) panicked: %v", t.id, t.site, v))
				}
			}()
			t.cancel()
		}()
	}
}
