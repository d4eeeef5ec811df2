package adopted

import (
	"sync/atomic"

	"github.com/spindle-rt/spindle/future"
)

// probe is a pending future that counts its adoptions and cancels, and
// panics at its poll number panicAt (never if 0). It wakes itself, so a
// pool polls it again.
type probe struct {
	panicAt            int32
	polls              atomic.Int32
	adopted, cancelled atomic.Int32
}

func (p *probe) Poll(cx *future.Context) future.Poll[int] {
	if p.polls.Add(1) == p.panicAt {
		panic("probe: poll panics")
	}
	future.WakeFrom(cx, cx.Waker())
	return future.Pending[int]()
}

func (p *probe) Adopt()  { p.adopted.Add(1) }
func (p *probe) Cancel() { p.cancelled.Add(1) }
