package count

import (
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"
)

// acceptBackoff decides what a server does when accept fails. Running out
// of descriptors (EMFILE, ENFILE) or kernel memory is transient: the
// connection stays in the listen backlog, so the server waits, with the
// wait doubling from minDelay to maxDelay, and tries again. It logs the
// first failure of a burst and the recovery, not every failure, so a long
// exhaustion does not flood the log. A connection aborted before it was
// accepted is skipped at once.
type acceptBackoff struct {
	log   io.Writer
	delay time.Duration
	fails int
	first time.Time
}

const (
	minAcceptDelay = 5 * time.Millisecond
	maxAcceptDelay = time.Second
)

// failed returns how long to wait before the next accept, and false if err
// is not transient and the server must stop.
func (b *acceptBackoff) failed(err error) (time.Duration, bool) {
	if errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPROTO) ||
		errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.ECONNRESET) {
		return 0, true // that connection is gone; the next one is fine
	}
	if !isExhaustion(err) {
		return 0, false
	}
	if b.fails == 0 {
		b.first = time.Now()
		fmt.Fprintf(b.log, "countserver: accept: %v; backing off until it clears (logged once per burst)\n", err)
	}
	b.fails++
	b.delay = min(max(2*b.delay, minAcceptDelay), maxAcceptDelay)
	return b.delay, true
}

// succeeded notes an accept that worked, ending a burst of failures.
func (b *acceptBackoff) succeeded() {
	if b.fails == 0 {
		return
	}
	fmt.Fprintf(b.log, "countserver: accept: recovered after %d failed attempts in %v\n",
		b.fails, time.Since(b.first).Round(time.Millisecond))
	b.fails, b.delay = 0, 0
}

// isExhaustion reports whether err means the process or the system ran out
// of descriptors or memory: a state that clears by itself.
func isExhaustion(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) ||
		errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.ENOMEM)
}
