// Package compiled holds the function the benchmarks of compiled async
// functions measure: three awaits, written once, run compiled (Three), on
// a coroutine (async.New around threeBody) and beside its hand-written
// equivalent (HandThree).
package compiled

//go:generate go run github.com/spindle-rt/spindle/cmd/spindle-async

import (
	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
)

// threeBody awaits x, y and z in turn and returns the sum of their values.
//
//spindle:async Three
func threeBody(a *async.Awaiter, x, y, z future.Future[int]) int {
	v := async.Await(a, x)
	w := async.Await(a, y)
	u := async.Await(a, z)
	return v + w + u
}

// Coroutine returns threeBody run on a coroutine by async.New.
func Coroutine(x, y, z future.Future[int]) future.Future[int] {
	return async.New(func(a *async.Awaiter) int { return threeBody(a, x, y, z) })
}

// HandThree returns the hand-written future a careful person would write
// for threeBody.
func HandThree(x, y, z future.Future[int]) future.Future[int] {
	return &handThree{x: x, y: y, z: z}
}

type handThree struct {
	x, y, z future.Future[int]
	i, sum  int
}

func (h *handThree) Poll(cx *future.Context) future.Poll[int] {
	for h.i < 3 {
		f := h.x
		switch h.i {
		case 1:
			f = h.y
		case 2:
			f = h.z
		}
		v, ok := f.Poll(cx).Value()
		if !ok {
			return future.Pending[int]()
		}
		h.sum += v
		h.i++
	}
	return future.Ready(h.sum)
}

// sumBody sums what the futures give; a deferred call counts the calls
// that ended, however they ended.
//
//spindle:async Sum
func sumBody(a *async.Awaiter, fs []future.Future[int], ended *int) (sum int) {
	defer func() { *ended++ }()
	for _, f := range fs {
		v := async.Await(a, f)
		sum += v
	}
	return
}
