package future

import "time"

// Context is what a future is polled with: the Waker of the current poll,
// plus slots an executor fills so that code running inside a task can find
// the executor (Ext), the I/O and timer driver (Driver) and the task's
// cooperative budget (see Coop). A Context is valid only during the Poll it
// is passed to.
type Context struct {
	waker  Waker
	ext    any
	driver Driver
	budget *Budget
}

// NewContext returns a Context whose Waker is w, with no executor, driver or
// budget. Tests use it to poll futures by hand.
func NewContext(w Waker) *Context {
	if w == nil {
		w = NoopWaker
	}
	return &Context{waker: w}
}

// Waker returns the waker to wake when the future polled with cx can make
// progress.
func (cx *Context) Waker() Waker { return cx.waker }

// Ext returns the executor's extension value (for the pool package, the
// worker running the task), or nil outside an executor.
func (cx *Context) Ext() any { return cx.ext }

// Driver returns the I/O and timer driver that serves futures polled with
// cx, or nil when there is none.
func (cx *Context) Driver() Driver { return cx.driver }

// With returns a copy of cx that carries waker w instead of cx's waker and
// shares everything else. Combinators use it to give each child its own
// waker; keep the result in the combinator's state so that polling does not
// allocate.
func (cx *Context) With(w Waker) Context {
	c := *cx
	c.waker = w
	return c
}

// SetWaker replaces the waker. Executors reuse one Context across polls.
func (cx *Context) SetWaker(w Waker) { cx.waker = w }

// SetExt sets the executor's extension value.
func (cx *Context) SetExt(ext any) { cx.ext = ext }

// SetDriver sets the driver that futures polled with cx register with.
func (cx *Context) SetDriver(d Driver) { cx.driver = d }

// SetBudget sets the cooperative budget consumed by Coop; nil means
// unlimited.
func (cx *Context) SetBudget(b *Budget) { cx.budget = b }

// Driver is an event source that an executor blocks in when it has nothing
// to run: the poll package's reactor. Executors own the driver they are
// given and let one goroutine at a time call Park.
type Driver interface {
	// Park waits until an event is ready, Unpark is called, or timeout has
	// passed (a negative timeout waits without limit; zero only collects
	// events that are already ready). Before it returns it wakes the wakers
	// of the events it saw, through WakeFrom(cx, ...).
	Park(cx *Context, timeout time.Duration)
	// Unpark makes a Park in progress, or the next one, return promptly.
	// Any goroutine may call it at any time.
	Unpark()
}
