package main

//go:generate go run github.com/spindle-rt/spindle/cmd/spindle-async

import (
	"fmt"
	"sync"
	"time"

	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/poll"
)

// jobBody is one job: it works (sleeps) and returns its number, or fails
// at once if it is the journal's failing job. Compiled into job(i, j), it
// starts at its first poll, once it holds its permit; a combinator chain
// would need a Lazy to do that.
//
//spindle:async
func jobBody(a *async.Awaiter, i int, j *journal) (int, error) {
	j.note("start", i)
	if i == j.fail {
		j.note("fail", i)
		return 0, fmt.Errorf("job %d: out of disk", i)
	}
	async.Await(a, poll.Sleep(j.work))
	j.note("done", i)
	return i, nil
}

// journal records what the jobs did, in order, and how many ran at once.
type journal struct {
	fail int
	work time.Duration

	mu        sync.Mutex
	events    []event
	now, most int // jobs started and not done, now and at most
}

type event struct {
	what string // start, done, fail; cancel when the set aborted the rest
	job  int
}

func (j *journal) note(what string, i int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.events = append(j.events, event{what, i})
	switch what {
	case "start":
		j.now++
		j.most = max(j.most, j.now)
	case "done", "fail":
		j.now--
	}
}

// running returns how many jobs started and neither finished nor failed.
func (j *journal) running() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.now
}
