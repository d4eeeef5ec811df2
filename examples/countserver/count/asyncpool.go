package count

import (
	"context"
	"fmt"

	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

// NewPool returns a spindle pool named "countserver" whose driver is a
// fresh poll reactor (poll.NewPool): what the Async server and client run
// on. Shut it down when done; that closes the reactor too.
func NewPool(opts ...pool.Option) (*pool.Pool, error) {
	p, err := poll.NewPool(append([]pool.Option{pool.WithName("countserver")}, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("count: %w", err)
	}
	return p, nil
}

// shutdownPool stops a pool the server or client made for itself. Every
// task has finished by then, so it returns at once.
func shutdownPool(p *pool.Pool) { _ = p.Shutdown(context.Background()) }
