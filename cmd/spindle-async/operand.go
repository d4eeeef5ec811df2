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
//     one's stays in the local of its resume state);
//  3. the statement runs with those fields in place of the calls and
//     awaits; what was left in it (variable reads, later calls) runs
//     after the last await, as gc does.
//
// An await on the right of && or || would be evaluated only sometimes:
// that is refused, as is TryAwait as an operand (its two results have no
// place in an expression).

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
				if k == kTryAwait {
					g.errorf(n.Pos(), "async.TryAwait inside an expression: its two results have no place there; assign them first (v, err := async.TryAwait(a, f))")
					ok = false
					return
				}
				if k == kYield {
					g.errorf(n.Pos(), "a.Yield() inside an expression: call it as a statement")
					ok = false
					return
				}
				// The future's own expression is evaluated as the await
				// starts, in order: nothing in it is hoisted.
				if order[n] == last {
					g.suspend(n, func(string) string { return "" })
					g.subst[n] = g.pv
					return
				}
				f := g.field("tmp", g.typ(g.info.TypeOf(n)), gTmp)
				g.suspend(n, func(v string) string { return g.recv + "." + f + " = " + v })
				g.subst[n] = g.recv + "." + f
				return
			}
		case *ast.BinaryExpr:
			if (n.Op == token.LAND || n.Op == token.LOR) && g.containsAwait(n.Y) {
				g.errorf(n.Y.Pos(), "await on the right of %s: it would run only sometimes; use an if statement", n.Op)
				ok = false
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
	f := g.field("tmp", g.typ(t), gTmp)
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
