package poll

// ConnFD exposes a Conn's descriptor to the external tests, to check
// socket options the API does not report.
func ConnFD(c *Conn) int { return c.ref.fd }

// ConnWaiters returns how many futures wait to read and to write on c.
func ConnWaiters(c *Conn) (rd, wr int) {
	if !c.ref.regd.Load() {
		return 0, 0
	}
	return c.ref.reg.s.waiters()
}

// ListenerWaiters returns how many Accepts wait on l.
func ListenerWaiters(l *Listener) int {
	l.mu.Lock()
	g := l.ref.reg
	l.mu.Unlock()
	if g.s == nil {
		return 0
	}
	rd, _ := g.s.waiters()
	return rd
}

func (s *scheduledIO) waiters() (rd, wr int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.rd), len(s.wr)
}

// ConnReadiness reports what c's slot holds for reading: readiness (no
// syscall has said EAGAIN or drained it since the last event) and the
// peer's shutdown seen by an event.
func ConnReadiness(c *Conn) (ready, hup bool) {
	if !c.ref.regd.Load() {
		return true, false
	}
	s := c.ref.reg.s
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ready&readyRead != 0, s.ready&readHup != 0
}
