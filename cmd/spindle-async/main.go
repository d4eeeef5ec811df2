// Command spindle-async compiles async functions into spindle futures.
//
// An async function is written once, in the form future/async runs on a
// coroutine, and marked with a directive:
//
//	//spindle:async Fetch
//	func fetchBody(a *async.Awaiter, addr string) (int, error) {
//		c, err := async.TryAwait(a, poll.Dial("tcp", addr))
//		...
//	}
//
// For each source file holding such functions, spindle-async writes
// file_async.go with, for each function, a constructor (Fetch above, with
// the parameters after the Awaiter) returning a future.Future, and the
// state machine behind it: a struct holding the parameters, the locals that
// live across an await and the awaited future in flight, a Poll that
// resumes where the body stopped, and a Cancel that cancels the awaited
// future and runs the pending deferred calls. The same body still runs on a
// coroutine through async.New(func(a *async.Awaiter) T { return
// fetchBody(a, addr) }).
//
// The generated file also references the body (var _ = fetchBody): it is
// the constructor's source and still runs on a coroutine, so linters must
// not call it unused even when no code calls it. The parts every compiled
// future shares (the start of Poll and Cancel, the end of the body, the
// final states) are helpers of future/async: async.Enter,
// async.Cancelling, async.Done, async.PanicFinal, async.Recovered.
//
// An await may stand anywhere in an expression, in Go's order of
// evaluation, including on the right of && and || (which still
// short-circuit: the future there is made and awaited only when the left
// side does not decide) and, for a TryAwait, as the sole argument of a
// call (f(async.TryAwait(a, x))). A function literal inside a body may
// await only on an Awaiter of its own, as an async.New literal does: it
// runs on its own coroutine.
//
// Without a name, the directive names the constructor after the function
// with its Body suffix removed (fetchBody: fetch). A body returning T gives
// a future.Future[T], one returning (T, error) a
// future.Future[future.Result[T]], one returning nothing a
// future.Future[struct{}].
//
// Usage:
//
//	spindle-async [-n] [packages]
//
// The packages default to the one in the current directory, which is what
// a //go:generate line needs:
//
//	//go:generate go run github.com/spindle-rt/spindle/cmd/spindle-async
//
// What a body may contain, and what is refused with an error naming
// file:line:col, is listed in docs/design.md (part 13). The flag -n checks
// instead of writing: it reports the files that are missing or stale and
// exits with status 1 if there are any.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
)

func main() {
	check := flag.Bool("n", false, "do not write: report generated files that are stale and exit 1 if any")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: spindle-async [-n] [packages]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	patterns := flag.Args()
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	out, err := Generate("", patterns...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	stale := 0
	for _, f := range out {
		old, _ := os.ReadFile(f.Path)
		if bytes.Equal(old, f.Data) {
			continue
		}
		if *check {
			fmt.Fprintf(os.Stderr, "%s is stale: run go generate\n", f.Path)
			stale++
			continue
		}
		if err := os.WriteFile(f.Path, f.Data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if stale > 0 {
		os.Exit(1)
	}
}
