package count

import (
	"context"
	"fmt"

	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

// NewPool returns a spindle pool whose driver is a fresh poll reactor: what
// the Async server and client run on. Shut it down when done; that closes
// the reactor too.
func NewPool(opts ...pool.Option) (*pool.Pool, error) {
	r, err := poll.NewReactor()
	if err != nil {
		return nil, fmt.Errorf("count: reactor: %w", err)
	}
	p, err := pool.New(append([]pool.Option{pool.WithName("countserver"), pool.WithDriver(r)}, opts...)...)
	if err != nil {
		_ = r.Close()
		return nil, err
	}
	return p, nil
}

// shutdownPool stops a pool the server or client made for itself. Every
// task has finished by then, so it returns at once.
func shutdownPool(p *pool.Pool) { _ = p.Shutdown(context.Background()) }
