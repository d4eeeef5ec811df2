package future

// YieldNow's state machine:
//
//	fresh   --Poll--> wake cx.Waker(), Pending --> yielded
//	yielded --Poll--> Ready, done
//	done    --Poll--> panic ErrPolledAfterReady
//
// The wake goes through Waker.Wake, not WakeFrom: WakeFrom lets an executor
// run the woken task next on the same worker, which would defeat the point
// of yielding. Like tokio's yield_now, the task goes to the back of the line.

// YieldNow returns a future that returns Pending once, after waking its own
// waker, and is Ready on the next poll: inside a task it gives the other
// queued tasks a turn before the task continues.
func YieldNow() Future[struct{}] { return &yieldFuture{} }

type yieldFuture struct {
	yielded bool
	done    bool
}

func (y *yieldFuture) Poll(cx *Context) Poll[struct{}] {
	if y.done {
		panicPolledAfterReady(y)
	}
	if !y.yielded {
		y.yielded = true
		cx.Waker().Wake()
		return Poll[struct{}]{}
	}
	y.done = true
	return Ready(struct{}{})
}
