package count

import (
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"
)

// acceptBackoff decides what a server does when accept fails, in every
// mode. Running out of descriptors (EMFILE, ENFILE) or kernel memory
// (ENOBUFS, ENOMEM) is transient: the connection stays in the listen
// backlog, so the server waits and tries again, the wait doubling from
// MinAcceptBackoff to MaxAcceptBackoff; a server that knows when it
// releases a descriptor (thread and async: a connection closed) retries at
// once instead. A connection aborted before it was accepted is skipped at
// once.
//
// It logs one line when a burst of refused accepts starts and one when it
// ends, with the count, never one per failure. A server short of
// descriptors under load has its accepts refused again and again, a few
// connections apart, so a burst ends only once accepts have worked for
// AcceptBurstQuiet with none refused (noticed at the next accept), or when
// the server stops.
type acceptBackoff struct {
	log     io.Writer
	delay   time.Duration
	refused int       // accepts refused in the current burst; 0 outside one
	first   time.Time // the burst's first refusal
	last    time.Time // its latest
}

// MinAcceptBackoff and MaxAcceptBackoff bound a server's wait between
// accepts that fail for lack of descriptors or memory. The first wait is
// short because a descriptor is often back within microseconds (a client
// closing); the cap keeps a long exhaustion at 10 retries a second.
const (
	MinAcceptBackoff = 50 * time.Microsecond
	MaxAcceptBackoff = 100 * time.Millisecond
)

// AcceptBurstQuiet is how long accepts must work, none refused, for a
// burst of refused accepts to be over (and logged as over).
const AcceptBurstQuiet = time.Second

// failed notes an accept that failed with err and returns how long to
// wait before the next one, and false if err is not transient and the
// server must stop.
func (b *acceptBackoff) failed(err error) (time.Duration, bool) {
	if errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPROTO) ||
		errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.ECONNRESET) {
		return 0, true // that connection is gone; the next one is fine
	}
	if !isExhaustion(err) {
		return 0, false
	}
	return b.refusedBy(exhaustionCause(err)), true
}

// refusedBy notes an accept refused for lack of descriptors or memory,
// cause saying which, and returns the wait before the next attempt.
func (b *acceptBackoff) refusedBy(cause string) time.Duration {
	if b.refused == 0 {
		b.first = time.Now()
		fmt.Fprintf(b.log, "countserver: accept refused: %s; retrying after %v, doubling up to %v, or when a connection closes\n",
			cause, MinAcceptBackoff, MaxAcceptBackoff)
	}
	b.refused++
	b.last = time.Now()
	b.delay = min(max(2*b.delay, MinAcceptBackoff), MaxAcceptBackoff)
	return b.delay
}

// inBurst reports whether accepts are being refused.
func (b *acceptBackoff) inBurst() bool { return b.refused > 0 }

// succeeded notes an accept that worked: the next refusal waits the
// shortest time again, and a burst that has been quiet long enough is
// over.
func (b *acceptBackoff) succeeded() {
	if b.refused == 0 {
		return
	}
	b.delay = 0
	if time.Since(b.last) >= AcceptBurstQuiet {
		b.end()
	}
}

// end logs the end of a burst, if one is going on; servers call it when
// they stop.
func (b *acceptBackoff) end() {
	if b.refused == 0 {
		return
	}
	fmt.Fprintf(b.log, "countserver: accept working again: %d accepts refused in %v\n",
		b.refused, b.last.Sub(b.first).Round(time.Millisecond))
	b.refused, b.delay = 0, 0
}

// exhaustionErrnos are the errors that mean the process or the system ran
// out of descriptors or memory: a state that clears by itself.
var exhaustionErrnos = []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM}

// exhaustionNames are their names, for the log.
var exhaustionNames = map[syscall.Errno]string{
	syscall.EMFILE: "EMFILE", syscall.ENFILE: "ENFILE", syscall.ENOBUFS: "ENOBUFS", syscall.ENOMEM: "ENOMEM",
}

// isExhaustion reports whether err is one of exhaustionErrnos.
func isExhaustion(err error) bool {
	for _, e := range exhaustionErrnos {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// exhaustionCause names the errno of err for the log: "too many open
// files (EMFILE)".
func exhaustionCause(err error) string {
	for _, e := range exhaustionErrnos {
		if errors.Is(err, e) {
			return fmt.Sprintf("%v (%s)", e, exhaustionNames[e])
		}
	}
	return err.Error()
}
