package main

import (
	"go/ast"
	"go/token"
	"go/types"
	"sort"
)

// awaitKind tells the suspension points of a body apart.
type awaitKind int

const (
	notAwait  awaitKind = iota
	kAwait              // async.Await(a, f)
	kTryAwait           // async.TryAwait(a, f)
	kYield              // a.Yield()
)

// awaitCall reports whether call is a suspension point of the body.
func (g *gen) awaitCall(call *ast.CallExpr) awaitKind {
	sel := calleeSel(call)
	if sel == nil {
		return notAwait
	}
	if id, ok := sel.X.(*ast.Ident); ok && g.info.Uses[id] == g.awaiter && sel.Sel.Name == "Yield" {
		return kYield
	}
	k := g.asyncCall(call)
	if k == notAwait || len(call.Args) != 2 {
		return notAwait
	}
	// An await on another Awaiter (that of an async.New literal inside
	// the body) suspends that literal's coroutine, not the body.
	if id, ok := ast.Unparen(call.Args[0]).(*ast.Ident); !ok || g.info.Uses[id] != g.awaiter {
		return notAwait
	}
	return k
}

// asyncCall reports whether call is async.Await or async.TryAwait, on
// whatever Awaiter.
func (g *gen) asyncCall(call *ast.CallExpr) awaitKind {
	sel := calleeSel(call)
	if sel == nil {
		return notAwait
	}
	obj, ok := g.info.Uses[sel.Sel].(*types.Func)
	if !ok || obj.Pkg() == nil || obj.Pkg().Path() != asyncPath {
		return notAwait
	}
	switch obj.Name() {
	case "Await":
		return kAwait
	case "TryAwait":
		return kTryAwait
	}
	return notAwait
}

// calleeSel returns the selector a call calls (x.F, x.F[T]), or nil.
func calleeSel(call *ast.CallExpr) *ast.SelectorExpr {
	fun := ast.Unparen(call.Fun)
	switch f := fun.(type) {
	case *ast.IndexExpr:
		fun = f.X
	case *ast.IndexListExpr:
		fun = f.X
	}
	sel, _ := fun.(*ast.SelectorExpr)
	return sel
}

// litAwaiter reports whether e names an Awaiter declared inside one of
// the function literals lits (the parameter of an async.New literal, say):
// an await on it belongs to that literal's own coroutine.
func (g *gen) litAwaiter(e ast.Expr, lits []*ast.FuncLit) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := g.info.Uses[id].(*types.Var)
	if !ok || !isAwaiterPtr(v.Type()) {
		return false
	}
	for _, l := range lits {
		if v.Pos() >= l.Pos() && v.Pos() < l.End() {
			return true
		}
	}
	return false
}

// isAwaitExpr reports whether e is an Await or TryAwait call.
func (g *gen) isAwaitExpr(e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	k := g.awaitCall(call)
	return k == kAwait || k == kTryAwait
}

// isContext reports whether call is a.Context().
func (g *gen) isContext(call *ast.CallExpr) bool {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Context" || len(call.Args) != 0 {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && g.info.Uses[id] == g.awaiter
}

// analyze checks what the compiler refuses, collects the suspension points
// and decides which variables become fields of the state.
func (g *gen) analyze() {
	var stack []ast.Node
	inLit := func() bool {
		for _, n := range stack {
			if _, ok := n.(*ast.FuncLit); ok {
				return true
			}
		}
		return false
	}
	lits := func() []*ast.FuncLit {
		var out []*ast.FuncLit
		for _, n := range stack {
			if l, ok := n.(*ast.FuncLit); ok {
				out = append(out, l)
			}
		}
		return out
	}
	inLoop := func() bool {
		for i := len(stack) - 1; i >= 0; i-- {
			switch stack[i].(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt, *ast.RangeStmt:
				return true
			}
		}
		return false
	}
	// The statements of the function's own block: a variable an await
	// defines there stays a local when no later await needs it, since no
	// enclosing block resumes in the same state after it.
	topLevel := map[ast.Node]bool{}
	for _, st := range g.body.List {
		topLevel[st] = true
		if d, ok := st.(*ast.DeclStmt); ok {
			if gd, ok := d.Decl.(*ast.GenDecl); ok {
				for _, sp := range gd.Specs {
					topLevel[sp] = true
				}
			}
		}
	}
	// allowed holds the uses of the Awaiter that are fine.
	allowed := map[*ast.Ident]bool{}
	ast.Inspect(g.body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		switch n := n.(type) {
		case *ast.CallExpr:
			if k := g.asyncCall(n); k != notAwait && g.awaitCall(n) == notAwait && len(n.Args) == 2 {
				// Not on the body's Awaiter: fine inside a literal that
				// declares its own (async.New(func(b *async.Awaiter) T {
				// ... async.Await(b, f) ... })), which runs as a coroutine
				// of its own; anywhere else it could only panic.
				if !g.litAwaiter(n.Args[0], lits()) {
					g.errorf(n.Pos(), "%s on an Awaiter that is not the body's: in the body, await on its own Awaiter %s; inside an async.New literal, on the literal's own parameter", g.source(n.Fun), g.awaiter.Name())
				}
			} else if k := g.awaitCall(n); k != notAwait {
				if inLit() {
					g.errorf(n.Pos(), "await inside a function literal: the literal runs as an ordinary function call, which cannot suspend the body; await in the body itself, or make the literal an async function of its own and await it, or run it on a coroutine of its own (async.New(func(b *async.Awaiter) T { ... async.Await(b, f) ... })) and await that")
				} else {
					g.awaits = append(g.awaits, n.Pos())
				}
				if k == kYield {
					allowed[ast.Unparen(n.Fun).(*ast.SelectorExpr).X.(*ast.Ident)] = true
				} else if len(n.Args) == 2 {
					if id, ok := ast.Unparen(n.Args[0]).(*ast.Ident); ok {
						allowed[id] = true
					}
				}
			} else if g.isContext(n) {
				if inLit() {
					g.errorf(n.Pos(), "a.Context() inside a function literal: the Context is valid only during the poll that runs the body; call a.Context() in the body and pass what you need")
				}
				allowed[ast.Unparen(n.Fun).(*ast.SelectorExpr).X.(*ast.Ident)] = true
			}
		case *ast.Ident:
			if g.info.Uses[n] == g.awaiter && !allowed[n] {
				g.errorf(n.Pos(), "the Awaiter %s may only be passed to async.Await or async.TryAwait, or used as %s.Context() and %s.Yield(): a compiled body has no Awaiter to pass on; make the callee an async function and await it", n.Name, n.Name, n.Name)
			}
		case *ast.BranchStmt:
			if n.Tok == token.GOTO && !inLit() {
				g.errorf(n.Pos(), "goto is not supported in an async function: use a loop with labelled break or continue")
			}
		case *ast.DeferStmt:
			if !inLit() {
				if inLoop() {
					g.loopDefers[n] = true
					g.orderMode = true
				}
				g.deferCount++
			}
		case *ast.AssignStmt:
			// A variable defined by an await is made a field: its
			// definition is in the state that resumes, and a field needs
			// no care about where that state's scope ends.
			if n.Tok == token.DEFINE && len(n.Rhs) == 1 && g.isAwaitExpr(n.Rhs[0]) && !topLevel[n] {
				for _, l := range n.Lhs {
					if v, ok := g.info.Defs[l.(*ast.Ident)].(*types.Var); ok {
						g.forced = append(g.forced, v)
					}
				}
			}
		case *ast.ValueSpec:
			if len(n.Values) == 1 && g.isAwaitExpr(n.Values[0]) && !topLevel[n] {
				for _, id := range n.Names {
					if v, ok := g.info.Defs[id].(*types.Var); ok {
						g.forced = append(g.forced, v)
					}
				}
			}
		}
		stack = append(stack, n)
		return true
	})
	sort.Slice(g.awaits, func(i, j int) bool { return g.awaits[i] < g.awaits[j] })
	// Awaits inside a deferred call or a select are refused here, where the
	// message can say why; the lowering refuses the other places.
	ast.Inspect(g.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			if g.containsAwait(n) {
				g.errorf(n.Pos(), "await inside a deferred call: deferred calls run when the future completes, panics or is cancelled, and cannot suspend it")
				return false
			}
		case *ast.GoStmt:
			if g.containsAwait(n) {
				g.errorf(n.Pos(), "await inside a go statement: the call runs on another goroutine; spawn a task instead")
				return false
			}
		case *ast.SelectStmt:
			if g.containsAwait(n) {
				g.errorf(n.Pos(), "await inside a select statement is not supported: race futures with future.Select or future.Race and await that")
				return false
			}
		}
		return true
	})
	g.hoist()
}

// containsAwait reports whether a suspension point lies inside n.
func (g *gen) containsAwait(n ast.Node) bool {
	if n == nil {
		return false
	}
	i := sort.Search(len(g.awaits), func(i int) bool { return g.awaits[i] >= n.Pos() })
	return i < len(g.awaits) && g.awaits[i] < n.End()
}

// hoist decides which local variables become fields. A variable is hoisted
// when a suspension point lies inside its scope after its declaration: it
// may be live across that await. This is conservative (a variable dead
// before the await is kept all the same), and it is what makes the rest
// simple: a variable that is not hoisted lives between two suspension
// points, inside one state of the machine.
func (g *gen) hoist() {
	// A variable exists from the end of the statement that declares it:
	// an await on the right of x := is not inside x's life.
	from := map[*ast.Ident]token.Pos{}
	ast.Inspect(g.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					from[l.(*ast.Ident)] = n.End()
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				from[id] = n.End()
			}
		}
		return true
	})
	var vars []*types.Var
	for id, obj := range g.info.Defs {
		v, ok := obj.(*types.Var)
		if !ok || v.IsField() || v.Name() == "_" || id.Pos() < g.body.Pos() || id.Pos() >= g.body.End() {
			continue
		}
		sc := v.Parent()
		if sc == nil {
			continue
		}
		start := v.Pos()
		if p, ok := from[id]; ok {
			start = p
		}
		i := sort.Search(len(g.awaits), func(i int) bool { return g.awaits[i] > start })
		if i < len(g.awaits) && g.awaits[i] < sc.End() {
			vars = append(vars, v)
		}
	}
	// The variables a type switch binds are implicit objects, one per
	// clause: hoist them all for a switch the lowering splits into states.
	for n, obj := range g.info.Implicits {
		cc, ok := n.(*ast.CaseClause)
		v, isVar := obj.(*types.Var)
		if !ok || !isVar || cc.Pos() < g.body.Pos() || cc.End() > g.body.End() {
			continue
		}
		if g.typeSwitchOf(cc) != nil && g.containsAwait(g.typeSwitchOf(cc)) {
			vars = append(vars, v)
		}
	}
	for id, obj := range g.info.Defs {
		switch obj.(type) {
		case *types.TypeName, *types.Const:
		default:
			continue
		}
		if id.Pos() < g.body.Pos() || id.Pos() >= g.body.End() || obj.Parent() == nil {
			continue
		}
		i := sort.Search(len(g.awaits), func(i int) bool { return g.awaits[i] > obj.Pos() })
		if i < len(g.awaits) && g.awaits[i] < obj.Parent().End() {
			g.errorf(id.Pos(), "the local declaration of %s reaches past an await: declare it at package level", id.Name)
		}
	}
	for _, v := range g.forced {
		if v.Name() != "_" {
			vars = append(vars, v)
		}
	}
	// Implicit variables of one type switch share a position: their
	// clauses' scopes order them.
	sort.SliceStable(vars, func(i, j int) bool {
		if vars[i].Pos() != vars[j].Pos() {
			return vars[i].Pos() < vars[j].Pos()
		}
		return vars[i].Parent().Pos() < vars[j].Parent().Pos()
	})
	for _, v := range vars {
		if _, done := g.hoisted[v]; done {
			continue
		}
		if !g.nameable(v.Type()) {
			g.errorf(v.Pos(), "%s lives across an await but its type %s cannot be named outside the function (a local or unexported type): declare the type at package level", v.Name(), v.Type())
			continue
		}
		g.hoisted[v] = g.field(v.Name(), g.typ(v.Type()), gLocal)
	}
	g.checkLoopVars()
}

// typeSwitchOf returns the type switch a case clause belongs to.
func (g *gen) typeSwitchOf(cc *ast.CaseClause) *ast.TypeSwitchStmt {
	var found *ast.TypeSwitchStmt
	ast.Inspect(g.body, func(n ast.Node) bool {
		if found != nil {
			return false
		}
		if ts, ok := n.(*ast.TypeSwitchStmt); ok {
			for _, c := range ts.Body.List {
				if c == cc {
					found = ts
					return false
				}
			}
		}
		return true
	})
	return found
}

// checkLoopVars refuses a hoisted variable declared inside a loop whose
// address is taken or that a closure captures: Go gives each iteration its
// own variable, a field is one variable for all iterations.
func (g *gen) checkLoopVars() {
	var loops []ast.Node
	ast.Inspect(g.body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			loops = append(loops, n)
		}
		return true
	})
	// The declarations whose variable can be boxed: x := and var x in a
	// loop body or a for clause, and the variables of a range clause.
	boxable := map[*types.Var]bool{}
	mark := func(e ast.Expr) {
		if id, ok := e.(*ast.Ident); ok {
			if v, ok := g.info.Defs[id].(*types.Var); ok {
				boxable[v] = true
			}
		}
	}
	ast.Inspect(g.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					mark(l)
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				mark(id)
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				if n.Key != nil {
					mark(n.Key)
				}
				if n.Value != nil {
					mark(n.Value)
				}
			}
		}
		return true
	})
	inLoop := func(v *types.Var) bool {
		for _, l := range loops {
			if v.Pos() >= l.Pos() && v.Pos() < l.End() {
				return true
			}
		}
		return false
	}
	report := func(id *ast.Ident, how string) {
		v, _ := g.info.Uses[id].(*types.Var)
		if v != nil {
			g.escapes[v] = true
		}
		if v == nil || !inLoop(v) {
			return
		}
		if _, ok := g.hoisted[v]; !ok {
			return
		}
		if g.reported[v] || g.boxed[v] {
			return
		}
		if boxable[v] {
			// Each iteration gets its own variable, as in Go: the field
			// holds a pointer to the current iteration's.
			g.boxed[v] = true
			f := g.hoisted[v]
			for i := range g.fields {
				if g.fields[i].name == f {
					g.fields[i].typ = "*" + g.fields[i].typ
				}
			}
			return
		}
		g.reported[v] = true
		g.errorf(id.Pos(), "%s is declared inside a loop, lives across an await and %s: Go gives each iteration its own %s, a compiled function would share one; copy it into a variable declared after the last await of the iteration, or into the closure's parameters", v.Name(), how, v.Name())
	}
	var lits []*ast.FuncLit
	walk := func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			lits = append(lits, n)
			ast.Inspect(n.Body, func(m ast.Node) bool {
				if id, ok := m.(*ast.Ident); ok {
					if v, ok := g.info.Uses[id].(*types.Var); ok && (v.Pos() < n.Pos() || v.Pos() >= n.End()) {
						report(id, "is captured by a closure")
					}
				}
				return true
			})
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				if id := rootIdent(n.X); id != nil {
					report(id, "has its address taken")
				}
			}
		case *ast.SliceExpr:
			if t, ok := g.info.TypeOf(n.X).Underlying().(*types.Array); ok && t != nil {
				if id := rootIdent(n.X); id != nil {
					report(id, "is sliced (which takes its address)")
				}
			}
		case *ast.SelectorExpr:
			if sel, ok := g.info.Selections[n]; ok && sel.Kind() != types.FieldVal {
				if sig, ok := sel.Obj().Type().(*types.Signature); ok && sig.Recv() != nil {
					if _, ptr := sig.Recv().Type().Underlying().(*types.Pointer); ptr {
						if _, isPtr := g.info.TypeOf(n.X).Underlying().(*types.Pointer); !isPtr {
							if id := rootIdent(n.X); id != nil {
								report(id, "has a pointer method called on it (which takes its address)")
							}
						}
					}
				}
			}
		}
		return true
	}
	ast.Inspect(g.body, walk)
}

// rootIdent returns the variable an addressable expression is part of.
func rootIdent(e ast.Expr) *ast.Ident {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x
		case *ast.ParenExpr:
			e = x.X
		case *ast.SelectorExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// nameable reports whether t can be written in the generated file.
func (g *gen) nameable(t types.Type) bool {
	switch t := t.(type) {
	case *types.Basic:
		return t.Info()&types.IsUntyped == 0
	case *types.TypeParam:
		return g.tparams[t]
	case *types.Named:
		if !g.objNameable(t.Obj()) {
			return false
		}
		for i := range t.TypeArgs().Len() {
			if !g.nameable(t.TypeArgs().At(i)) {
				return false
			}
		}
		return true
	case *types.Alias:
		return g.objNameable(t.Obj()) && g.nameable(types.Unalias(t))
	case *types.Pointer:
		return g.nameable(t.Elem())
	case *types.Slice:
		return g.nameable(t.Elem())
	case *types.Array:
		return g.nameable(t.Elem())
	case *types.Chan:
		return g.nameable(t.Elem())
	case *types.Map:
		return g.nameable(t.Key()) && g.nameable(t.Elem())
	case *types.Signature:
		return t.TypeParams().Len() == 0 && g.nameable(t.Params()) && g.nameable(t.Results())
	case *types.Tuple:
		for i := range t.Len() {
			if !g.nameable(t.At(i).Type()) {
				return false
			}
		}
		return true
	case *types.Struct:
		for i := range t.NumFields() {
			f := t.Field(i)
			if !f.Exported() && f.Pkg() != g.pkg.Types {
				return false
			}
			if !g.nameable(f.Type()) {
				return false
			}
		}
		return true
	case *types.Interface:
		for i := range t.NumExplicitMethods() {
			m := t.ExplicitMethod(i)
			if !m.Exported() && m.Pkg() != g.pkg.Types {
				return false
			}
			if !g.nameable(m.Type()) {
				return false
			}
		}
		for i := range t.NumEmbeddeds() {
			if !g.nameable(t.EmbeddedType(i)) {
				return false
			}
		}
		return true
	}
	return false
}

func (g *gen) objNameable(obj *types.TypeName) bool {
	if obj.Pkg() == nil {
		return true // error, comparable
	}
	if obj.Parent() != obj.Pkg().Scope() {
		return false
	}
	return obj.Pkg() == g.pkg.Types || obj.Exported()
}
