package pool

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// When Shutdown's ctx ends before its workers exit, Shutdown must tell a
// worker on its way out (it exits within microseconds of being told to
// stop) from one stuck in a poll (user code that blocks: it may never
// return). The pool keeps no "in a poll" flag, which would cost two
// atomic stores per poll; Shutdown reads the workers' stacks instead, on
// this path only: a worker with a frame of a task's methods is in a poll.
// The same stacks tell what the stuck code is doing.

// stuckWorker is a worker still in a poll after Shutdown's ctx ended.
type stuckWorker struct {
	idx   int
	goid  uint64
	state string   // the goroutine's state in the dump: "chan receive", "running", ...
	where []string // innermost frame outside the runtime, then the task's future, as "func (file:line)"
}

const (
	// stuckRounds bounds how many times awaitStuck looks again for a
	// worker that is neither gone nor in a poll, stuckPause apart.
	stuckRounds = 100
	stuckPause  = 100 * time.Microsecond
)

// awaitStuck waits until every worker has exited or is found in a poll,
// and returns the latter (nil once all exited). A worker that stays
// neither for stuckRounds is reported as it is.
func (p *Pool) awaitStuck(exited <-chan struct{}) []stuckWorker {
	for round := 0; ; round++ {
		select {
		case <-exited:
			return nil
		default:
		}
		alive := p.workerStacks()
		if len(alive) == 0 {
			<-exited // every worker goroutine is past its loop
			return nil
		}
		if countInPoll(alive) == len(alive) || round == stuckRounds {
			return alive
		}
		time.Sleep(stuckPause)
	}
}

// poolPrefix is this package's prefix in function names, "…/pool.".
var poolPrefix = func() string {
	name := runtime.FuncForPC(reflect.ValueOf(cancelErr).Pointer()).Name()
	return strings.TrimSuffix(name, "cancelErr")
}()

// workerStacks describes the workers of p whose goroutines are still
// running, from a dump of every goroutine. where is nil for a worker that
// is not in a poll.
func (p *Pool) workerStacks() []stuckWorker {
	byGoid := make(map[uint64]int, len(p.ws))
	for i, w := range p.ws {
		byGoid[w.shared.goid] = i
	}
	var out []stuckWorker
	for _, g := range strings.Split(allStacks(), "\n\n") {
		header, frames, _ := strings.Cut(g, "\n")
		id, state, ok := parseGoroutineHeader(header)
		if !ok {
			continue
		}
		idx, ok := byGoid[id]
		if !ok {
			continue
		}
		out = append(out, stuckWorker{idx: idx, goid: id, state: state, where: pollFrames(frames)})
	}
	return out
}

// allStacks returns the stacks of all goroutines, as runtime.Stack does.
func allStacks() string {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}

// parseGoroutineHeader reads "goroutine 18 [chan receive, 2 minutes]:".
func parseGoroutineHeader(h string) (id uint64, state string, ok bool) {
	rest, found := strings.CutPrefix(h, "goroutine ")
	if !found {
		return 0, "", false
	}
	num, rest, found := strings.Cut(rest, " [")
	if !found {
		return 0, "", false
	}
	id, err := strconv.ParseUint(num, 10, 64)
	if err != nil {
		return 0, "", false
	}
	state, _, _ = strings.Cut(rest, "]")
	state, _, _ = strings.Cut(state, ",")
	return id, state, true
}

// pollFrames finds, in a worker's frames (pairs of lines: function, then
// "\tfile:line +0x.."), the frame of a task's method; it returns nil if
// there is none (the worker is not in a poll), else the innermost frame
// outside the runtime and the frame that the task called (its future's
// Poll, or Cancel).
func pollFrames(frames string) []string {
	lines := strings.Split(frames, "\n")
	var fs []frame
	for i := 0; i+1 < len(lines); i += 2 {
		fn := lines[i]
		if j := strings.LastIndexByte(fn, '('); j > 0 {
			fn = fn[:j]
		}
		loc := strings.TrimSpace(lines[i+1])
		if j := strings.LastIndex(loc, " +0x"); j > 0 {
			loc = loc[:j]
		}
		fs = append(fs, frame{fn, loc})
	}
	taskPrefix := poolPrefix + "(*task["
	for k, f := range fs {
		if !strings.HasPrefix(f.fn, taskPrefix) {
			continue
		}
		// Innermost outside the runtime, then the outermost frame above
		// the task that is not the pool's own (the tracked wrapper).
		var where []string
		for _, g := range fs[:k] {
			if !strings.HasPrefix(g.fn, "runtime.") {
				where = append(where, g.short())
				break
			}
		}
		for j := k - 1; j >= 0; j-- {
			if !strings.HasPrefix(fs[j].fn, poolPrefix) {
				if top := fs[j].short(); len(where) == 0 || where[0] != top {
					where = append(where, top)
				}
				break
			}
		}
		if len(where) == 0 {
			where = []string{f.short()}
		}
		return where
	}
	return nil
}

type frame struct{ fn, loc string }

// short renders f as Dump renders a site: "pkg.Func (dir/file.go:12)".
func (f frame) short() string {
	file, line, _ := strings.Cut(f.loc, ":")
	return shortFunc(f.fn) + " (" + shortFile(file) + ":" + line + ")"
}

// maxNamed bounds how many tasks a shutdown error lists.
const maxNamed = 20

// shutdownError describes what Shutdown left unfinished when ctx ended:
// the live tasks (named when introspection is on) and the stuck workers.
func (p *Pool) shutdownError(ctx context.Context, stuck []stuckWorker) error {
	var b strings.Builder
	n := p.live()
	fmt.Fprintf(&b, "pool %s: shutdown cancelled %d tasks", p.cfg.name, max(n, 0))
	if n := countInPoll(stuck); n > 0 {
		fmt.Fprintf(&b, "; %d worker(s) still in a poll, left to exit when it returns", n)
	}
	if p.cfg.intro == nil {
		b.WriteString(" (introspection is off, so they are not named: create the pool WithIntrospection(pool.Introspection{SpawnSites: true}) for their spawn sites)")
	} else {
		tasks := p.Tasks()
		for i, t := range tasks {
			if i == maxNamed {
				fmt.Fprintf(&b, "\n\t... and %d more", len(tasks)-maxNamed)
				break
			}
			b.WriteString("\n\t")
			b.WriteString(t.String())
		}
	}
	for _, s := range stuck {
		fmt.Fprintf(&b, "\n\tworker %d (goroutine %d, %s)", s.idx, s.goid, s.state)
		if s.where == nil {
			b.WriteString(" had not exited")
			continue
		}
		b.WriteString(" in a poll: ")
		b.WriteString(strings.Join(s.where, ", called from "))
	}
	return fmt.Errorf("%s: %w", b.String(), ctx.Err())
}

func countInPoll(stuck []stuckWorker) int {
	n := 0
	for _, s := range stuck {
		if s.where != nil {
			n++
		}
	}
	return n
}
