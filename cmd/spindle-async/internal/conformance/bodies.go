// Package conformance holds async bodies that run both ways, compiled by
// spindle-async and on a coroutine through async.New, so that the tests
// can compare the two.
package conformance

//go:generate go run github.com/spindle-rt/spindle/cmd/spindle-async

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/pool"
)

//spindle:async
func straightBody(a *async.Awaiter, e *Env) int {
	e.Add("start")
	x := async.Await(a, e.F("one"))
	e.Add("got %d", x)
	async.Await(a, e.F("two"))
	y := async.Await(a, e.F("three"))
	return x + y
}

//spindle:async
func tryBody(a *async.Awaiter, e *Env, names ...string) (int, error) {
	sum := 0
	for _, n := range names {
		v, err := async.TryAwait(a, e.R(n))
		if err != nil {
			e.Add("failed at %s", n)
			return sum, fmt.Errorf("tryBody: %w", err)
		}
		sum += v
	}
	if len(names) > 2 {
		return async.TryAwait(a, e.R("last"))
	}
	return sum, nil
}

//spindle:async
func branchesBody(a *async.Awaiter, e *Env, n int) string {
	var out string
	if n > 2 {
		v := async.Await(a, e.F("big"))
		out = "big" + strconv.Itoa(v)
	} else if n == 2 {
		out = "two"
		async.Await(a, e.F("two"))
	} else {
		w := async.Await(a, e.F("small"))
		if w > 0 {
			out = "small"
		}
	}
	if _, err := async.TryAwait(a, e.R("err-check")); err != nil {
		out += "!"
	}
	if x := n * 2; x > 3 {
		v := async.Await(a, e.F(out))
		out += strconv.Itoa(v + x)
	}
	return out
}

//spindle:async
func loopsBody(a *async.Awaiter, e *Env, n int) (total int) {
	for i := 0; i < n; i++ {
		if i == 1 {
			continue
		}
		v := async.Await(a, e.F("i"+strconv.Itoa(i)))
		total += v
		if total > 5000 {
			break
		}
	}
	j := 0
	for j < 3 {
		j++
		async.Await(a, e.F("j"))
	}
outer:
	for k := 0; ; k++ {
		for m := 0; m < 3; m++ {
			if m == 1 {
				continue outer
			}
			if k == 2 {
				break outer
			}
			v := async.Await(a, e.F(fmt.Sprint("k", k, "m", m)))
			total += v
		}
	}
	for {
		v := async.Await(a, e.F("forever"))
		if v > 0 {
			break
		}
	}
	return
}

//spindle:async
func rangesBody(a *async.Awaiter, e *Env, xs []string, word string) int {
	sum := 0
	for i, x := range xs {
		v := async.Await(a, e.F(x))
		sum += i * v % 7
		e.Add("x %d %s", i, x)
	}
	for i := range 3 {
		async.Await(a, e.F("n"+strconv.Itoa(i)))
	}
	for i, r := range word {
		e.Add("rune %d %c", i, r)
		async.Await(a, e.F(string(r)))
	}
	arr := [3]int{1, 2, 3}
	for _, v := range arr {
		arr[2] = 100 // a range over an array reads a copy
		w := async.Await(a, e.F("arr"))
		sum += v + w
	}
	for range xs {
		async.Await(a, e.F("blank"))
	}
	var idx int
	var s string
	for idx, s = range xs {
		async.Await(a, e.F("assign"))
	}
	e.Add("last %d %s", idx, s)
	return sum
}

//spindle:async
func switchesBody(a *async.Awaiter, e *Env, n int, v any) string {
	out := ""
	switch m := n % 4; m {
	case 0:
		out += "zero"
		async.Await(a, e.F("zero"))
		fallthrough
	case 1:
		out += "one"
	case 2, 3:
		if m == 3 {
			break
		}
		v := async.Await(a, e.F("two"))
		out += strconv.Itoa(v)
	default:
		out += "never"
	}
	switch {
	case n > 10:
		async.Await(a, e.F("big"))
		out += "big"
	}
	switch x := v.(type) {
	case int:
		y := async.Await(a, e.F("int"))
		out += strconv.Itoa(x + y)
	case string, []byte:
		async.Await(a, e.F("text"))
		out += fmt.Sprint(x)
	case nil:
		out += "nil"
	default:
		out += fmt.Sprintf("%T", x)
	}
	return out
}

//spindle:async
func scopesBody(a *async.Awaiter, e *Env) string {
	x := "outer"
	{
		x := "inner"
		async.Await(a, e.F(x))
		e.Add("block %s", x)
	}
	if x := 3; x > 2 {
		async.Await(a, e.F("if"))
		e.Add("if %d", x)
	}
	{
		async.Await(a, e.F("tail"))
		y := x + "!"
		e.Add("tail %s", y)
	}
	y := 7
	e.Add("y %d", y)
	f := func(s string) string { return x + s } // a closure that does not await
	async.Await(a, e.F("closure"))
	x = "changed"
	return f("/")
}

//spindle:async
func defersBody(a *async.Awaiter, e *Env, mode string) (result string, err error) {
	e.Add("start")
	defer e.Add("deferred add")
	defer func() {
		if r := recover(); r != nil {
			s, ok := r.(string)
			if !ok {
				panic(r) // the coroutine's unwinding sentinel, when cancelled
			}
			e.Add("recovered %s", s)
			err = fmt.Errorf("recovered: %s", s)
		}
	}()
	n := 1
	defer e.Add("n at defer time %d", n)
	n = async.Await(a, e.F("first"))
	defer func() {
		e.Add("result was %q", result)
		result += "+deferred"
	}()
	if mode == "early" {
		return "early", nil
	}
	async.Await(a, e.F("second"))
	if mode == "panic" {
		panic("body panic")
	}
	result = strconv.Itoa(n)
	async.Await(a, e.F("third"))
	return
}

//spindle:async
func yieldBody(a *async.Awaiter, e *Env) int {
	e.Add("context %v", a.Context() != nil)
	a.Yield()
	e.Add("after yield")
	v := async.Await(a, straight(e))
	return v + 1
}

//spindle:async
func nothingBody(a *async.Awaiter, e *Env) {
	e.Add("nothing")
	if v := async.Await(a, e.F("x")); v > 1000 {
		return
	}
	e.Add("end")
}

//spindle:async
func operandsBody(a *async.Awaiter, e *Env) int {
	total := e.Inc("a") + async.Await(a, e.F("x"))*e.Inc("b")
	total += async.Await(a, e.F("plus"))
	m := map[int]int{}
	m[e.Inc("key")] = async.Await(a, e.F("m")) + e.Inc("after")
	e.Add("sum %d %d %d", async.Await(a, e.F("p")), e.Inc("mid"), async.Await(a, e.F("q")))
	if async.Await(a, e.F("c")) > 100 && e.Inc("rhs") > 0 {
		total++
	}
	if (e.Inc("l1") > 0 || e.Inc("l2") > 0) == (async.Await(a, e.F("l")) > 0) {
		total += 2
	}
	for i := 0; i < async.Await(a, e.F("lim"))%4; i++ {
		total += i
	}
	switch async.Await(a, e.F("tag")) % 3 {
	case 0:
		total += 10
	case 1:
		total += 20
	default:
		total += 30
	}
	for _, v := range []int{e.Inc("r0"), async.Await(a, e.F("elem")), e.Inc("r1")} {
		total += v
	}
	e.Add("map %v", m)
	return e.Inc("ret") + async.Await(a, e.F("last"))
}

//spindle:async
func mapsBody(a *async.Awaiter, e *Env, m map[string]int) int {
	sum := 0
	for k, v := range m {
		w := async.Await(a, e.F(k))
		sum += v * w
		if k == "b" {
			delete(m, "c") // not reached yet: must not be produced
			delete(m, "a")
			m["z"] = 26 // added: Go may or may not produce it
		}
	}
	keys := 0
	for k := range m {
		async.Await(a, e.F("again"))
		keys += len(k)
	}
	return sum + keys
}

// Counter has an async method.
type Counter struct {
	n int
	e *Env
}

//spindle:async Step
func (c *Counter) stepBody(a *async.Awaiter, by int) int {
	c.n += by
	v := async.Await(a, c.e.F("step"))
	c.n += v
	c.e.Add("counter %d", c.n)
	return c.n
}

//spindle:async
func capturesBody(a *async.Awaiter, e *Env) string {
	var fs []func() string
	var ps []*int
	for i := 0; i < 3; i++ {
		async.Await(a, e.F("for"))
		fs = append(fs, func() string { return "i" + strconv.Itoa(i) })
		ps = append(ps, &i)
		i++ // the closure and the pointer see this iteration's i
		i--
	}
	for k, v := range []string{"x", "y"} {
		fs = append(fs, func() string { return v + strconv.Itoa(k) })
		async.Await(a, e.F(v))
		v += "!"
	}
	for n := range 2 {
		w := n * 10
		f := func() string { w++; return "w" + strconv.Itoa(w) }
		async.Await(a, e.F("w"))
		fs = append(fs, f, f)
		var z int
		ps = append(ps, &z)
		z = n + 100
	}
	out := ""
	for _, f := range fs {
		out += f() + " "
	}
	for _, p := range ps {
		out += strconv.Itoa(*p) + " "
	}
	return out
}

//spindle:async
func loopDefersBody(a *async.Awaiter, e *Env, n int, mode string) (out string) {
	defer e.Add("first registered, last run")
	for i := range n {
		defer e.Add("loop defer %d", i)
		v := async.Await(a, e.F("loop"+strconv.Itoa(i)))
		defer func() {
			out += strconv.Itoa(v % 10)
		}()
	}
	defer func() {
		if r := recover(); r != nil {
			s, ok := r.(string)
			if !ok {
				panic(r)
			}
			out += "recovered " + s
		}
	}()
	async.Await(a, e.F("end"))
	if mode == "panic" {
		panic("loop panic")
	}
	return "done:"
}

//spindle:async
func iteratorsBody(a *async.Awaiter, e *Env, ch chan int) int {
	sum := 0
	for v := range slices.Values([]int{1, 2, 3}) { // a range over a function, no await inside
		sum += v
	}
	async.Await(a, e.F("mid"))
	for v := range ch { // a channel, closed by the caller
		sum += v * 10
		if v == 2 {
			break
		}
	}
	select {
	case v, ok := <-ch:
		e.Add("select %d %v", v, ok)
	default:
		e.Add("select default")
	}
	v := async.Await(a, e.F("end"))
	return sum + v
}

//spindle:async
func spawnBody(a *async.Awaiter, e *Env) (int, error) {
	h := pool.SpawnFrom(a.Context(), straight(&Env{}))
	e.Add("spawned")
	v, err := async.TryAwait(a, h)
	if err != nil {
		return 0, err
	}
	w := async.Await(a, e.F("after"))
	return v + w, nil
}

// genericBody awaits each future of fs and keeps the values that pass.
//
//spindle:async Collect
func genericBody[T any, K comparable](a *async.Awaiter, e *Env, fs []future.Future[T], key func(T) K) (map[K]T, error) {
	out := map[K]T{}
	var last T
	for i, f := range fs {
		v := async.Await(a, f)
		k := key(v)
		if _, dup := out[k]; dup {
			return out, fmt.Errorf("duplicate key %v at %d", k, i)
		}
		out[k] = v
		last = v
	}
	e.Add("last %v", last)
	return out, nil
}

//spindle:async
func tangleBody(a *async.Awaiter, e *Env, n int) (res string, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, ok := r.(string)
			if !ok {
				panic(r)
			}
			res += "|recovered " + s
		}
	}()
	defer func() {
		res += "|d1"
		if n == 7 {
			panic("from a deferred call")
		}
	}()
	x := "a"
outer:
	for i := 0; i < n; i++ {
		x := x + strconv.Itoa(i)
		switch i % 3 {
		case 0:
			v := async.Await(a, e.F(x))
			if v%2 == 0 {
				continue outer
			}
			res += "c0"
		case 1:
			for j := range 3 {
				if j == 1 {
					continue
				}
				if i > 3 && j == 2 {
					break outer
				}
				async.Await(a, e.F("j"+strconv.Itoa(j)))
				res += "j"
			}
			//lint:ignore SA4011,S1023 a break that ends the switch, not the loop, is what this body tests
			break
		default:
			{
				x := "inner"
				async.Await(a, e.F(x))
				res += x
			}
			if i == 5 {
				return res + "|early", nil
			}
		}
		res += "/" + x
	}
	if n == 6 {
		panic("from the body")
	}
	return res, nil
}

//spindle:async
func caseAwaitBody(a *async.Awaiter, e *Env, n int) string {
	out := ""
	switch n * e.Inc("tag") {
	case e.Inc("c1"), async.Await(a, e.F("c2")) % 10:
		out += "first"
		fallthrough
	case async.Await(a, e.F("c3")) % 10:
		out += "second"
	//lint:ignore ST1015 a default between cases is what this body tests: cases after it are still tried first
	default:
		out += "default"
	case e.Inc("c4"):
		out += "fourth"
	}
	switch {
	case async.Await(a, e.F("t1")) > 200:
		out += "|big"
	case e.Inc("t2") > 0:
		out += "|t2"
	}
	return out
}

// flag is a named boolean: a && or || that awaits keeps its type.
type flag bool

//spindle:async
func logicBody(a *async.Awaiter, e *Env, n int) (out string) {
	// l logs that a left operand ran and gives bit b of n.
	l := func(b int) bool {
		e.Add("left %d", b)
		return n>>b&1 == 1
	}
	if l(0) && async.Await(a, e.F("and"))%2 == 0 {
		out += "and"
	}
	if l(1) || async.Await(a, e.F("or"))%2 == 0 {
		out += "|or"
	}
	ok := l(2) || (l(3) && async.Await(a, e.F("nested"))%2 == 0)
	out += fmt.Sprint("|", ok)
	if !(async.Await(a, e.F("lx"))%2 == 0 || async.Await(a, e.F("ry"))%2 == 0) {
		out += "|neither"
	}
	for i := 0; i < 3 && (l(4) || async.Await(a, e.F("cond"+strconv.Itoa(i)))%3 != 0); i++ {
		out += "|loop" + strconv.Itoa(i)
	}
	switch {
	case l(5) && async.Await(a, e.F("case"))%2 == 0:
		out += "|case"
	case e.Inc("case2") > 0:
		out += "|case2"
	}
	e.Add("args %v %d %v", l(6) && async.Await(a, e.F("arg")) > 0, e.Inc("after-and"), e.Inc("x") > 0 && async.Await(a, e.F("x1"))%2 == 1 && async.Await(a, e.F("x2")) > 0)
	m := map[int]bool{}
	m[e.Inc("key")] = l(7) || async.Await(a, e.F("m")) > 0
	fl := flag(l(0)) && async.Await(a, e.F("flag")) > 0
	out += fmt.Sprint("|", m, fl)
	return out + "|" + strconv.FormatBool(l(1) && async.Await(a, e.F("ret")) > 0)
}

// show renders the two results of a TryAwait.
func show(v int, err error) string { return fmt.Sprint(v, err) }

// keep returns its arguments, with the error wrapped.
func keep(v int, err error) (string, error) {
	if err != nil {
		return "", fmt.Errorf("kept: %w", err)
	}
	return strconv.Itoa(v), nil
}

//spindle:async
func tryOperandBody(a *async.Awaiter, e *Env, name string) (string, error) {
	out := show(async.TryAwait(a, e.R(name)))
	out += show(async.TryAwait(a, e.R("t-"+name))) + "/" + show(async.TryAwait(a, e.R("err-2")))
	if len(name) > 3 && show(async.TryAwait(a, e.R("and-"+name))) != "" {
		out += "/and"
	}
	e.Add("out %s", out)
	return keep(async.TryAwait(a, e.R(name)))
}

//spindle:async
func nestedBody(a *async.Awaiter, e *Env, fail bool) int {
	// The literal runs on a coroutine of its own: its awaits, on its own
	// Awaiter b, are not suspension points of this body.
	inner := async.New(func(b *async.Awaiter) int {
		e.Add("inner start %v", b.Context() != nil)
		v := async.Await(b, e.F("inner"))
		b.Yield()
		name := "inner-try"
		if fail {
			name = "err-inner"
		}
		w, err := async.TryAwait(b, e.R(name))
		if err != nil {
			return -v
		}
		return v + w
	})
	x := async.Await(a, e.F("outer"))
	return x + async.Await(a, inner)
}
