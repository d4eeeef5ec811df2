package future

// Select's state machine is Race's for two children of different types:
//
//	idle --Poll--> busy: poll the woken children (both, a first, on the
//	               first poll), each once
//	          --> one is Ready: Ready(Either); the other is cancelled and
//	              never polled again --> done
//	          --> neither: Pending --> idle
//	(a panic of a child propagates and leaves Select busy)
//	done --Poll--> panic ErrPolledAfterReady
//	busy --Poll--> panic ErrPolledAfterPanic
//	idle --Cancel--> both cancelled --> cancelled
//	cancelled --Poll--> panic ErrPolledAfterCancel

// Either is the value of Select: Index is 0 when the first future won, with
// its value in First, or 1 when the second won, with its value in Second.
// The loser's field is its zero value.
type Either[A, B any] struct {
	Index  int
	First  A
	Second B
}

// Select returns a future that polls a and b concurrently and is Ready as
// soon as one of them is, reporting which. The loser is cancelled (see
// Canceler) and never polled again.
// When both are Ready in the same poll, the one polled first wins: a on the
// first poll, later the one woken first.
func Select[A, B any](a Future[A], b Future[B]) Future[Either[A, B]] {
	if a == nil || b == nil {
		misuseName("future.Select", ErrNilFuture)
	}
	return &selectFuture[A, B]{a: a, b: b}
}

type selectFuture[A, B any] struct {
	a   Future[A]
	b   Future[B]
	set wakeSet
	st  stage
}

func (s *selectFuture[A, B]) Poll(cx *Context) Poll[Either[A, B]] {
	s.st.enter(s)
	if !s.set.initialized() {
		s.set.init(2)
	}
	var out Either[A, B]
	won := false
	for _, i := range s.set.begin(cx) {
		if i == 0 {
			out.First, won = s.a.Poll(s.set.child(0)).Value()
		} else {
			out.Second, won = s.b.Poll(s.set.child(1)).Value()
		}
		if won {
			out.Index = int(i)
			break
		}
	}
	if !won {
		return pending[Either[A, B]](&s.st)
	}
	s.set.close()
	a, b := s.a, s.b
	s.a, s.b = nil, nil
	if out.Index == 0 {
		Cancel(b)
	} else {
		Cancel(a)
	}
	return ready(&s.st, out)
}

// Cancel cancels both futures.
func (s *selectFuture[A, B]) Cancel() {
	if s.st.cancel() {
		s.set.close()
		a, b := s.a, s.b
		s.a, s.b = nil, nil
		Cancel(a)
		Cancel(b)
	}
}

// Adopt implements Adopter: Select cancels the loser, and both children on
// Cancel (the one whose poll panicked included), so both are adopted.
func (s *selectFuture[A, B]) Adopt() {
	if s.st == stageIdle && !s.set.initialized() {
		Adopt(s.a)
		Adopt(s.b)
	}
}
