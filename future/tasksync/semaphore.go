package tasksync

// Acquire future state machine:
//
//	waiting --Poll: n permits free / handed over--> Ready(Ok(permit)) --> done
//	waiting --Poll: too few--> Pending (queued FIFO holding the permits it
//	        was handed so far, waker replaced each poll)
//	waiting --Poll after Close--> Ready(Err(ErrClosed)) --> done
//	waiting --Cancel--> cancelled (permits handed so far go to the next waiter)
//	done --Reset (permit released)--> waiting again
//	done / cancelled --Poll--> panic *future.MisuseError

import (
	"errors"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/internal/waitq"
)

// MaxPermits is the most permits a Semaphore can hold.
const MaxPermits = waitq.MaxPermits

// ErrTooManyPermits is the error of the *future.MisuseError raised by a
// permit count that is negative or above MaxPermits.
var ErrTooManyPermits = errors.New("permit count out of range")

// Semaphore is a counting semaphore for tasks with weighted, FIFO-fair
// acquires: an acquire of n waits until n permits can be handed to it, and
// no later acquire, however small, overtakes it. An acquire of more permits
// than the semaphore will ever hold waits forever (or until Close).
type Semaphore struct {
	sem waitq.Sem
}

// NewSemaphore returns a semaphore holding permits permits.
func NewSemaphore(permits int) *Semaphore {
	checkPermits(permits)
	s := &Semaphore{}
	s.sem.Init(int64(permits))
	return s
}

func checkPermits(n int) {
	if n < 0 || int64(n) > MaxPermits {
		misuse("*tasksync.Semaphore", ErrTooManyPermits)
	}
}

// Available returns how many permits are free now.
func (s *Semaphore) Available() int { return int(s.sem.Available()) }

// Acquire returns a future that is Ready with a Permit for n permits, or
// with ErrClosed once the semaphore is closed.
func (s *Semaphore) Acquire(n int) *AcquireFuture {
	checkPermits(n)
	return &AcquireFuture{permit: Permit{s: s, n: int64(n)}}
}

// TryAcquire takes n permits if they are free and nobody is waiting; it
// returns ErrNoPermits otherwise, or ErrClosed.
func (s *Semaphore) TryAcquire(n int) (*Permit, error) {
	checkPermits(n)
	ok, err := s.sem.TryAcquire(int64(n))
	if err != nil {
		return nil, ErrClosed
	}
	if !ok {
		return nil, ErrNoPermits
	}
	return &Permit{s: s, n: int64(n)}, nil
}

// Release adds n permits, waking the waiters they complete. It is how
// permits taken with Permit.Forget are given back, and how a semaphore
// grows.
func (s *Semaphore) Release(n int) {
	checkPermits(n)
	s.sem.Release(nil, int64(n))
}

// Close fails every waiting and later Acquire with ErrClosed. Permits
// already held stay valid and may be released.
func (s *Semaphore) Close() { s.sem.Close() }

// AcquireFuture is the future returned by Semaphore.Acquire.
//
// Cancel safety: cancelling it while it waits (its Cancel, or dropping it,
// see the package doc) gives up its place in the FIFO queue and nothing
// else: if the permits was handed to it but not yet returned by a poll, Cancel
// gives them back to the next waiter. A new Acquire waits at the back of the
// queue.
type AcquireFuture struct {
	w      acqWait
	permit Permit // handed out by the Ready poll: no second allocation
}

// Poll implements future.Future.
func (f *AcquireFuture) Poll(cx *future.Context) future.Poll[future.Result[*Permit]] {
	ok, err := pollAcq(f, &f.w, &f.permit.s.sem, f.permit.n, cx)
	if err != nil {
		f.permit.end() // never handed out
		return future.Ready(future.Err[*Permit](err))
	}
	if !ok {
		return future.Pending[future.Result[*Permit]]()
	}
	return future.Ready(future.Ok(&f.permit))
}

// Cancel gives up the wait; permits already handed to the future go to the
// next waiter. Cancel after Ready does nothing.
func (f *AcquireFuture) Cancel() { f.w.cancel(&f.permit.s.sem, f.permit.n) }

// Adopt implements future.Adopter: the owner cancels the future whenever
// it drops it before Ready, so its wait registers no cleanup and the
// future is its own queue node.
func (f *AcquireFuture) Adopt() { f.w.adopt() }

// Reset makes a finished acquire, whose permit was released or forgotten,
// wait for the same number of permits again (see LockFuture.Reset).
func (f *AcquireFuture) Reset() *AcquireFuture {
	f.w.reset(f, !f.permit.ended())
	f.permit.n = int64(f.permit.N())
	return f
}

// Permit is a number of permits held from a Semaphore.
type Permit struct {
	s *Semaphore
	// n is the number of permits, ^n once released or forgotten: a
	// separate flag would make an AcquireFuture one size class larger.
	n int64
}

func (p *Permit) ended() bool { return p.n < 0 }
func (p *Permit) end() {
	if p.n >= 0 {
		p.n = ^p.n
	}
}

// N returns how many permits p holds (or held, once released).
func (p *Permit) N() int {
	if p.n < 0 {
		return int(^p.n)
	}
	return int(p.n)
}

// Release gives the permits back. A second Release (or Release after
// Forget) panics with a *future.MisuseError.
func (p *Permit) Release() { p.ReleaseFrom(nil) }

// ReleaseFrom is Release from inside a Poll: the waiters it completes are
// woken through future.WakeFrom(cx, ...).
func (p *Permit) ReleaseFrom(cx *future.Context) {
	if p.ended() {
		misuse("*tasksync.Permit", ErrReleased)
	}
	n := p.n
	p.end()
	p.s.sem.Release(cx, n)
}

// Forget drops the permits without giving them back: the semaphore shrinks
// by p.N(). Semaphore.Release can add them back later.
func (p *Permit) Forget() {
	if p.ended() {
		misuse("*tasksync.Permit", ErrReleased)
	}
	p.end()
}

// Waiters returns how many acquires are queued on s. It is meant for
// tests and metrics.
func (s *Semaphore) Waiters() int { return s.sem.Waiters() }
