package conformance

import (
	"fmt"
	"strconv"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
)

// bodyCase is one body with its arguments, both ways: compiled by
// spindle-async and on a coroutine. The value is rendered as a string so
// that every case compares alike.
type bodyCase struct {
	name      string
	compiled  func(e *Env) future.Future[string]
	coroutine func(e *Env) future.Future[string]
}

func render[T any](f future.Future[T]) future.Future[string] {
	return future.Map(f, func(v T) string { return fmt.Sprintf("%T %v", v, v) })
}

func one[T any](name string, c func(e *Env) future.Future[T], body func(a *async.Awaiter, e *Env) T) bodyCase {
	return bodyCase{
		name:     name,
		compiled: func(e *Env) future.Future[string] { return render(c(e)) },
		coroutine: func(e *Env) future.Future[string] {
			return render[T](async.New(func(a *async.Awaiter) T { return body(a, e) }))
		},
	}
}

func two[T any](name string, c func(e *Env) future.Future[future.Result[T]], body func(a *async.Awaiter, e *Env) (T, error)) bodyCase {
	return bodyCase{
		name:     name,
		compiled: func(e *Env) future.Future[string] { return render(c(e)) },
		coroutine: func(e *Env) future.Future[string] {
			return render[future.Result[T]](async.Try(func(a *async.Awaiter) (T, error) { return body(a, e) }))
		},
	}
}

func cases() []bodyCase {
	cs := []bodyCase{
		one("straight", straight, straightBody),
		one("operands", operands, operandsBody),
		one("captures", captures, capturesBody),
		two("generic", func(e *Env) future.Future[future.Result[map[int]int]] {
			return Collect(e, []future.Future[int]{e.Later("a"), e.Later("bb"), e.Later("c")}, func(v int) int { return v / 100 })
		}, func(a *async.Awaiter, e *Env) (map[int]int, error) {
			return genericBody(a, e, []future.Future[int]{e.Later("a"), e.Later("bb"), e.Later("c")}, func(v int) int { return v / 100 })
		}),
		two("generic/ok", func(e *Env) future.Future[future.Result[map[string]int]] {
			return Collect(e, []future.Future[int]{e.Later("a"), e.Later("bb")}, strconv.Itoa)
		}, func(a *async.Awaiter, e *Env) (map[string]int, error) {
			return genericBody(a, e, []future.Future[int]{e.Later("a"), e.Later("bb")}, strconv.Itoa)
		}),
		one("iterators", func(e *Env) future.Future[int] { return iterators(e, filled()) },
			func(a *async.Awaiter, e *Env) int { return iteratorsBody(a, e, filled()) }),
		one("method", func(e *Env) future.Future[int] { return (&Counter{e: e}).Step(3) },
			func(a *async.Awaiter, e *Env) int { return (&Counter{e: e}).stepBody(a, 3) }),
		one("yield", yield, yieldBody),
		one("scopes", scopes, scopesBody),
		one("nothing", nothing, func(a *async.Awaiter, e *Env) struct{} { nothingBody(a, e); return struct{}{} }),
		one("ranges", func(e *Env) future.Future[int] { return ranges(e, []string{"a", "bb", "ccc"}, "h\u00e9\xffllo") },
			func(a *async.Awaiter, e *Env) int {
				return rangesBody(a, e, []string{"a", "bb", "ccc"}, "h\u00e9\xffllo")
			}),
	}
	for _, names := range [][]string{nil, {"a", "b"}, {"a", "err-x", "c"}, {"a", "b", "c"}, {"a", "b", "err-last"}} {
		cs = append(cs, two(fmt.Sprint("try", names),
			func(e *Env) future.Future[future.Result[int]] { return try(e, names...) },
			func(a *async.Awaiter, e *Env) (int, error) { return tryBody(a, e, names...) }))
	}
	for _, n := range []int{0, 1, 2, 3, 5} {
		cs = append(cs, one(fmt.Sprint("branches", n),
			func(e *Env) future.Future[string] { return branches(e, n) },
			func(a *async.Awaiter, e *Env) string { return branchesBody(a, e, n) }))
	}
	for _, n := range []int{0, 1, 3, 6} {
		cs = append(cs, one(fmt.Sprint("loops", n),
			func(e *Env) future.Future[int] { return loops(e, n) },
			func(a *async.Awaiter, e *Env) int { return loopsBody(a, e, n) }))
	}
	for _, n := range []int{0, 1, 2, 3, 12} {
		for _, v := range []any{7, "s", nil, 2.5, []byte("b")} {
			cs = append(cs, one(fmt.Sprintf("switches%d/%v", n, v),
				func(e *Env) future.Future[string] { return switches(e, n, v) },
				func(a *async.Awaiter, e *Env) string { return switchesBody(a, e, n, v) }))
		}
	}
	for n := range 12 {
		cs = append(cs, one(fmt.Sprint("caseAwait", n),
			func(e *Env) future.Future[string] { return caseAwait(e, n) },
			func(a *async.Awaiter, e *Env) string { return caseAwaitBody(a, e, n) }))
	}
	for n := range 9 {
		cs = append(cs, two(fmt.Sprint("tangle", n),
			func(e *Env) future.Future[future.Result[string]] { return tangle(e, n) },
			func(a *async.Awaiter, e *Env) (string, error) { return tangleBody(a, e, n) }))
	}
	for _, n := range []int{0, 1, 3} {
		for _, mode := range []string{"", "panic"} {
			cs = append(cs, one(fmt.Sprintf("loopDefers%d/%s", n, mode),
				func(e *Env) future.Future[string] { return loopDefers(e, n, mode) },
				func(a *async.Awaiter, e *Env) string { return loopDefersBody(a, e, n, mode) }))
		}
	}
	for n := range 256 {
		if n%37 != 0 && n != 255 && n != 0x55 && n != 0xaa {
			continue // a spread of left-side outcomes: all 0, all 1, alternating, and some more
		}
		cs = append(cs, one(fmt.Sprint("logic", n),
			func(e *Env) future.Future[string] { return logic(e, n) },
			func(a *async.Awaiter, e *Env) string { return logicBody(a, e, n) }))
	}
	for _, name := range []string{"a", "err-a", "long", "err-long"} {
		cs = append(cs, two("tryOperand/"+name,
			func(e *Env) future.Future[future.Result[string]] { return tryOperand(e, name) },
			func(a *async.Awaiter, e *Env) (string, error) { return tryOperandBody(a, e, name) }))
	}
	for _, fail := range []bool{false, true} {
		cs = append(cs, one(fmt.Sprint("nested/", fail),
			func(e *Env) future.Future[int] { return nested(e, fail) },
			func(a *async.Awaiter, e *Env) int { return nestedBody(a, e, fail) }))
	}
	for _, mode := range []string{"", "early", "panic"} {
		cs = append(cs, two("defers/"+mode,
			func(e *Env) future.Future[future.Result[string]] { return defers(e, mode) },
			func(a *async.Awaiter, e *Env) (string, error) { return defersBody(a, e, mode) }))
	}
	return cs
}

// filled returns a closed channel holding 1, 2, 3.
func filled() chan int {
	ch := make(chan int, 3)
	ch <- 1
	ch <- 2
	ch <- 3
	close(ch)
	return ch
}
