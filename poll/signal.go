package poll

import (
	"os"
	"os/signal"
	"runtime"
	"sync"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/stream"
)

// SignalStream is a stream of incoming signals (tokio's
// signal::unix::signal), made by Signals. It is built on package
// os/signal, not on a signalfd: a signalfd only sees signals that every
// thread of the process blocks, which the Go runtime does not let a
// program arrange, and it would take the signals away from os/signal
// users. Through os/signal every subscriber — this stream, a CtrlC, a
// signal.Notify elsewhere in the program — gets each signal.
//
// A goroutine receives from the os/signal channel and queues the signals
// for PollNext, waking the task that waits. As with os/signal, signals
// that arrive faster than they are taken are coalesced once 16 are queued.
// Close stops the subscription and the goroutine; the stream then ends. A
// stream dropped without Close is closed by the garbage collector, later.
type SignalStream struct {
	*sigState
}

// sigState is what the forwarding goroutine shares with the stream; the
// goroutine holds only this, so the SignalStream handle itself can become
// unreachable and be closed by its cleanup.
type sigState struct {
	ch   chan os.Signal
	stop chan struct{}
	once sync.Once

	mu     sync.Mutex
	queue  []os.Signal
	w      future.Waker
	closed bool
	ended  bool
}

const signalQueue = 16

// Signals returns a stream of the given signals (all signals if none, as
// signal.Notify). While it is open those signals no longer have their
// default effect (SIGINT no longer ends the program).
//
// Cancel safety: a signal leaves the stream's queue only in the poll that
// returns it, so a stream.Next that loses a race loses no signal; the
// queue holds 16, and further signals are dropped while it is full, as
// signal.Notify drops them on a full channel.
func Signals(sigs ...os.Signal) *SignalStream {
	st := &sigState{ch: make(chan os.Signal, signalQueue), stop: make(chan struct{})}
	signal.Notify(st.ch, sigs...)
	go st.forward()
	s := &SignalStream{st}
	runtime.AddCleanup(s, (*sigState).close, st)
	return s
}

func (s *sigState) forward() {
	for {
		select {
		case sig := <-s.ch:
			s.mu.Lock()
			if len(s.queue) < signalQueue {
				s.queue = append(s.queue, sig)
			}
			w := s.w
			s.w = nil
			s.mu.Unlock()
			if w != nil {
				w.Wake()
			}
		case <-s.stop:
			return
		}
	}
}

// PollNext returns the next signal, or End once the stream is closed.
// Unlike other streams, a SignalStream may be closed from any goroutine
// while a task waits on it: the task is woken and sees End. Polling it
// after End panics with a *future.MisuseError, as for every stream.
func (s *SignalStream) PollNext(cx *future.Context) future.Poll[stream.Item[os.Signal]] {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		panic(&future.MisuseError{Future: "*poll.SignalStream", Err: stream.ErrPolledAfterEnd})
	}
	if len(s.queue) > 0 {
		sig := s.queue[0]
		s.queue = s.queue[1:]
		return stream.Some(sig)
	}
	if s.closed {
		s.ended = true
		return stream.End[os.Signal]()
	}
	s.w = cx.Waker()
	return future.Pending[stream.Item[os.Signal]]()
}

// Recv returns a future of the next signal; ok is false once the stream
// is closed.
func (s *SignalStream) Recv() future.Future[stream.Item[os.Signal]] {
	return stream.Next[os.Signal](s)
}

// Close unsubscribes (restoring the signals' default effect unless another
// subscriber remains) and ends the stream. It may be called more than
// once.
func (s *SignalStream) Close() { s.close() }

func (s *sigState) close() {
	s.once.Do(func() {
		signal.Stop(s.ch)
		close(s.stop)
		s.mu.Lock()
		s.closed = true
		w := s.w
		s.w = nil
		s.mu.Unlock()
		if w != nil {
			w.Wake()
		}
	})
}

// CtrlC returns a future that completes when the program receives an
// interrupt (os.Interrupt: SIGINT, Ctrl-C in a terminal), as tokio's
// signal::ctrl_c. It subscribes at once, so an interrupt that arrives
// before the first poll is not lost, and unsubscribes when it completes or
// is cancelled. While it waits, Ctrl-C does not end the program.
//
// Cancel safety: an interrupt that arrived but was not yet returned by a
// poll is dropped with the future. A loop that races CtrlC against other
// work each time round can miss one: keep a single Signals(os.Interrupt)
// stream open instead, whose queue keeps them.
func CtrlC() future.Future[struct{}] {
	return &ctrlC{s: Signals(os.Interrupt)}
}

type ctrlC struct {
	s    *SignalStream
	done bool
}

func (f *ctrlC) Poll(cx *future.Context) future.Poll[struct{}] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	if f.s.PollNext(cx).IsPending() {
		return future.Pending[struct{}]()
	}
	f.Cancel()
	return future.Ready(struct{}{})
}

// Cancel unsubscribes.
func (f *ctrlC) Cancel() {
	f.done = true
	f.s.Close()
}
