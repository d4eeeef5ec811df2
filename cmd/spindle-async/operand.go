package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
)

// Awaits inside larger expressions.
//
// Go evaluates the function calls, method calls and receive operations of
// a statement in lexical left-to-right order; the order of everything else
// (variable reads, indexing, arithmetic) relative to them is unspecified,
// and gc reads variables late. A statement whose expressions hold awaits
// is therefore lowered in three steps, in its evaluation order:
//
//  1. each call or receive that completes before a later await is
//     evaluated first into a field (a temporary that survives the
//     suspension); a && or || without an await is kept whole so that it
//     still short-circuits;
//  2. each await suspends in turn, its value going to a field (the last
//     one's stays in the local of its resume state); a TryAwait keeps the
//     Result it awaited and stands for its two values (f(async.TryAwait(a,
//     x)) becomes f(v.Get()));
//  3. the statement runs with those fields in place of the calls and
//     awaits; what was left in it (variable reads, later calls) runs
//     after the last await, as gc does.
//
// A && or || with an await on its right becomes a branch: its left
// operand is evaluated into a field; only when that does not decide the
// result (true for &&, false for ||) does the right operand run, awaits
// and all, and overwrite the field, which then stands for the whole
// expression. The future an await there awaits is made only on that path.

// operandAwaits lowers s, a simple statement whose expressions hold
// awaits in other places than the basic forms. It reports false after
// reporting an error.
func (g *gen) operandAwaits(s ast.Node) bool {
	// The post-order index of every call in evaluation order: a call
	// completes after its arguments.
	order := map[ast.Node]int{}
	last := -1
	var post func(n ast.Node)
	post = func(n ast.Node) {
		ast.Inspect(n, func(m ast.Node) bool {
			if m == nil || m == n {
				return m == n
			}
			if _, ok := m.(*ast.FuncLit); ok {
				return false
			}
			post(m)
			return false
		})
		switch n := n.(type) {
		case *ast.CallExpr:
			order[n] = len(order)
			if g.awaitCall(n) != notAwait {
				last = order[n]
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				order[n] = len(order)
			}
		}
	}
	post(s)
	// The temporaries of the statements lowered before are dead: theirs
	// were consumed by the code emitted right after them.
	g.releaseTmps()
	// The last await of each operand of a && or || that awaits on its
	// right is consumed by the assignment that follows it in its resume
	// state: its value needs no field.
	consumed := map[ast.Node]bool{}
	ast.Inspect(s, func(m ast.Node) bool {
		if _, ok := m.(*ast.FuncLit); ok {
			return false
		}
		if b, ok := m.(*ast.BinaryExpr); ok && (b.Op == token.LAND || b.Op == token.LOR) && g.containsAwait(b.Y) {
			for _, side := range []ast.Expr{b.X, b.Y} {
				if c := g.lastAwait(side, order); c != nil {
					consumed[c] = true
				}
			}
		}
		return true
	})
	ok := true
	var lin func(n ast.Node)
	lin = func(n ast.Node) {
		if !ok || n == nil {
			return
		}
		if !g.containsAwait(n) {
			g.hoistCalls(n, order, last)
			return
		}
		switch n := n.(type) {
		case *ast.CallExpr:
			if k := g.awaitCall(n); k != notAwait {
				if k == kYield {
					g.errorf(n.Pos(), "a.Yield() inside an expression: call it as a statement")
					ok = false
					return
				}
				// The future's own expression is evaluated as the await
				// starts, in order: nothing in it is hoisted.
				// A TryAwait's two values are its Result's Get().
				get := ""
				if k == kTryAwait {
					get = ".Get()"
				}
				if order[n] == last || consumed[n] {
					g.suspendAs(n, func(string) string { return "" }, false)
					g.subst[n] = g.pv + get
					return
				}
				t := g.info.TypeOf(n)
				if k == kTryAwait {
					t = g.awaitedType(n)
				}
				if !g.nameable(t) {
					g.errorf(n.Pos(), "the value of this await is used after a later await of the same statement, but its type %s cannot be named in the generated file: assign it to a variable first", t)
					ok = false
					return
				}
				f := g.tmpField("tmp", g.typ(t))
				g.suspendAs(n, func(v string) string { return g.recv + "." + f + " = " + v }, false)
				g.subst[n] = g.recv + "." + f + get
				return
			}
		case *ast.BinaryExpr:
			if (n.Op == token.LAND || n.Op == token.LOR) && g.containsAwait(n.Y) {
				ok = g.shortCircuit(n, lin) && ok
				return
			}
		case *ast.FuncLit:
			return
		}
		ast.Inspect(n, func(m ast.Node) bool {
			if m == nil || m == n {
				return m == n
			}
			lin(m)
			return false
		})
	}
	lin(s)
	return ok
}

// shortCircuit lowers x && y or x || y where y awaits: x into a field,
// then y only when x does not decide, into the same field.
func (g *gen) shortCircuit(n *ast.BinaryExpr, lin func(ast.Node)) bool {
	t := g.info.TypeOf(n)
	if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		t = types.Default(t)
	}
	if !g.nameable(t) {
		g.errorf(n.Pos(), "this %s awaits on its right, so its value is kept in a field, but its type %s cannot be named in the generated file: use an if statement", n.Op, t)
		return false
	}
	if g.containsAwait(n.X) {
		lin(n.X)
	}
	x, y := ast.Unparen(n.X), ast.Unparen(n.Y)
	// In a chain (x && await && await), the field of the inner operator
	// already holds the left operand.
	f, chained := g.subst[x]
	if !chained || !g.condFields[f] || g.typ(g.info.TypeOf(x)) != g.typ(t) {
		f = g.recv + "." + g.tmpField("cond", g.typ(t))
		g.condFields[f] = true
		g.emit(f + " = " + g.text(x))
	}
	join := g.newState(n.End(), "after the "+n.Op.String()+" at "+g.where(n.OpPos))
	skip := f
	if n.Op == token.LAND {
		skip = "!" + f
	}
	g.emit(fmt.Sprintf("if %s {\n%s\n}", skip, g.jumpText(join)))
	lin(n.Y)
	g.emit(f + " = " + g.text(y))
	g.start(join)
	g.subst[n] = f
	return true
}

// lastAwait returns the await of n that completes last, or nil.
func (g *gen) lastAwait(n ast.Node, order map[ast.Node]int) ast.Node {
	var last ast.Node
	ast.Inspect(n, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if g.awaitCall(m) != notAwait && (last == nil || order[m] > order[last]) {
				last = m
			}
		}
		return true
	})
	return last
}

// tmpField returns a field of type typ for a value computed before an
// await of a statement, reusing one that an earlier statement's lowering
// is done with.
func (g *gen) tmpField(want, typ string) string {
	var f string
	if free := g.tmpFree[typ]; len(free) > 0 {
		f, g.tmpFree[typ] = free[0], free[1:]
	} else {
		f = g.field(want, typ, gTmp)
	}
	g.tmpBusy = append(g.tmpBusy, [2]string{typ, f})
	return f
}

// releaseTmps makes the temporaries taken so far free for reuse: called
// as a statement's lowering starts, when every earlier statement's
// temporaries have been read by the code that follows their last await.
func (g *gen) releaseTmps() {
	for _, t := range g.tmpBusy {
		g.tmpFree[t[0]] = append(g.tmpFree[t[0]], t[1])
	}
	g.tmpBusy = g.tmpBusy[:0]
}

// awaitedType is the type of the value a TryAwait call awaits: the
// future.Result[T] it gets before splitting it into T and an error.
func (g *gen) awaitedType(call *ast.CallExpr) types.Type {
	sig := g.info.TypeOf(call.Fun).(*types.Signature)
	fut := sig.Params().At(1).Type()
	ms := types.NewMethodSet(fut)
	poll := ms.Lookup(nil, "Poll")
	if poll == nil {
		panic("spindle-async: awaited future without Poll")
	}
	pt := poll.Type().(*types.Signature).Results().At(0).Type().(*types.Named)
	return pt.TypeArgs().At(0)
}

// hoistCalls evaluates into fields the calls and receives of n (which
// holds no await) that complete before the statement's last await.
func (g *gen) hoistCalls(n ast.Node, order map[ast.Node]int, last int) {
	ast.Inspect(n, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BinaryExpr:
			if (m.Op == token.LAND || m.Op == token.LOR) && hasCall(m, g.info) {
				if maxOrder(m, order) < last {
					g.hoist1(m)
				}
				return false
			}
		case *ast.CallExpr:
			if !isPureCall(m, g.info) {
				if o, ok := order[m]; ok && o < last {
					g.hoist1(m)
					return false
				}
			}
		case *ast.UnaryExpr:
			if m.Op == token.ARROW {
				if o, ok := order[m]; ok && o < last {
					g.hoist1(m)
					return false
				}
			}
		}
		return true
	})
}

// hoist1 evaluates e now into a field that stands for it from then on.
func (g *gen) hoist1(e ast.Expr) {
	t := g.info.TypeOf(e)
	if _, tuple := t.(*types.Tuple); tuple || !g.nameable(t) {
		g.errorf(e.Pos(), "this call comes before an await in the same statement and must be evaluated first, but its value cannot be kept in a field: assign it to a variable before the statement")
		return
	}
	f := g.tmpField("tmp", g.typ(t))
	g.emit(fmt.Sprintf("%s.%s = %s", g.recv, f, g.text(e)))
	g.subst[e] = g.recv + "." + f
}

// isPureCall reports whether a call expression is a conversion or a
// builtin without effects, which Go does not order.
func isPureCall(c *ast.CallExpr, info *types.Info) bool {
	if tv, ok := info.Types[c.Fun]; ok && tv.IsType() {
		return true
	}
	if id, ok := ast.Unparen(c.Fun).(*ast.Ident); ok {
		if b, ok := info.Uses[id].(*types.Builtin); ok {
			switch b.Name() {
			case "len", "cap", "min", "max", "real", "imag", "complex":
				return true
			}
		}
	}
	return false
}

func hasCall(n ast.Node, info *types.Info) bool {
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if !isPureCall(m, info) {
				found = true
			}
		case *ast.UnaryExpr:
			if m.Op == token.ARROW {
				found = true
			}
		}
		return !found
	})
	return found
}

func maxOrder(n ast.Node, order map[ast.Node]int) int {
	mx := -1
	ast.Inspect(n, func(m ast.Node) bool {
		if o, ok := order[m]; ok && o > mx {
			mx = o
		}
		return true
	})
	return mx
}
