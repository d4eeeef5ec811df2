package future

import (
	"math/rand/v2"
	"slices"
)

// SelectN's and SelectBiased's state machine is Race's, over the enabled
// cases, with the batch of children to poll put in order first:
//
//	idle --Poll--> busy: order the children woken since the last poll (all
//	               enabled ones on the first poll): shuffled for SelectN,
//	               by case index for SelectBiased; poll them in that
//	               order, each once
//	          --> a case's future is Ready: its fn runs (inside that
//	              child's poll, so only the winner's fn ever runs); Ready
//	              with its value; every other child is cancelled --> done
//	          --> none Ready: Pending --> idle
//	(a panic of a child or of a fn propagates and leaves the select busy)
//	done --Poll--> panic ErrPolledAfterReady
//	busy --Poll--> panic ErrPolledAfterPanic
//	idle --Cancel--> every child cancelled --> cancelled
//	cancelled --Poll--> panic ErrPolledAfterCancel
//
// A disabled case (If(false)) is no child: its future is cancelled when
// the select is made, never polled.

// Case is one branch of SelectN or SelectBiased: a future, what to make of
// its value if it wins, and whether the branch takes part. Make one with
// On; the zero Case is a misuse.
type Case[R any] struct {
	f   Future[R] // the case's future mapped through its fn
	off bool
}

// On returns the case that waits for f and, if f is the first to be Ready,
// makes the select's value fn(v). Only the winning case's fn runs, once,
// inside the select's Poll; it must not block. Cases of futures of
// different types meet in fn's result type R, as the branches of Go's
// select statement and of tokio's select! meet in the code that follows.
func On[T, R any](f Future[T], fn func(T) R) Case[R] {
	if f == nil {
		misuseName("future.On", ErrNilFuture)
	}
	if fn == nil {
		misuseName("future.On", ErrNilFunc)
	}
	return Case[R]{f: &mapFuture[T, R]{f: f, fn: fn}}
}

// If returns c, disabled when cond is false: the select then never polls
// its future and cancels it. It is tokio's `, if cond` precondition, and
// plays the part of a nil channel in Go's select statement: the way to
// leave out, say, a JoinSet's Next while the set is empty (it would be
// Ready at once with ErrEmpty).
func (c Case[R]) If(cond bool) Case[R] {
	c.off = c.off || !cond
	return c
}

// SelectN returns a future that polls the futures of the enabled cases
// concurrently and is Ready with the value of the first case whose future
// is Ready (its fn applied). The other futures are cancelled (see
// Canceler) and never polled again.
//
// It is fair, like Go's select statement and tokio's select!: each poll
// visits the cases in a random order, so that of several cases ready at
// once each wins as often, and a case that is always ready (a busy accept)
// cannot starve the others in a loop. The random choices come from the
// executor when its Context's Ext has a method Rand() *rand.Rand (package
// pooltest's has, so that its runs replay), else from math/rand/v2.
//
// SelectN panics with a *MisuseError (ErrNoFutures) when no case is
// enabled, since it could never finish.
func SelectN[R any](cases ...Case[R]) Future[R] {
	return newSelectN("future.SelectN", cases, shuffleBatch)
}

// SelectBiased is SelectN that visits the cases in the order given, as
// tokio's select! with `biased;` and futures-rs's select_biased!: of
// several cases ready at once, the first listed wins. Put the case that
// must win first, such as a shutdown signal before an accept; a case
// listed early that is always ready starves the ones after it.
func SelectBiased[R any](cases ...Case[R]) Future[R] {
	return newSelectN("future.SelectBiased", cases, sortBatch)
}

func newSelectN[R any](name string, cases []Case[R], order func(*Context, []int32)) Future[R] {
	fs := make([]Future[R], 0, len(cases))
	for _, c := range cases {
		if c.f == nil {
			misuseName(name, ErrNilFuture)
		}
		if !c.off {
			fs = append(fs, c.f)
		}
	}
	if len(fs) == 0 {
		misuseName(name, ErrNoFutures)
	}
	for _, c := range cases {
		if c.off {
			Cancel(c.f)
		}
	}
	return &selectN[R]{g: group[R]{children: fs, live: len(fs)}, order: order}
}

type selectN[R any] struct {
	g     group[R]
	order func(*Context, []int32)
	won   R
	st    stage
}

func (s *selectN[R]) Poll(cx *Context) Poll[R] {
	s.st.enter(s)
	if !s.g.pollIn(cx, s.order, s.win) {
		return pending[R](&s.st)
	}
	s.g.cancel()
	v := s.won
	var zero R
	s.won = zero
	return ready(&s.st, v)
}

// Cancel cancels the future of every enabled case.
func (s *selectN[R]) Cancel() {
	if s.st.cancel() {
		s.g.cancel()
	}
}

func (s *selectN[R]) win(_ int, v R) bool {
	s.won = v
	return true
}

// randSource is what SelectN asks of an executor's Context.Ext to draw its
// random order from (pooltest.Sched has it).
type randSource interface{ Rand() *rand.Rand }

// shuffleBatch puts the children of one poll in a uniformly random order
// (Fisher-Yates), as Go's select statement does with its cases.
func shuffleBatch(cx *Context, b []int32) {
	if len(b) < 2 {
		return
	}
	intN := rand.IntN
	if r, ok := cx.Ext().(randSource); ok {
		intN = r.Rand().IntN
	}
	for i := len(b) - 1; i > 0; i-- {
		j := intN(i + 1)
		b[i], b[j] = b[j], b[i]
	}
}

// sortBatch puts the children of one poll in the order of their cases.
func sortBatch(_ *Context, b []int32) { slices.Sort(b) }

// Adopt implements Adopter: the children are adopted (see group.adopt).
func (s *selectN[R]) Adopt() {
	if s.st == stageIdle {
		s.g.adopt()
	}
}
