package pooltest

import (
	"fmt"
	"time"
)

// The trace keeps the last traceLen scheduling events of a run in a ring,
// as plain structs: formatting them costs only when a run fails, where
// they show how the failing schedule ended.

const traceLen = 48

type eventKind uint8

const (
	evPoll eventKind = iota
	evSpurious
	evClock
	evStale
)

type event struct {
	step   int
	task   uint64
	kind   eventKind
	result taskState // for polls: what the task became
	d      time.Duration
}

func (s *Sched) record(e event) {
	s.trace[s.traceN%traceLen] = e
	s.traceN++
}

// traceLines renders the ring, oldest first.
func (s *Sched) traceLines() []string {
	n := min(s.traceN, traceLen)
	lines := make([]string, 0, n+1)
	if s.traceN > traceLen {
		lines = append(lines, fmt.Sprintf("(%d earlier events not kept)", s.traceN-traceLen))
	}
	for i := s.traceN - n; i < s.traceN; i++ {
		e := s.trace[i%traceLen]
		switch e.kind {
		case evPoll, evSpurious:
			what := "poll"
			if e.kind == evSpurious {
				what = "spurious poll (not woken)"
			}
			outcome := "Pending"
			switch e.result {
			case stateDone:
				outcome = "Ready"
			case stateReady:
				outcome = "Pending, woken during the poll"
			case stateRunning:
				outcome = "stopped the run (panic or FailNow)"
			}
			lines = append(lines, fmt.Sprintf("step %d: %s of task %d: %s", e.step, what, e.task, outcome))
		case evClock:
			lines = append(lines, fmt.Sprintf("after step %d: every task idle, clock jumps to +%v", e.step, e.d))
		case evStale:
			lines = append(lines, fmt.Sprintf("at step %d: wake of task %d by the waker of an earlier poll dropped", e.step, e.task))
		}
	}
	return lines
}
