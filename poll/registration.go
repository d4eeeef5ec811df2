package poll

import (
	"sync"
	"sync/atomic"

	"github.com/spindle-rt/spindle/future"
)

// Readiness of one registered descriptor (tokio's ScheduledIo, with a
// mutex instead of packed atomics):
//
//	ready  bits (readyRead, readyWrite) the reactor has seen and no failed
//	       syscall has cleared yet. A new registration starts fully ready:
//	       the first read or write is attempted before anything waits, as
//	       Go's netpoll does, so a descriptor that is ready at once costs
//	       no epoll round.
//	       A short read clears readyRead too (drained), unless readHup
//	       (the peer's FIN or an error, which no later event repeats)
//	       came with an event.
//	tick   counts events. A future that saw `ready` at tick t and then got
//	       EAGAIN clears the bit only if tick is still t: an event that
//	       arrived between the failed syscall and the clear is not lost.
//	gen    is bumped when the slot is freed. The kernel hands back the gen
//	       stored at registration with every event, and each handle keeps
//	       the gen it registered with, so neither a stale event nor a stale
//	       handle can touch a slot reused by another descriptor.
//
// Waiters are (key, waker) pairs per direction. Each future has its own key,
// so two tasks waiting on one listener both get woken, and a future polled
// again replaces its own waker rather than adding one. An event wakes and
// removes every waiter of its direction. Waiters abandoned without an event
// (a Read lost a race against a timeout) are bounded: once a list holds
// maxWaiters they are all woken and dropped; live ones register again.
type scheduledIO struct {
	mu     sync.Mutex
	gen    uint32
	tick   uint32
	ready  uint8
	closed bool // freed: waiters get ErrClosed or ErrReactorClosed
	rd, wr []waiter
}

type waiter struct {
	key *waitKey
	w   future.Waker
}

// waitKey identifies one waiting future. It has a size so that distinct
// keys have distinct addresses.
type waitKey struct{ _ byte }

const maxWaiters = 64

// slotState is what a poll of readiness found.
type slotState uint8

const (
	slotPending slotState = iota
	slotReady
	slotClosed
)

// pollReady reports whether dir is ready. If it is not, it leaves w in the
// waiter list under key and the caller must return Pending.
func (s *scheduledIO) pollReady(gen uint32, dir uint8, key *waitKey, w future.Waker) (slotState, uint32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gen != gen || s.closed {
		return slotClosed, 0
	}
	if s.ready&dir != 0 {
		return slotReady, s.tick
	}
	list := &s.rd
	if dir == readyWrite {
		list = &s.wr
	}
	for i := range *list {
		if (*list)[i].key == key {
			(*list)[i].w = w
			return slotPending, 0
		}
	}
	if len(*list) >= maxWaiters {
		for i := range *list {
			(*list)[i].w.Wake()
			(*list)[i] = waiter{}
		}
		*list = (*list)[:0]
	}
	*list = append(*list, waiter{key: key, w: w})
	return slotPending, 0
}

// clearReady forgets dir's readiness after a syscall said EAGAIN, unless an
// event came in since the caller saw it ready at tick.
func (s *scheduledIO) clearReady(gen uint32, dir uint8, tick uint32) {
	s.mu.Lock()
	if s.gen == gen && s.tick == tick {
		s.ready &^= dir
	}
	s.mu.Unlock()
}

// drained forgets read readiness after a read that returned less than it
// asked for: a stream socket's receive queue was empty when it returned,
// so the next read would only say EAGAIN. As in clearReady, an event since
// tick keeps the readiness; so does readHup, since the end of the stream
// (or an error) still waits behind the data and no new event will come
// for it.
func (s *scheduledIO) drained(gen uint32, tick uint32) {
	s.mu.Lock()
	if s.gen == gen && s.tick == tick && s.ready&readHup == 0 {
		s.ready &^= readyRead
	}
	s.mu.Unlock()
}

// setReady records an event and moves the waiters it concerns to wake.
func (s *scheduledIO) setReady(gen uint32, bits uint8, wake []future.Waker) []future.Waker {
	s.mu.Lock()
	if s.gen != gen || s.closed {
		s.mu.Unlock()
		return wake // stale: the slot was freed (and maybe reused) since
	}
	s.tick++
	s.ready |= bits
	if bits&readyRead != 0 {
		wake = takeWaiters(&s.rd, wake)
	}
	if bits&readyWrite != 0 {
		wake = takeWaiters(&s.wr, wake)
	}
	s.mu.Unlock()
	return wake
}

// shut frees the slot for the holder of gen: it bumps the generation and
// returns every waiter to wake, so their next poll reports the closure.
func (s *scheduledIO) shut(gen uint32, wake []future.Waker) ([]future.Waker, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gen != gen || s.closed {
		return wake, false
	}
	s.closed = true
	s.ready = 0
	wake = takeWaiters(&s.rd, wake)
	wake = takeWaiters(&s.wr, wake)
	return wake, true
}

func takeWaiters(list *[]waiter, wake []future.Waker) []future.Waker {
	for i := range *list {
		wake = append(wake, (*list)[i].w)
		(*list)[i] = waiter{}
	}
	*list = (*list)[:0]
	return wake
}

// slab holds every scheduledIO of a reactor in pages that never move, so
// the goroutine in Park can look a token up with one atomic load and no
// lock while other goroutines register and deregister.
type slab struct {
	mu    sync.Mutex // alloc, free and growth
	pages atomic.Pointer[[]*slabPage]
	free  []uint32
	next  uint32
	live  int
}

const (
	pageShift = 8
	pageSize  = 1 << pageShift
)

type slabPage [pageSize]scheduledIO

func (sl *slab) get(token uint32) *scheduledIO {
	pp := sl.pages.Load()
	if pp == nil || int(token>>pageShift) >= len(*pp) {
		return nil
	}
	return &(*pp)[token>>pageShift][token&(pageSize-1)]
}

// alloc returns a free slot, reset to fully ready, with its token and gen.
func (sl *slab) alloc() (*scheduledIO, uint32, uint32) {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	var tok uint32
	if n := len(sl.free); n > 0 {
		tok = sl.free[n-1]
		sl.free = sl.free[:n-1]
	} else {
		tok = sl.next
		sl.next++
		var pages []*slabPage
		if pp := sl.pages.Load(); pp != nil {
			pages = *pp
		}
		if int(tok>>pageShift) >= len(pages) {
			grown := make([]*slabPage, len(pages)+1)
			copy(grown, pages)
			grown[len(pages)] = new(slabPage)
			sl.pages.Store(&grown)
		}
	}
	sl.live++
	s := sl.get(tok)
	s.mu.Lock()
	s.gen++
	s.closed = false
	s.ready = readyRead | readyWrite
	gen := s.gen
	s.mu.Unlock()
	return s, tok, gen
}

func (sl *slab) release(tok uint32) {
	sl.mu.Lock()
	sl.free = append(sl.free, tok)
	sl.live--
	sl.mu.Unlock()
}

// each calls f on every slot ever allocated (for Close).
func (sl *slab) each(f func(*scheduledIO)) {
	sl.mu.Lock()
	n := sl.next
	sl.mu.Unlock()
	for tok := range n {
		f(sl.get(tok))
	}
}

// removeWaiter drops key's waiter, for a future cancelled while pending.
func (s *scheduledIO) removeWaiter(gen uint32, dir uint8, key *waitKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gen != gen {
		return
	}
	list := &s.rd
	if dir == readyWrite {
		list = &s.wr
	}
	l := *list
	for i := range l {
		if l[i].key == key {
			copy(l[i:], l[i+1:])
			l[len(l)-1] = waiter{}
			*list = l[:len(l)-1]
			return
		}
	}
}

// registration is a descriptor's handle on its slot.
type registration struct {
	r   *Reactor
	s   *scheduledIO
	tok uint32
	gen uint32
}

// register adds fd to the reactor, edge-triggered for read and write.
func (r *Reactor) register(fd int) (registration, error) {
	if r.closed.Load() {
		return registration{}, ErrReactorClosed
	}
	s, tok, gen := r.regs.alloc()
	if err := r.p.add(fd, tok, gen); err != nil {
		s.shut(gen, nil)
		r.regs.release(tok)
		return registration{}, err
	}
	return registration{r: r, s: s, tok: tok, gen: gen}, nil
}

// deregister removes fd from epoll and frees its slot; waiters are woken
// and see the closure on their next poll. The caller closes fd afterwards,
// so the number cannot be reused by another descriptor while epoll still
// knows it.
func (g registration) deregister(fd int) {
	if g.s == nil {
		return
	}
	wake, ok := g.s.shut(g.gen, nil)
	if !ok {
		return
	}
	if !g.r.closed.Load() {
		g.r.p.del(fd)
	}
	g.r.regs.release(g.tok)
	for _, w := range wake {
		w.Wake()
	}
}

// pollReady is scheduledIO.pollReady for this handle, with the closed
// reactor told apart from a closed descriptor.
func (g registration) pollReady(cx *future.Context, dir uint8, key *waitKey) (slotState, uint32) {
	return g.s.pollReady(g.gen, dir, key, cx.Waker())
}

func (g registration) clearReady(dir uint8, tick uint32) { g.s.clearReady(g.gen, dir, tick) }

func (g registration) drained(tick uint32) { g.s.drained(g.gen, tick) }

// closedErr says why a registration reported slotClosed.
func (g registration) closedErr() error {
	if g.r.closed.Load() {
		return ErrReactorClosed
	}
	return errClosedConn
}
