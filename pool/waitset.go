package pool

import "sync"

// waitSet holds the channel that JoinHandle.Wait blocks on, for the tasks
// that a goroutine waits for. Few tasks are waited for that way (most are
// awaited by a task, through the join waker), so the channel is kept here
// rather than in every task, where it would cost 8 bytes each, a size
// class for many T.
//
// Protocol, with the task's stWaitChan state bit:
//
//	Wait:    under mu, if the task has no entry: set stWaitChan (an atomic
//	         Or, which also tells whether the task is complete: then there
//	         is nothing to wait for) and add an entry; take a reference
//	finish:  toComplete returns the state it replaced; if stWaitChan was
//	         set, under mu take the entry out and close its channel
//	Wait returns early (ctx): drop the reference; the last one out takes
//	         the entry out, so that a task nobody waits for any more is not
//	         kept alive by the pool (stWaitChan stays set: finish then finds
//	         no entry, and a later Wait adds a new one)
//
// The Or and toComplete's CAS are ordered on the state word: either Wait
// sees complete and adds nothing, or finish sees stWaitChan, and then it
// takes mu after Wait added the entry under it.
type waitSet struct {
	mu sync.Mutex
	m  map[*header]*waitEntry
}

type waitEntry struct {
	ch   chan struct{}
	refs int
}

// enter returns the entry to wait on for h, or nil if h is complete.
func (s *waitSet) enter(h *header) *waitEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.m[h]
	if e == nil {
		if h.state.v.Or(stWaitChan)&stComplete != 0 {
			return nil
		}
		if s.m == nil {
			s.m = make(map[*header]*waitEntry)
		}
		e = &waitEntry{ch: make(chan struct{})}
		s.m[h] = e
	}
	e.refs++
	return e
}

// leave drops a reference to e taken by enter, for a Wait that returns
// before completion.
func (s *waitSet) leave(h *header, e *waitEntry) {
	s.mu.Lock()
	if s.m[h] == e {
		if e.refs--; e.refs == 0 {
			delete(s.m, h)
		}
	}
	s.mu.Unlock()
}

// complete wakes the goroutines waiting for h, which just completed with
// stWaitChan set.
func (s *waitSet) complete(h *header) {
	s.mu.Lock()
	e := s.m[h]
	delete(s.m, h)
	s.mu.Unlock()
	if e != nil {
		close(e.ch)
	}
}
