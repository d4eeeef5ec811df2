package stream

import (
	"iter"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/bridge"
)

// DefaultSeqBuffer is how many values FromSeq lets its sequence run ahead
// of the consumer.
const DefaultSeqBuffer = 64

// FromSeq returns a stream of the values of seq, with a buffer of
// DefaultSeqBuffer. See FromSeqBuffer.
func FromSeq[T any](seq iter.Seq[T]) Stream[T] { return FromSeqBuffer(seq, DefaultSeqBuffer) }

// FromSeqBuffer returns a stream of the values of seq. At the first poll it
// starts a goroutine that runs seq and hands its values over in batches of
// up to n: the goroutine runs ahead of the consumer by at most n values
// taken from seq and not yet handed over, plus the batch the consumer is
// reading, and then waits. n = 1 keeps seq almost in step with the
// consumer; a larger n amortises the hand-over (BenchmarkStreamFromSeq
// in bench/ measures it). It panics with a *future.MisuseError if n < 1.
//
// seq runs on that goroutine, not in the task, so it must be safe to run
// concurrently with the task's own code. The goroutine exits when seq
// returns, when the stream is closed (seq's yield then returns false), or
// when the stream is garbage collected unclosed; a seq that blocks inside,
// between two values, holds it until it yields again. A panic in seq is
// re-raised in the polling task as a *bridge.PanicError.
//
// Why not iter.Pull: a coroutine created by iter.Pull must be resumed on
// the OS thread it was created on whenever either side is locked to a
// thread, and pool workers are locked and steal tasks from each other, so
// the runtime would abort the process the first time a stolen task resumed
// it. A plain goroutine and a batch hand-over work on any executor.
func FromSeqBuffer[T any](seq iter.Seq[T], n int) Stream[T] {
	if n < 1 {
		misuse("FromSeqBuffer", "n must be at least 1")
	}
	return &seqStream[T]{seq: seq, n: n}
}

// seqStream is the consumer side. States: not started (sh == nil) ->
// running -> ended (End returned) or closed. buf[i:] is the batch being
// read, owned by the consumer alone.
type seqStream[T any] struct {
	seq    iter.Seq[T]
	n      int
	sh     *seqShared[T]
	cln    runtime.Cleanup
	buf    []T
	i      int
	ended  bool
	closed bool
}

// seqShared is shared by the consumer and the producer goroutine. It never
// points to the seqStream, so an abandoned stream can be collected and its
// cleanup can stop the producer.
type seqShared[T any] struct {
	mu      sync.Mutex
	items   []T          // produced, not yet taken (len <= n); guarded by mu
	w       future.Waker // consumer waiting for a value; guarded by mu
	waiting bool         // producer waits for room; guarded by mu
	ended   bool         // seq returned; guarded by mu
	pe      *bridge.PanicError
	n       int
	room    chan struct{} // capacity 1: one token per waiting episode
	stopped atomic.Bool   // set by stop, read at every yield
	stopCh  chan struct{} // closed by stop, wakes a waiting producer
	once    sync.Once
}

func (sh *seqShared[T]) stop() {
	sh.once.Do(func() {
		sh.stopped.Store(true)
		close(sh.stopCh)
	})
}

func (sh *seqShared[T]) run(seq iter.Seq[T]) {
	pe := bridge.Capture(func() { seq(sh.yield) })
	sh.mu.Lock()
	sh.ended, sh.pe = true, pe
	w := sh.w
	sh.w = nil
	sh.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

func (sh *seqShared[T]) yield(v T) bool {
	if sh.stopped.Load() {
		return false
	}
	sh.mu.Lock()
	sh.items = append(sh.items, v)
	w := sh.w
	sh.w = nil
	full := len(sh.items) >= sh.n
	sh.waiting = full
	sh.mu.Unlock()
	if w != nil {
		w.Wake()
	}
	if full {
		select {
		case <-sh.room:
		case <-sh.stopCh:
			return false
		}
	}
	return true
}

func (s *seqStream[T]) PollNext(cx *future.Context) future.Poll[Item[T]] {
	if s.ended {
		panicPolledAfterEnd(s)
	}
	if s.closed {
		panicPolledAfterClose(s)
	}
	if !future.Coop(cx) {
		return future.Pending[Item[T]]()
	}
	if s.i < len(s.buf) {
		return Some(s.take())
	}
	if s.sh == nil {
		s.start()
	}
	sh := s.sh
	sh.mu.Lock()
	if len(sh.items) > 0 {
		clear(s.buf)
		s.buf, sh.items, s.i = sh.items, s.buf[:0], 0
		resume := sh.waiting
		sh.waiting = false
		sh.mu.Unlock()
		if resume {
			sh.room <- struct{}{} // never blocks: one token per episode
		}
		return Some(s.take())
	}
	if sh.ended {
		pe := sh.pe
		sh.mu.Unlock()
		s.ended = true
		s.cln.Stop()
		if pe != nil {
			panic(pe)
		}
		return End[T]()
	}
	sh.w = cx.Waker()
	sh.mu.Unlock()
	future.CoopRefund(cx) // no progress: not charged
	return future.Pending[Item[T]]()
}

func (s *seqStream[T]) take() T {
	v := s.buf[s.i]
	var zero T
	s.buf[s.i] = zero
	s.i++
	return v
}

func (s *seqStream[T]) start() {
	sh := &seqShared[T]{
		n:      s.n,
		items:  make([]T, 0, s.n),
		room:   make(chan struct{}, 1),
		stopCh: make(chan struct{}),
	}
	s.buf = make([]T, 0, s.n)
	s.sh = sh
	s.cln = runtime.AddCleanup(s, func(sh *seqShared[T]) { sh.stop() }, sh)
	seq := s.seq
	s.seq = nil
	go sh.run(seq)
}

// Close stops the goroutine running seq (at its next value, or at once if
// it waits for the consumer). The stream must not be polled afterwards.
func (s *seqStream[T]) Close() {
	if s.sh != nil {
		s.cln.Stop()
		s.sh.stop()
	}
	s.seq = nil
	s.buf = nil
	s.closed = true
}
