//go:build linux && !race

package golden

import (
	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
)

// twiceBody awaits f and doubles its value: a file constrained by its
// name and a //go:build line gives a generated file constrained alike.
//
//spindle:async Twice
func twiceBody(a *async.Awaiter, f future.Future[int]) int {
	v := async.Await(a, f)
	return 2 * v
}
