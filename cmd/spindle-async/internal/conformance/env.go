package conformance

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spindle-rt/spindle/future"
)

// Env is what the bodies touch: a log of their side effects and the
// futures they await, whose behaviour the tests set.
type Env struct {
	Log     []string
	created int
	calls   int
	// Hold is the creation number (from 1) of the awaited future that
	// never completes, or 0; the cancellation tests cancel the body there.
	Hold int
	// PanicOn names the awaited future whose poll panics.
	PanicOn string
	// Delay, if set, says for how many polls a new future stays pending
	// (waking itself each time) before it is Ready.
	Delay func() int
}

// Add logs an event.
func (e *Env) Add(format string, args ...any) { e.Log = append(e.Log, fmt.Sprintf(format, args...)) }

// Inc logs name and returns how many times Inc was called: a call whose
// order of evaluation shows.
func (e *Env) Inc(name string) int {
	e.calls++
	e.Add("inc %s", name)
	return e.calls
}

// F returns a future of an int that depends on name and on how many
// futures were made before it.
func (e *Env) F(name string) future.Future[int] {
	e.created++
	p := &probe{e: e, name: name, n: e.created}
	if e.Delay != nil {
		p.left = e.Delay()
	}
	e.Add("make %s", name)
	return p
}

// R is F for a fallible future: it fails when name starts with "err".
func (e *Env) R(name string) future.Future[future.Result[int]] {
	return future.Map(e.F(name), func(v int) future.Result[int] {
		if strings.HasPrefix(name, "err") {
			return future.Result[int]{Err: errors.New(name)}
		}
		return future.Result[int]{Value: v}
	})
}

type probe struct {
	e        *Env
	name     string
	n, left  int
	done     bool
	canceled bool
}

func (p *probe) Poll(cx *future.Context) future.Poll[int] {
	if p.done || p.canceled {
		panic("probe " + p.name + " polled after it ended")
	}
	if p.name == p.e.PanicOn {
		panic("boom " + p.name)
	}
	if p.n == p.e.Hold {
		return future.Pending[int]()
	}
	if p.left > 0 {
		p.left--
		cx.Waker().Wake()
		return future.Pending[int]()
	}
	p.done = true
	p.e.Add("done %s", p.name)
	return future.Ready(len(p.name)*100 + p.n)
}

func (p *probe) Cancel() {
	if p.done {
		return
	}
	if p.canceled {
		p.e.Add("second cancel %s", p.name)
		return
	}
	p.canceled = true
	p.e.Add("cancel %s", p.name)
}

// Later is F made at its first poll, so that a list of futures built
// before the body runs is made in the order the body awaits it.
func (e *Env) Later(name string) future.Future[int] { return &later{e: e, name: name} }

type later struct {
	e    *Env
	name string
	f    future.Future[int]
}

func (l *later) Poll(cx *future.Context) future.Poll[int] {
	if l.f == nil {
		l.f = l.e.F(l.name)
	}
	return l.f.Poll(cx)
}

func (l *later) Cancel() {
	if l.f != nil {
		future.Cancel(l.f)
	}
}
