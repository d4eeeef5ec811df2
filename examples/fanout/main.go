// Fanout runs 100 jobs, at most 10 at a time, and cancels the rest at the
// first error: the program a new user writes to learn spindle's
// semaphore, task group and cancellation. It prints what finished, what
// failed and what was cancelled, and how many permits came back.
//
//	go run ./examples/fanout               # job 37 fails
//	go run ./examples/fanout -fail -1      # none fails: all 100 finish
//
// Each job holds a permit of a tasksync.Semaphore for as long as it runs;
// future.Using gives the permit back however the job ends, finished,
// failed or aborted. The jobs are tasks of a joinset with AbortOnError:
// the first error aborts every other task, running or still waiting for a
// permit. The job itself is a compiled async function (job.go).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/joinset"
)

func main() {
	os.Exit(fanout(os.Args[1:], os.Stdout, os.Stderr))
}

// fanout is main with its arguments and outputs passed in, for the test.
func fanout(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fanout", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("jobs", 100, "jobs to run")
	limit := fs.Int("limit", 10, "most jobs running at once")
	fail := fs.Int("fail", 37, "the job that fails (-1: none)")
	work := fs.Duration("work", 20*time.Millisecond, "how long a job works")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *n < 1 || *limit < 1 {
		fmt.Fprintln(stderr, "fanout: -jobs and -limit must be at least 1")
		return 2
	}
	j := &journal{fail: *fail, work: *work}
	out, err := run(*n, *limit, j)
	if err != nil {
		fmt.Fprintln(stderr, "fanout:", err)
		return 1
	}
	out.print(stdout)
	return 0
}

// outcome is what run saw.
type outcome struct {
	finished           []int
	failure            error // the first job error, nil if none
	cancelled, running int   // jobs aborted after it; of them, started
	permits, limit     int   // permits free at the end, of limit
}

// run spawns n jobs, limit at a time, and collects their results as they
// finish.
func run(n, limit int, j *journal) (outcome, error) {
	// One worker: the jobs only wait, and on one thread "after the cancel"
	// is plain program order, which the test checks.
	p, err := poll.NewPool(pool.WithWorkers(1))
	if err != nil {
		return outcome{}, err
	}
	defer p.Shutdown(context.Background())

	sem := tasksync.NewSemaphore(limit)
	set := joinset.New[int](p, joinset.AbortOnError())
	for i := range n {
		set.Spawn(future.Using(sem.Acquire(1),
			func(*tasksync.Permit) future.Future[future.Result[int]] { return job(i, j) },
			(*tasksync.Permit).Release))
	}
	out := outcome{limit: limit}
	for set.Len() > 0 {
		v, err := pool.TryBlockOn(p, set.Next())
		switch {
		case err == nil:
			out.finished = append(out.finished, v)
		case errors.Is(err, pool.ErrAborted):
			out.cancelled++
		case out.failure == nil: // the set has just aborted the rest
			out.failure = err
			j.note("cancel", -1)
		default:
			return out, err
		}
	}
	slices.Sort(out.finished)
	out.permits = sem.Available()
	out.running = j.running()
	return out, nil
}

func (o outcome) print(w io.Writer) {
	fmt.Fprintf(w, "finished %d:", len(o.finished))
	for _, i := range o.finished {
		fmt.Fprintf(w, " %d", i)
	}
	fmt.Fprintln(w)
	if o.failure != nil {
		fmt.Fprintf(w, "failed: %v\n", o.failure)
		fmt.Fprintf(w, "cancelled %d: %d running, %d waiting for a permit\n", o.cancelled, o.running, o.cancelled-o.running)
	}
	fmt.Fprintf(w, "permits back: %d of %d\n", o.permits, o.limit)
}
