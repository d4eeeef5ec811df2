package poll

import (
	"slices"

	"github.com/spindle-rt/spindle/pool"
)

// NewPool makes a task pool driven by a new Reactor: its idle worker parks
// in the reactor's epoll wait, busy workers poll the reactor every few
// dozen tasks, tasks find it as cx.Driver(), and Shutdown closes it. It is
// the usual way to run a spindle program that does I/O or sleeps.
func NewPool(opts ...pool.Option) (*pool.Pool, error) {
	r, err := NewReactor()
	if err != nil {
		return nil, err
	}
	p, err := pool.New(slices.Concat(opts, []pool.Option{pool.WithDriver(r)})...)
	if err != nil {
		r.Close()
		return nil, err
	}
	return p, nil
}
