// Package refuse holds bodies spindle-async must refuse; each line with
// a want comment must get an error matching it, and no other line any.
package refuse

import (
	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
)

func f() future.Future[int] { return future.Done(1) }

func helper(a *async.Awaiter) int { return async.Await(a, f()) }

//spindle:async
func closureBody(a *async.Awaiter) int {
	g := func() int {
		return async.Await(a, f()) // want "await inside a function literal"
	}
	return g()
}

//spindle:async
func selectStmtBody(a *async.Awaiter, ch chan int) int {
	select { // want "await inside a select statement"
	case <-ch:
		return async.Await(a, f())
	}
}

//spindle:async
func gotoStmtBody(a *async.Awaiter) int {
	n := 0
again:
	n += async.Await(a, f())
	if n < 3 {
		goto again // want "goto is not supported"
	}
	return n
}

//spindle:async
func deferAwaitBody(a *async.Awaiter) int {
	defer println(async.Await(a, f())) // want "await inside a deferred call"
	return 1
}

//spindle:async
func deferLoopBody(a *async.Awaiter) int {
	for i := 0; i < 3; i++ {
		defer println(i)
	}
	return async.Await(a, f())
}

//spindle:async
func operandBody(a *async.Awaiter) int {
	return 1 + async.Await(a, f())
}

//spindle:async
func opAssignBody(a *async.Awaiter) int {
	x := 1
	x += async.Await(a, f())
	return x
}

//spindle:async
func lhsCallBody(a *async.Awaiter, m map[int]int, k func() int) {
	m[k()] = async.Await(a, f())
}

//spindle:async
func mapStmtBody(a *async.Awaiter, m map[float64]int) int {
	n := 0
	for range m { // want "range over a map whose keys may be NaN"
		async.Await(a, f())
	}
	return n
}

//spindle:async
func chanStmtBody(a *async.Awaiter, ch chan int) int {
	n := 0
	for v := range ch { // want "range over chan int"
		n += v
		async.Await(a, f())
	}
	return n
}

//spindle:async
func passBody(a *async.Awaiter) int {
	return helper(a) // want "the Awaiter a may only be passed"
}

type G[X any] struct{ x X }

//spindle:async
func (g G[X]) methodBody(a *async.Awaiter) X { // want "async methods of generic types"
	async.Await(a, f())
	return g.x
}

//spindle:async
func genericBody[X any](a *async.Awaiter, x X) X {
	async.Await(a, f())
	return x
}

//spindle:async
func noAwaiterBody(x int) int { // want "takes an \\*async.Awaiter as its first parameter"
	return x
}

//spindle:async
func captureBody(a *async.Awaiter, xs []any) []func() any {
	var fs []func() any
	for _, x := range xs {
		switch v := x.(type) {
		case int:
			async.Await(a, f())
			fs = append(fs, func() any { return v }) // want "v is declared inside a loop, lives across an await and is captured by a closure"
		}
	}
	return fs
}

//spindle:async
func constStmtBody(a *async.Awaiter) int {
	const k = 3 // want "the local declaration of k reaches past an await"
	async.Await(a, f())
	return k
}

//spindle:async
func headerBody(a *async.Awaiter) int {
	n := 0
	for i := 0; i < async.Await(a, f()); i++ {
		n++
	}
	return n
}

//spindle:async
func resultsBody(a *async.Awaiter) (int, string) { // want "returns nothing, one value, or a value and an error"
	return async.Await(a, f()), ""
}

//spindle:async
func contextBody(a *async.Awaiter) int {
	g := func() any { return a.Context() } // want "a.Context\\(\\) inside a function literal"
	_ = g
	return async.Await(a, f())
}

//spindle:async
func goStmtBody(a *async.Awaiter) int {
	go println(async.Await(a, f())) // want "await inside a go statement"
	return 1
}

//spindle:async
func unnamed(a *async.Awaiter) int { // want "name the constructor"
	return async.Await(a, f())
}

//spindle:async
func localTypeBody(a *async.Awaiter) int {
	type pair struct{ x, y int } // want "the local declaration of pair reaches past an await"
	p := pair{1, 2}              // want "p lives across an await but its type .*pair cannot be named"
	async.Await(a, f())
	return p.x
}

//spindle:async
func outerInNewBody(a *async.Awaiter) int {
	t := async.New(func(b *async.Awaiter) int {
		return async.Await(a, f()) // want "await inside a function literal: .*async.New\\(func\\(b \\*async.Awaiter\\)"
	})
	return async.Await(a, t)
}

//spindle:async
func strayAwaiterBody(a *async.Awaiter, other *async.Awaiter) int {
	n := async.Await(other, f()) // want "async.Await on an Awaiter that is not the body's: in the body, await on its own Awaiter a"
	return n + async.Await(a, f())
}

//spindle:async
func strayInLiteralBody(a *async.Awaiter, other *async.Awaiter) int {
	t := async.New(func(b *async.Awaiter) int {
		return async.Await(b, f()) + async.Await(other, f()) // want "async.Await on an Awaiter that is not the body's"
	})
	return async.Await(a, t)
}

//spindle:async
func caseExprBody(a *async.Awaiter, n int) int {
	switch n {
	case async.Await(a, f()):
		return 1
	}
	return 0
}
