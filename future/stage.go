package future

// stage is the life of a future of this package that runs user code (a
// child's Poll or a user function), one byte in the future's struct:
//
//	idle --Poll--> busy --returns Pending--> idle
//	               busy --returns Ready----> done
//	               busy --user code panics--> stays busy
//	done --Poll--> panic ErrPolledAfterReady
//	busy --Poll--> panic ErrPolledAfterPanic (a recovered panic, then a re-poll)
//	idle or busy --Cancel--> cancelled; children cancelled
//	cancelled --Poll--> panic ErrPolledAfterCancel
//	done or cancelled --Cancel--> nothing
//
// Panics of user code are never recovered here: they propagate to the
// caller of Poll, and the future stays busy so that reusing it is reported
// instead of resuming from a half-updated state.
type stage uint8

const (
	stageIdle stage = iota
	stageBusy
	stageDone
	stageCancelled
)

// enter starts a poll of f, whose stage is s.
func (s *stage) enter(f any) {
	switch *s {
	case stageDone:
		panicPolledAfterReady(f)
	case stageBusy:
		misuse(f, ErrPolledAfterPanic)
	case stageCancelled:
		misuse(f, ErrPolledAfterCancel)
	}
	*s = stageBusy
}

// cancel moves s to cancelled and reports whether the caller must cancel
// the future's children: not when it completed or was cancelled already.
func (s *stage) cancel() bool {
	if *s == stageDone || *s == stageCancelled {
		return false
	}
	*s = stageCancelled
	return true
}

// pending ends a poll that returned Pending and returns it.
func pending[T any](s *stage) Poll[T] {
	*s = stageIdle
	return Poll[T]{}
}

// ready ends a poll that completed with v and returns it.
func ready[T any](s *stage, v T) Poll[T] {
	*s = stageDone
	return Poll[T]{value: v, ready: true}
}
