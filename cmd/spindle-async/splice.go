package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// text returns the source of n as it must read inside Poll: fields for
// the variables that are fields, the jumps of the machine for the break,
// continue and return statements that leave the code copied, the
// registration of deferred calls, cx for a.Context(). Everything else,
// comments included, is the user's text unchanged.
func (g *gen) text(n ast.Node) string {
	type edit struct {
		pos, end token.Pos
		text     string
	}
	var edits []edit
	var stack []ast.Node
	ast.Inspect(n, func(m ast.Node) bool {
		if m == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if t, ok := g.rewrite(m, n, stack); ok {
			edits = append(edits, edit{m.Pos(), m.End(), t})
			return false
		}
		stack = append(stack, m)
		return true
	})
	var b strings.Builder
	off := g.off(n.Pos())
	for _, e := range edits {
		b.Write(g.src[off:g.off(e.pos)])
		b.WriteString(e.text)
		off = g.off(e.end)
	}
	b.Write(g.src[off:g.off(n.End())])
	return b.String()
}

func inLit(stack []ast.Node) bool {
	for _, n := range stack {
		if _, ok := n.(*ast.FuncLit); ok {
			return true
		}
	}
	return false
}

func (g *gen) rewrite(m, root ast.Node, stack []ast.Node) (string, bool) {
	if t, ok := g.subst[m]; ok {
		return t, true
	}
	lit := inLit(stack)
	switch m := m.(type) {
	case *ast.Ident:
		obj := g.info.Uses[m]
		if obj == nil {
			obj = g.info.Defs[m]
		}
		if pn, ok := obj.(*types.PkgName); ok {
			g.imp.used[pn.Imported().Path()] = true
		}
		if v, ok := obj.(*types.Var); ok {
			if a, ok := g.boxAlias[v]; ok {
				return "(*" + a + ")", true
			}
			if f, ok := g.hoisted[v]; ok {
				if g.boxed[v] {
					return "(*" + g.recv + "." + f + ")", true
				}
				return g.recv + "." + f, true
			}
		}
	case *ast.FuncLit:
		if t, ok := g.boxedLit(m); ok {
			return t, true
		}
	case *ast.UnaryExpr:
		// &x of a boxed x is the pointer the field holds.
		if id, ok := ast.Unparen(m.X).(*ast.Ident); ok && m.Op == token.AND {
			if v, ok := g.info.Uses[id].(*types.Var); ok && g.boxed[v] {
				if a, ok := g.boxAlias[v]; ok {
					return a, true
				}
				return g.recv + "." + g.hoisted[v], true
			}
		}
	case *ast.CallExpr:
		if g.isContext(m) {
			return g.cx, true
		}
		if g.awaitCall(m) != notAwait {
			panic("spindle-async: await in copied code")
		}
	case *ast.ReturnStmt:
		if !lit {
			return g.returnText(m), true
		}
	case *ast.BranchStmt:
		if !lit {
			return g.branchText(m, root, stack)
		}
	case *ast.DeferStmt:
		if !lit {
			return g.deferText(m), true
		}
	case *ast.AssignStmt:
		if !lit && m.Tok == token.DEFINE {
			return g.defineText(m)
		}
	case *ast.DeclStmt:
		if !lit {
			return g.varDeclText(m)
		}
	}
	return "", false
}

func (g *gen) returnText(r *ast.ReturnStmt) string {
	var vals []string
	for _, e := range r.Results {
		vals = append(vals, g.text(e))
	}
	return g.returnValues(vals, len(r.Results) == 1 && isTuple(g.info.TypeOf(r.Results[0])))
}

// branchText rewrites a break or continue that leaves the copied code
// into a jump to the state it continues at.
func (g *gen) branchText(b *ast.BranchStmt, root ast.Node, stack []ast.Node) (string, bool) {
	if b.Tok != token.BREAK && b.Tok != token.CONTINUE {
		return "", false
	}
	if b.Label != nil {
		lbl, _ := g.info.Uses[b.Label].(*types.Label)
		if lbl != nil && lbl.Pos() >= root.Pos() && lbl.Pos() < root.End() {
			return "", false
		}
		for i := len(g.targets) - 1; i >= 0; i-- {
			t := g.targets[i]
			if t.label == lbl {
				if b.Tok == token.BREAK {
					return g.jumpText(t.brk), true
				}
				return g.jumpText(t.cont), true
			}
		}
		panic("spindle-async: no target for " + b.Label.Name)
	}
	for i := len(stack) - 1; i >= 0; i-- {
		switch stack[i].(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return "", false
		case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			if b.Tok == token.BREAK {
				return "", false
			}
		}
	}
	for i := len(g.targets) - 1; i >= 0; i-- {
		t := g.targets[i]
		if b.Tok == token.BREAK {
			return g.jumpText(t.brk), true
		}
		if t.cont != nil {
			return g.jumpText(t.cont), true
		}
	}
	panic("spindle-async: no target for " + b.Tok.String())
}

// deferText registers a deferred call: the function value and arguments
// are evaluated now, as Go does, into fields, and the call is marked
// pending: a bit of s.deferred, or, when some defer statement is in a
// loop, an entry of s.deferOrder (and, for a statement in a loop, an
// element of its own slice of calls). runDefers defers the calls for real,
// so that a recover in them works as in the source.
func (g *gen) deferText(d *ast.DeferStmt) string {
	call := d.Call
	site := len(g.defers)
	if site >= 64 && !g.orderMode {
		g.errorf(d.Pos(), "more than 64 defer statements in one async function")
		return ""
	}
	type item struct{ typ, val string }
	var items []item // the function value (unless builtin), then the arguments
	var pre string   // f(g()): the values of g, in temporaries
	fn := ""
	ellipsis := call.Ellipsis.IsValid()
	fun := ast.Unparen(call.Fun)
	if _, ok := g.info.Uses[identOf(fun)].(*types.Builtin); ok {
		fn = g.text(fun)
		for _, a := range call.Args {
			items = append(items, item{g.typ(types.Default(g.info.TypeOf(a))), g.text(a)})
		}
	} else {
		sig, ok := g.info.TypeOf(call.Fun).Underlying().(*types.Signature)
		if !ok || !g.nameable(sig) {
			g.errorf(d.Pos(), "this deferred call is not supported yet: defer a function literal that makes it")
			return ""
		}
		if id := identOf(fun); id != nil {
			if _, generic := g.info.Instances[id]; generic {
				g.errorf(d.Pos(), "deferring a call of a generic function is not supported yet: defer a function literal that makes it")
				return ""
			}
		}
		items = append(items, item{g.typ(sig), g.text(fun)})
		params := sig.Params()
		if len(call.Args) == 1 && isTuple(g.info.TypeOf(call.Args[0])) {
			var tmps []string
			for i := range params.Len() {
				t := g.fresh("tmp")
				tmps = append(tmps, t)
				items = append(items, item{g.typ(params.At(i).Type()), t})
			}
			pre = fmt.Sprintf("%s := %s\n", strings.Join(tmps, ", "), g.text(call.Args[0]))
			ellipsis = sig.Variadic()
		} else {
			var packed []string
			for i, a := range call.Args {
				if sig.Variadic() && !ellipsis && i >= params.Len()-1 {
					packed = append(packed, g.text(a))
					continue
				}
				items = append(items, item{g.typ(params.At(i).Type()), g.text(a)})
			}
			if sig.Variadic() && !ellipsis {
				st := g.typ(params.At(params.Len() - 1).Type())
				v := "nil"
				if len(packed) > 0 {
					v = st + "{" + strings.Join(packed, ", ") + "}"
				}
				items = append(items, item{st, v})
				ellipsis = true
			}
		}
	}
	dots := ""
	if ellipsis {
		dots = "..."
	}
	var b strings.Builder
	b.WriteString(pre)
	var refs []string
	ds := &deferSite{bit: site}
	if g.loopDefers[d] {
		// One slice of calls for this statement.
		var fields, vals []string
		for i, it := range items {
			name := fmt.Sprintf("arg%d", i)
			if fn == "" {
				name = fmt.Sprintf("arg%d", i-1)
				if i == 0 {
					name = "fn"
				}
			}
			fields = append(fields, name+" "+it.typ)
			vals = append(vals, it.val)
			refs = append(refs, "\x01."+name)
		}
		et := "struct{ " + strings.Join(fields, "; ") + " }"
		f := g.field(fmt.Sprintf("defer%d", site), "[]"+et, gDefer)
		fmt.Fprintf(&b, "%s.%s = append(%s.%s, %s{%s})\n", g.recv, f, g.recv, f, et, strings.Join(vals, ", "))
		ds.slice = g.recv + "." + f
	} else {
		for i, it := range items {
			name := fmt.Sprintf("defer%d", site)
			if i > 0 || fn != "" {
				name = fmt.Sprintf("defer%dArg%d", site, i)
				if fn == "" {
					name = fmt.Sprintf("defer%dArg%d", site, i-1)
				}
			}
			f := g.field(name, it.typ, gDefer)
			if it.val != "nil" {
				fmt.Fprintf(&b, "%s.%s = %s\n", g.recv, f, it.val)
			}
			refs = append(refs, g.recv+"."+f)
		}
	}
	if fn == "" {
		fn, refs = refs[0], refs[1:]
	}
	ds.call = fmt.Sprintf("%s(%s%s)", fn, strings.Join(refs, ", "), dots)
	g.defers = append(g.defers, ds)
	if g.orderMode {
		fmt.Fprintf(&b, "%s.deferOrder = append(%s.deferOrder, %d)", g.recv, g.recv, site)
	} else {
		fmt.Fprintf(&b, "%s.deferred |= 1 << %d", g.recv, site)
	}
	return b.String()
}

func identOf(e ast.Expr) *ast.Ident {
	switch e := e.(type) {
	case *ast.Ident:
		return e
	case *ast.SelectorExpr:
		return e.Sel
	case *ast.IndexExpr:
		return identOf(e.X)
	case *ast.IndexListExpr:
		return identOf(e.X)
	}
	return nil
}

func (g *gen) hoistedField(id *ast.Ident) (string, bool) {
	obj := g.info.Defs[id]
	if obj == nil {
		obj = g.info.Uses[id]
	}
	v, ok := obj.(*types.Var)
	if !ok {
		return "", false
	}
	f, ok := g.hoisted[v]
	return f, ok
}

// defineText rewrites x, y := e when some of x, y are fields.
func (g *gen) defineText(s *ast.AssignStmt) (string, bool) {
	anyField := false
	for _, l := range s.Lhs {
		if _, ok := g.hoistedField(l.(*ast.Ident)); ok {
			anyField = true
		}
	}
	if !anyField {
		return "", false
	}
	var rhs []string
	for _, r := range s.Rhs {
		rhs = append(rhs, g.text(r))
	}
	return g.defineWith(s.Lhs, strings.Join(rhs, ", ")), true
}

// defineWith is lhs := rhs where some of lhs may be fields.
func (g *gen) defineWith(lhsList []ast.Expr, rhs string) string {
	anyField, anyLocal := false, false
	for _, l := range lhsList {
		id := l.(*ast.Ident)
		if _, ok := g.hoistedField(id); ok {
			anyField = true
		} else if id.Name != "_" {
			anyLocal = true
		}
	}
	if !anyField {
		var names []string
		for _, l := range lhsList {
			names = append(names, l.(*ast.Ident).Name)
		}
		return strings.Join(names, ", ") + " := " + rhs
	}
	s := struct{ Lhs []ast.Expr }{lhsList}
	alloc := g.allocs(lhsList)
	if !anyLocal {
		var lhs []string
		for _, l := range s.Lhs {
			lhs = append(lhs, g.lhsOf(l.(*ast.Ident)))
		}
		return alloc + strings.Join(lhs, ", ") + " = " + rhs
	}
	// Some are fields, some are locals: through temporaries, so that the
	// right side is evaluated before any new local exists.
	var tmps []string
	for range s.Lhs {
		tmps = append(tmps, g.fresh("tmp"))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s := %s\n", strings.Join(tmps, ", "), rhs)
	b.WriteString(alloc)
	for i, l := range s.Lhs {
		id := l.(*ast.Ident)
		switch _, ok := g.hoistedField(id); {
		case ok:
			fmt.Fprintf(&b, "%s = %s\n", g.lhsOf(id), tmps[i])
		case id.Name == "_":
			fmt.Fprintf(&b, "_ = %s\n", tmps[i])
		case g.info.Defs[id] != nil:
			fmt.Fprintf(&b, "%s := %s\n", id.Name, tmps[i])
		default:
			fmt.Fprintf(&b, "%s = %s\n", id.Name, tmps[i])
		}
	}
	return b.String()
}

func (g *gen) lhsOf(id *ast.Ident) string {
	if f, ok := g.hoistedField(id); ok {
		if g.isBoxed(id) {
			return "*" + g.recv + "." + f
		}
		return g.recv + "." + f
	}
	return id.Name
}

func (g *gen) isBoxed(id *ast.Ident) bool {
	obj := g.info.Defs[id]
	if obj == nil {
		obj = g.info.Uses[id]
	}
	v, ok := obj.(*types.Var)
	return ok && g.boxed[v]
}

// allocs gives a fresh variable to each boxed variable that ids define.
func (g *gen) allocs(ids []ast.Expr) string {
	var b strings.Builder
	for _, e := range ids {
		id, ok := e.(*ast.Ident)
		if !ok || g.info.Defs[id] == nil || !g.isBoxed(id) {
			continue
		}
		f, _ := g.hoistedField(id)
		fmt.Fprintf(&b, "%s.%s = new(%s)\n", g.recv, f, g.typ(g.info.Defs[id].Type()))
	}
	return b.String()
}

// boxedLit rewrites a closure that captures per-iteration variables: it
// is made inside a call that passes the current iteration's pointers, so
// that it keeps them when the fields move on to the next iteration's.
func (g *gen) boxedLit(lit *ast.FuncLit) (string, bool) {
	if g.inBoxLit[lit] {
		return "", false
	}
	var vars []*types.Var
	seen := map[*types.Var]bool{}
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, ok := g.info.Uses[id].(*types.Var); ok && g.boxed[v] && !seen[v] {
				if _, aliased := g.boxAlias[v]; !aliased {
					seen[v] = true
					vars = append(vars, v)
				}
			}
		}
		return true
	})
	if len(vars) == 0 {
		return "", false
	}
	var params, args []string
	for _, v := range vars {
		p := g.fresh(v.Name() + "p")
		g.boxAlias[v] = p
		params = append(params, p+" *"+g.typ(v.Type()))
		args = append(args, g.recv+"."+g.hoisted[v])
	}
	g.inBoxLit[lit] = true
	body := g.text(lit)
	delete(g.inBoxLit, lit)
	for _, v := range vars {
		delete(g.boxAlias, v)
	}
	ft := g.typ(g.info.TypeOf(lit))
	return fmt.Sprintf("func(%s) %s {\nreturn %s\n}(%s)", strings.Join(params, ", "), ft, body, strings.Join(args, ", ")), true
}

// varDeclText rewrites var declarations of fields into assignments.
func (g *gen) varDeclText(s *ast.DeclStmt) (string, bool) {
	gd, ok := s.Decl.(*ast.GenDecl)
	if !ok || gd.Tok != token.VAR {
		return "", false
	}
	any := false
	for _, sp := range gd.Specs {
		for _, id := range sp.(*ast.ValueSpec).Names {
			if _, ok := g.hoistedField(id); ok {
				any = true
			}
		}
	}
	if !any {
		return "", false
	}
	var b strings.Builder
	for _, sp := range gd.Specs {
		vs := sp.(*ast.ValueSpec)
		allFields := true
		for _, id := range vs.Names {
			if _, ok := g.hoistedField(id); !ok && id.Name != "_" {
				allFields = false
			}
		}
		if !allFields {
			if len(vs.Values) > 0 {
				var tmps []string
				for range vs.Names {
					tmps = append(tmps, g.fresh("tmp"))
				}
				var vals []string
				for _, v := range vs.Values {
					vals = append(vals, g.text(v))
				}
				typ := ""
				if vs.Type != nil {
					typ = " " + g.text(vs.Type)
				}
				fmt.Fprintf(&b, "var %s%s = %s\n", strings.Join(tmps, ", "), typ, strings.Join(vals, ", "))
				b.WriteString(g.allocs(identExprs(vs.Names)))
				for i, id := range vs.Names {
					if _, ok := g.hoistedField(id); ok {
						fmt.Fprintf(&b, "%s = %s\n", g.lhsOf(id), tmps[i])
					} else if id.Name != "_" {
						fmt.Fprintf(&b, "%s := %s\n", id.Name, tmps[i])
					}
				}
			} else {
				for _, id := range vs.Names {
					v := g.info.Defs[id].(*types.Var)
					if f, ok := g.hoistedField(id); ok {
						fmt.Fprintf(&b, "%s.%s = %s\n", g.recv, f, g.zeroOrNew(v))
					} else {
						fmt.Fprintf(&b, "var %s %s\n", id.Name, g.text(vs.Type))
					}
				}
			}
			continue
		}
		if len(vs.Values) > 0 {
			var lhs, vals []string
			for _, id := range vs.Names {
				lhs = append(lhs, g.lhsOf(id))
			}
			for _, v := range vs.Values {
				vals = append(vals, g.text(v))
			}
			b.WriteString(g.allocs(identExprs(vs.Names)))
			fmt.Fprintf(&b, "%s = %s\n", strings.Join(lhs, ", "), strings.Join(vals, ", "))
			continue
		}
		for _, id := range vs.Names {
			if f, ok := g.hoistedField(id); ok {
				fmt.Fprintf(&b, "%s.%s = %s\n", g.recv, f, g.zeroOrNew(g.info.Defs[id].(*types.Var)))
			}
		}
	}
	return b.String(), true
}

// terminates reports whether s is a terminating statement (Go
// specification): no code may follow it in the generated text either.
func (g *gen) terminates(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BranchStmt:
		return true
	case *ast.ExprStmt:
		if call, ok := s.X.(*ast.CallExpr); ok {
			if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
				_, builtin := g.info.Uses[id].(*types.Builtin)
				return builtin && id.Name == "panic"
			}
		}
	case *ast.BlockStmt:
		return len(s.List) > 0 && g.terminates(s.List[len(s.List)-1])
	case *ast.IfStmt:
		return s.Else != nil && g.terminates(s.Body) && g.terminates(s.Else)
	case *ast.LabeledStmt:
		return g.terminatesLabelled(s.Stmt, s)
	case *ast.ForStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
		return g.terminatesLabelled(s, nil)
	}
	return false
}

func (g *gen) terminatesLabelled(s ast.Stmt, l *ast.LabeledStmt) bool {
	var lbl *types.Label
	if l != nil {
		lbl, _ = g.info.Defs[l.Label].(*types.Label)
	}
	switch s := s.(type) {
	case *ast.ForStmt:
		return s.Cond == nil && !g.hasBreak(s, lbl)
	case *ast.SwitchStmt:
		return g.clausesTerminate(s.Body, true) && !g.hasBreak(s, lbl)
	case *ast.TypeSwitchStmt:
		return g.clausesTerminate(s.Body, true) && !g.hasBreak(s, lbl)
	case *ast.SelectStmt:
		return g.clausesTerminate(s.Body, false) && !g.hasBreak(s, lbl)
	}
	return g.terminates(s)
}

func (g *gen) clausesTerminate(body *ast.BlockStmt, needDefault bool) bool {
	hasDefault := false
	for _, c := range body.List {
		var list []ast.Stmt
		switch c := c.(type) {
		case *ast.CaseClause:
			list = c.Body
			if c.List == nil {
				hasDefault = true
			}
		case *ast.CommClause:
			list = c.Body
		}
		if len(list) == 0 || !g.terminates(list[len(list)-1]) {
			return false
		}
	}
	return hasDefault || !needDefault
}

// hasBreak reports whether a break inside s refers to s.
func (g *gen) hasBreak(s ast.Stmt, lbl *types.Label) bool {
	found := false
	var depth int // breakable statements entered below s
	var walk func(n ast.Node) bool
	walk = func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BranchStmt:
			if n.Tok != token.BREAK {
				return true
			}
			if n.Label != nil {
				if l, _ := g.info.Uses[n.Label].(*types.Label); l != nil && l == lbl {
					found = true
				}
			} else if depth == 0 {
				found = true
			}
		case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			depth++
			ast.Inspect(n, func(m ast.Node) bool {
				if m == n {
					return true
				}
				return walk(m)
			})
			depth--
			return false
		}
		return true
	}
	ast.Inspect(s, func(n ast.Node) bool {
		if n == s {
			return true
		}
		return walk(n)
	})
	return found
}

func isTuple(t types.Type) bool {
	_, ok := t.(*types.Tuple)
	return ok
}

func identExprs(ids []*ast.Ident) []ast.Expr {
	var out []ast.Expr
	for _, id := range ids {
		out = append(out, id)
	}
	return out
}

// zeroOrNew is what a declaration without a value stores in v's field: the
// zero value, or a new zeroed variable when v is boxed.
func (g *gen) zeroOrNew(v *types.Var) string {
	if g.boxed[v] {
		return "new(" + g.typ(v.Type()) + ")"
	}
	return g.zero(v.Type())
}
