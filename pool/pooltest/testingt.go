package pooltest

import "fmt"

// The methods of this file make a Sched a require.TestingT (and an
// assert.TestingT): assertions inside tasks and in the body record their
// failure in the run, which reports it with the seed. Errorf, Error, Logf
// and Log may be called from any goroutine; FailNow, Fatalf and Fatal only
// from the loop goroutine (the body or a task), as with testing.T.

// Errorf records a failure of the run and lets it go on.
func (s *Sched) Errorf(format string, args ...any) {
	s.addMessage(fmt.Sprintf(format, args...))
}

// Error records a failure of the run, formatted as fmt.Sprint would, and
// lets it go on.
func (s *Sched) Error(args ...any) { s.addMessage(fmt.Sprint(args...)) }

// Fatalf records a failure and ends the run, as FailNow does.
func (s *Sched) Fatalf(format string, args ...any) {
	s.Errorf(format, args...)
	s.FailNow()
}

// Fatal records a failure and ends the run, as FailNow does.
func (s *Sched) Fatal(args ...any) {
	s.Error(args...)
	s.FailNow()
}

// FailNow marks the run failed and ends it: inside a task it stops the
// loop, in the body it stops the body. Call it from the loop goroutine.
func (s *Sched) FailNow() {
	s.mu.Lock()
	if s.failure == nil {
		s.failure = &Failure{Seed: s.seed}
	}
	s.mu.Unlock()
	panic(failNow{})
}

// Fail marks the run failed and lets it go on.
func (s *Sched) Fail() {
	s.mu.Lock()
	if s.failure == nil {
		s.failure = &Failure{Seed: s.seed}
	}
	s.mu.Unlock()
}

// Failed reports whether the run has failed.
func (s *Sched) Failed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failure != nil
}

// Helper does nothing; it is there so that helpers written for testing.T
// accept a Sched.
func (s *Sched) Helper() {}

// Logf records a line that is printed only if the run fails.
func (s *Sched) Logf(format string, args ...any) {
	s.mu.Lock()
	s.logs = append(s.logs, fmt.Sprintf(format, args...))
	s.mu.Unlock()
}

// Log records a line, formatted as fmt.Sprint would, that is printed only
// if the run fails.
func (s *Sched) Log(args ...any) { s.Logf("%s", fmt.Sprint(args...)) }

func (s *Sched) addMessage(m string) {
	s.mu.Lock()
	if s.failure == nil {
		s.failure = &Failure{Seed: s.seed}
	}
	s.failure.Messages = append(s.failure.Messages, m)
	s.mu.Unlock()
}

// fail records a failure found by the scheduler itself (deadlock, panic,
// livelock) and makes the loop stop.
func (s *Sched) fail(m string) {
	s.addMessage(m)
	s.stopping = true
}
