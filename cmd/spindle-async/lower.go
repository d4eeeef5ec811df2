package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// run compiles the function and returns its declarations, or "" after
// reporting errors.
func (g *gen) run() (out string) {
	before := g.errs.len()
	defer func() {
		if r := recover(); r != nil {
			g.errorf(g.decl.Pos(), "internal error: spindle-async failed on %s (%v); please report it", g.decl.Name.Name, r)
			out = ""
		}
	}()
	if !g.signature() {
		return ""
	}
	g.analyze()
	if g.errs.len() > before {
		return ""
	}
	first := g.newState(g.decl.Pos(), "start of "+g.decl.Name.Name)
	g.start(first)
	g.stmts(g.body.List, false)
	if g.cur != nil {
		if len(g.results) == 0 {
			g.emit("return " + g.recv + ".finish()")
			g.cur = nil
		} else {
			g.emit(`panic("unreachable")`)
			g.cur = nil
		}
	}
	if g.errs.len() > before {
		return ""
	}
	return g.render()
}

// signature checks the function's form and declares the fields of its
// parameters and results.
func (g *gen) signature() bool {
	d := g.decl
	ok := true
	if d.Recv != nil {
		if _, ok := ast.Unparen(d.Recv.List[0].Type).(*ast.Ident); !ok {
			if st, ok := ast.Unparen(d.Recv.List[0].Type).(*ast.StarExpr); !ok || !isIdent(st.X) {
				g.errorf(d.Pos(), "%s: async methods of generic types are not supported yet", d.Name.Name)
				return false
			}
		}
	}

	if d.Body == nil {
		g.errorf(d.Pos(), "%s: an async function needs a body", d.Name.Name)
		return false
	}
	g.body = d.Body
	fn, _ := g.info.Defs[d.Name].(*types.Func)
	if fn == nil {
		return false
	}
	sig := fn.Type().(*types.Signature)
	params := sig.Params()
	if params.Len() == 0 || !isAwaiterPtr(params.At(0).Type()) {
		g.errorf(d.Pos(), "%s: an async function takes an *async.Awaiter as its first parameter", d.Name.Name)
		return false
	}
	g.awaiter = params.At(0)
	if tps := sig.TypeParams(); tps.Len() > 0 {
		// A generic function gives a generic state type with the same
		// type parameters, written as in the source.
		g.tparams = map[*types.TypeParam]bool{}
		var names []string
		for i := range tps.Len() {
			g.tparams[tps.At(i)] = true
			names = append(names, tps.At(i).Obj().Name())
		}
		g.tparamDecl = g.text(d.Type.TypeParams)
		g.tparamUse = "[" + strings.Join(names, ", ") + "]"
	}

	// Names the generated code declares must not capture any name the
	// body uses.
	ast.Inspect(d, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			g.bodyNames[id.Name] = true
		}
		return true
	})
	for _, name := range g.imp.byPath {
		g.bodyNames[name] = true
	}
	g.recv = g.fresh("s")
	g.cx = g.fresh("cx")
	g.pc = g.fresh("pc")
	g.loop = g.fresh("resume")
	g.pv = g.fresh("v")
	g.okv = g.fresh("ok")
	for _, m := range []string{"state", "adopted", "Poll", "Cancel", "Adopt", "cancelAwaits", "finish", "runDefers", "unwind"} {
		g.fieldNames[m] = true
	}

	if r := sig.Recv(); r != nil {
		ts := g.typ(r.Type())
		if r.Name() == "" || r.Name() == "_" {
			g.recvDecl = "(_ " + ts + ") "
		} else {
			f := g.field(r.Name(), ts, gParam)
			g.hoisted[r] = f
			g.recvDecl = "(" + r.Name() + " " + ts + ") "
			g.paramInit = append(g.paramInit, f+": "+r.Name())
		}
	}
	for i := 1; i < params.Len(); i++ {
		v := params.At(i)
		t := v.Type()
		if !g.nameable(t) {
			g.errorf(v.Pos(), "parameter %s: its type %s cannot be named in the generated file", v.Name(), t)
			ok = false
			continue
		}
		ts := g.typ(t)
		if sig.Variadic() && i == params.Len()-1 {
			ts = "..." + g.typ(t.(*types.Slice).Elem())
		}
		if v.Name() == "" || v.Name() == "_" {
			g.params = append(g.params, "_ "+ts)
			continue
		}
		f := g.field(v.Name(), g.typ(t), gParam)
		g.hoisted[v] = f
		g.params = append(g.params, v.Name()+" "+ts)
		g.paramInit = append(g.paramInit, f+": "+v.Name())
	}
	res := sig.Results()
	for i := range res.Len() {
		v := res.At(i)
		if !g.nameable(v.Type()) {
			g.errorf(d.Pos(), "%s: its result type %s cannot be named in the generated file", d.Name.Name, v.Type())
			return false
		}
		g.results = append(g.results, v)
	}
	F := g.imp.name(g.futurePkg())
	// Results live in fields when a deferred call may read or change them
	// after the return statement, or when they are named; otherwise a
	// return makes the future Ready with its values at once.
	hasDefer := false
	ast.Inspect(g.body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			hasDefer = true
		}
		return true
	})
	g.direct = !hasDefer && res.Len() > 0 && (res.At(0).Name() == "" || res.At(0).Name() == "_")
	switch res.Len() {
	case 0:
		g.rtype = "struct{}"
		g.valueExpr = "struct{}{}"
	case 1:
		g.rtype = g.typ(res.At(0).Type())
		if !g.direct {
			f := g.resultField(res.At(0), "result")
			g.valueExpr = g.recv + "." + f
		}
	case 2:
		if !types.Identical(res.At(1).Type(), types.Universe.Lookup("error").Type()) {
			g.errorf(d.Pos(), "%s: an async function returns nothing, one value, or a value and an error", d.Name.Name)
			return false
		}
		g.rtype = fmt.Sprintf("%s.Result[%s]", F, g.typ(res.At(0).Type()))
		if !g.direct {
			f0 := g.resultField(res.At(0), "result")
			f1 := g.resultField(res.At(1), "resultErr")
			g.valueExpr = fmt.Sprintf("%s{Value: %s.%s, Err: %s.%s}", g.rtype, g.recv, f0, g.recv, f1)
		}
	default:
		g.errorf(d.Pos(), "%s: an async function returns nothing, one value, or a value and an error", d.Name.Name)
		return false
	}
	return ok
}

func (g *gen) resultField(v *types.Var, unnamed string) string {
	name := v.Name()
	if name == "" || name == "_" {
		name = unnamed
	}
	f := g.field(name, g.typ(v.Type()), gResult)
	if v.Name() != "" && v.Name() != "_" {
		g.hoisted[v] = f
	}
	g.resultFields = append(g.resultFields, f)
	return f
}

func isIdent(e ast.Expr) bool {
	_, ok := ast.Unparen(e).(*ast.Ident)
	return ok
}

func isAwaiterPtr(t types.Type) bool {
	p, ok := t.(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := p.Elem().(*types.Named)
	return ok && n.Obj().Name() == "Awaiter" && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == asyncPath
}

func (g *gen) asyncPkg() *types.Package {
	return g.awaiter.Type().(*types.Pointer).Elem().(*types.Named).Obj().Pkg()
}

// futurePkg is package future, found through the result of
// Awaiter.Context (*future.Context): the list of a package's imports is
// not complete when its types come from export data.
func (g *gen) futurePkg() *types.Package {
	named := g.awaiter.Type().(*types.Pointer).Elem().(*types.Named)
	for i := range named.NumMethods() {
		if m := named.Method(i); m.Name() == "Context" {
			res := m.Type().(*types.Signature).Results().At(0).Type()
			if p := res.(*types.Pointer).Elem().(*types.Named).Obj().Pkg(); p.Path() == futurePath {
				return p
			}
		}
	}
	panic("spindle-async: async.Awaiter has no Context method returning *future.Context")
}

// ---- states and jumps ----

func (g *gen) newState(pos token.Pos, what string) *state {
	st := &state{idx: len(g.all), comment: g.where(pos) + ": " + what}
	g.all = append(g.all, st)
	return st
}

func (g *gen) where(pos token.Pos) string {
	return fmt.Sprintf("%s:%d", g.base, g.fset.Position(pos).Line)
}

// line returns the source line at pos, trimmed, for a comment.
func (g *gen) line(pos token.Pos) string {
	off := g.off(pos)
	start := strings.LastIndexByte(string(g.src[:off]), '\n') + 1
	end := strings.IndexByte(string(g.src[off:]), '\n')
	if end < 0 {
		end = len(g.src) - off
	}
	s := strings.TrimSpace(string(g.src[start : off+end]))
	s = strings.TrimSuffix(s, "{")
	return strings.TrimSpace(s)
}

func (g *gen) off(pos token.Pos) int { return g.fset.Position(pos).Offset }

// source is the text of n as the user wrote it.
func (g *gen) source(n ast.Node) string { return string(g.src[g.off(n.Pos()):g.off(n.End())]) }

// start makes st the state code goes to; the state before it, if still
// live, falls into it.
func (g *gen) start(st *state) {
	if st.started {
		panic("spindle-async: state started twice")
	}
	if g.cur != nil {
		g.cur.next = st
	}
	st.started = true
	st.id = len(g.started)
	g.started = append(g.started, st)
	g.cur = st
}

func (g *gen) emit(code string) {
	if g.cur == nil {
		// Code after a return or jump, unreachable in the source too.
		g.start(g.newState(token.NoPos, "unreachable"))
	}
	g.cur.code.WriteString(strings.TrimRight(code, "\n"))
	g.cur.code.WriteByte('\n')
}

func (g *gen) jump(st *state) {
	if g.cur == nil {
		return
	}
	g.cur.next = st
	g.cur = nil
}

// ref stands for st's case number until the states are numbered.
func ref(st *state) string { return "\x00" + strconv.Itoa(st.idx) + "\x00" }

func (g *gen) jumpText(st *state) string {
	return fmt.Sprintf("%s = %s\ncontinue %s", g.pc, ref(st), g.loop)
}

func (g *gen) pending() string {
	return fmt.Sprintf("return %s.Pending[%s]()", g.imp.name(g.futurePkg()), g.rtype)
}

// ---- statements ----

// stmts lowers a statement list. The statements after the last one that
// awaits are copied; when the list is a nested block, they go inside a
// block of their own, so that the variables they declare (which are not
// fields) keep their scope.
func (g *gen) stmts(list []ast.Stmt, nested bool) {
	last := -1
	for i, s := range list {
		if g.containsAwait(s) {
			last = i
		}
	}
	for _, s := range list[:last+1] {
		g.stmt(s)
	}
	tail := list[last+1:]
	if len(tail) == 0 {
		return
	}
	var b strings.Builder
	for _, s := range tail {
		b.WriteString(g.text(s))
		b.WriteByte('\n')
	}
	code := b.String()
	if nested && declares(tail) {
		code = "{\n" + code + "}"
	}
	g.emit(code)
	if g.terminates(tail[len(tail)-1]) {
		g.cur = nil
	}
}

// declares reports whether a statement list declares a name at its level.
func declares(list []ast.Stmt) bool {
	for _, s := range list {
		switch s := s.(type) {
		case *ast.DeclStmt:
			return true
		case *ast.AssignStmt:
			if s.Tok == token.DEFINE {
				return true
			}
		case *ast.LabeledStmt:
			return true
		}
	}
	return false
}

func (g *gen) copyStmt(s ast.Stmt) {
	g.emit(g.text(s))
	if g.terminates(s) {
		g.cur = nil
	}
}

func (g *gen) stmt(s ast.Stmt) {
	if !g.containsAwait(s) {
		g.copyStmt(s)
		return
	}
	switch s := s.(type) {
	case *ast.ExprStmt:
		if call, ok := ast.Unparen(s.X).(*ast.CallExpr); ok && g.awaitCall(call) != notAwait {
			g.suspend(call, nil)
			return
		}
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 && g.isAwaitExpr(s.Rhs[0]) && (s.Tok == token.DEFINE || s.Tok == token.ASSIGN) {
			g.awaitAssign(s)
			return
		}
	case *ast.DeclStmt:
		if gd, ok := s.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR && len(gd.Specs) == 1 {
			spec := gd.Specs[0].(*ast.ValueSpec)
			if len(spec.Values) == 1 && g.isAwaitExpr(spec.Values[0]) {
				if spec.Type != nil {
					// var x T = await: the value is converted to T.
					g.suspend(ast.Unparen(spec.Values[0]).(*ast.CallExpr), func(v string) string {
						return g.varWith(spec, v)
					})
					return
				}
				var names []ast.Expr
				for _, id := range spec.Names {
					names = append(names, id)
				}
				g.suspend(ast.Unparen(spec.Values[0]).(*ast.CallExpr), func(v string) string {
					return g.defineWith(names, v)
				})
				return
			}
		}
	case *ast.ReturnStmt:
		if len(s.Results) == 1 && g.isAwaitExpr(s.Results[0]) {
			g.suspend(ast.Unparen(s.Results[0]).(*ast.CallExpr), func(v string) string {
				return g.returnValues([]string{v}, true)
			})
			g.cur = nil
			return
		}
	case *ast.BlockStmt:
		g.stmts(s.List, true)
		return
	case *ast.IfStmt:
		g.ifStmt(s)
		return
	case *ast.ForStmt:
		g.forStmt(s, nil)
		return
	case *ast.RangeStmt:
		g.rangeStmt(s, nil)
		return
	case *ast.SwitchStmt:
		g.switchStmt(s, nil)
		return
	case *ast.TypeSwitchStmt:
		g.typeSwitchStmt(s, nil)
		return
	case *ast.SendStmt, *ast.IncDecStmt:
	case *ast.LabeledStmt:
		lbl, _ := g.info.Defs[s.Label].(*types.Label)
		switch inner := s.Stmt.(type) {
		case *ast.ForStmt:
			g.forStmt(inner, lbl)
		case *ast.RangeStmt:
			g.rangeStmt(inner, lbl)
		case *ast.SwitchStmt:
			g.switchStmt(inner, lbl)
		case *ast.TypeSwitchStmt:
			g.typeSwitchStmt(inner, lbl)
		default:
			g.stmt(inner)
		}
		return
	}
	switch s.(type) {
	case *ast.ExprStmt, *ast.AssignStmt, *ast.DeclStmt, *ast.ReturnStmt, *ast.SendStmt, *ast.IncDecStmt:
		if g.operandAwaits(s) {
			g.copyStmt(s)
		}
		return
	}
	g.refuse(s)
}

// refuse reports the first await of n, which sits where the compiler
// cannot put a suspension point.
func (g *gen) refuse(n ast.Node) {
	pos := n.Pos()
	for _, p := range g.awaits {
		if p >= n.Pos() && p < n.End() {
			pos = p
			break
		}
	}
	g.errorf(pos, "await in this position is not supported yet: await in a statement before this one (v := async.Await(a, f)) and use v here")
}

// suspend lowers one suspension point: the future is stored in its field,
// and the next state polls it, returning Pending until it is Ready; then
// assign (if not nil) gets the value (v, or v.Get() for TryAwait).
func (g *gen) suspend(call *ast.CallExpr, assign func(v string) string) {
	g.suspendAs(call, assign, true)
}

// suspendAs is suspend; with get false, assign gets the Result a TryAwait
// awaited rather than its two values.
func (g *gen) suspendAs(call *ast.CallExpr, assign func(v string) string, get bool) {
	k := g.awaitCall(call)
	if k == kYield {
		g.emit(fmt.Sprintf("%s.WakeFrom(%s, %s.Waker())", g.imp.name(g.futurePkg()), g.cx, g.cx))
		st := g.newState(call.Pos(), "resumes after "+g.line(call.Pos()))
		g.emit(fmt.Sprintf("%s.state = %s\n%s", g.recv, ref(st), g.pending()))
		g.cur = nil
		g.start(st)
		g.suspends = append(g.suspends, suspend{st: st})
		return
	}
	arg := call.Args[1]
	if g.containsAwait(arg) {
		g.refuse(arg)
		return
	}
	f := g.awaitField(arg, call)
	if !f.direct {
		g.emit(fmt.Sprintf("%s.%s = %s", g.recv, f.name, g.text(arg)))
	}
	if a := g.adoptText(f); a != "" {
		g.emit(fmt.Sprintf("if %s.adopted {\n%s\n}", g.recv, a))
		g.adopts = true
	}
	st := g.newState(call.Pos(), "resumes at "+g.line(call.Pos()))
	g.start(st)
	fut := g.recv + "." + f.name
	if assign != nil {
		g.emit(fmt.Sprintf("%s, %s := %s.Poll(%s).Value()\nif !%s {", g.pv, g.okv, fut, g.cx, g.okv))
	} else {
		g.emit(fmt.Sprintf("if _, %s := %s.Poll(%s).Value(); !%s {", g.okv, fut, g.cx, g.okv))
	}
	g.emit(fmt.Sprintf("%s.state = %s\n%s\n}", g.recv, ref(st), g.pending()))
	if !f.direct {
		g.emit(fmt.Sprintf("%s = %s", fut, f.zero))
	}
	g.suspends = append(g.suspends, suspend{st: st, field: f, cancel: g.cancelText(f)})
	if assign != nil {
		v := g.pv
		if k == kTryAwait && get {
			v += ".Get()"
		}
		if code := assign(v); code != "" {
			g.emit(code)
		}
	}
}

// awaitField returns the field that holds the future arg while it is in
// flight: one field per type, of the argument's own type when it can be
// named (so that Poll is a direct call), else of the Future interface.
func (g *gen) awaitField(arg ast.Expr, call *ast.CallExpr) *awaitField {
	// A variable that is a field already, and that nothing but the body
	// can change (no closure captures it, its address is not taken), is
	// polled where it is: the body does not run while it is awaited.
	if id, ok := ast.Unparen(arg).(*ast.Ident); ok {
		if v, ok := g.info.Uses[id].(*types.Var); ok && !g.escapes[v] {
			if f, ok := g.hoisted[v]; ok {
				for _, d := range g.directFs {
					if d.name == f {
						return d
					}
				}
				d := &awaitField{name: f, t: v.Type(), direct: true}
				g.directFs = append(g.directFs, d)
				return d
			}
		}
	}
	t := g.info.TypeOf(arg)
	if !g.nameable(t) {
		t = g.info.TypeOf(call.Fun).(*types.Signature).Params().At(1).Type()
	}
	for _, f := range g.awaitFs {
		if types.Identical(f.t, t) {
			return f
		}
	}
	f := &awaitField{t: t, zero: g.zero(t)}
	f.name = g.field("await", g.typ(t), gAwait)
	g.awaitFs = append(g.awaitFs, f)
	return f
}

// cancelText is the statement that cancels the future in f.
func (g *gen) cancelText(f *awaitField) string {
	fut := g.recv + "." + f.name
	ms := types.NewMethodSet(f.t)
	if sel := ms.Lookup(nil, "Cancel"); sel != nil {
		if sig, ok := sel.Type().(*types.Signature); ok && sig.Params().Len() == 0 && sig.Results().Len() == 0 {
			return fut + ".Cancel()"
		}
	}
	if types.IsInterface(f.t) {
		return fmt.Sprintf("%s.Cancel(%s)", g.imp.name(g.futurePkg()), fut)
	}
	return ""
}

// nilable reports whether a field of type t can be tested against nil
// in the generated code: a pointer or an interface, not a type parameter.
func nilable(t types.Type) bool {
	if _, ok := t.(*types.TypeParam); ok {
		return false
	}
	switch t.Underlying().(type) {
	case *types.Pointer, *types.Interface:
		return true
	}
	return false
}

// hasMethod reports whether t has the method name with no parameters and
// no results.
func hasMethod(t types.Type, name string) bool {
	if sel := types.NewMethodSet(t).Lookup(nil, name); sel != nil {
		sig, ok := sel.Type().(*types.Signature)
		return ok && sig.Params().Len() == 0 && sig.Results().Len() == 0
	}
	return false
}

// adoptText is the statement that adopts the future in f (see
// future.Adopter), or "" if f is never adopted: when its type has no Adopt
// method, or when a nil test cannot tell whether it is in flight (a type
// parameter, a value type), so that cancelAwaits could not reach it after
// a panic. An adopted future must be cancelled however the body stops.
func (g *gen) adoptText(f *awaitField) string {
	if !nilable(f.t) || g.cancelText(f) == "" {
		return ""
	}
	fut := g.recv + "." + f.name
	if hasMethod(f.t, "Adopt") {
		return fut + ".Adopt()"
	}
	if types.IsInterface(f.t) {
		return fmt.Sprintf("%s.Adopt(%s)", g.imp.name(g.futurePkg()), fut)
	}
	return ""
}

// awaitAssign lowers v := async.Await(a, f), v, err = async.TryAwait(a, f)
// and the like.
func (g *gen) awaitAssign(s *ast.AssignStmt) {
	if s.Tok == token.DEFINE {
		g.suspend(ast.Unparen(s.Rhs[0]).(*ast.CallExpr), func(v string) string {
			return g.defineWith(s.Lhs, v)
		})
		return
	}
	var lhs []string
	for _, l := range s.Lhs {
		if !pureLvalue(l) {
			// A call on the left is evaluated before the await.
			if g.operandAwaits(s) {
				g.copyStmt(s)
			}
			return
		}
		lhs = append(lhs, g.text(l))
	}
	g.suspend(ast.Unparen(s.Rhs[0]).(*ast.CallExpr), func(v string) string {
		return strings.Join(lhs, ", ") + " = " + v
	})
}

// varWith is var names T = v, where the names are all fields or all
// locals (the await's results are one value, or a value and an error).
func (g *gen) varWith(spec *ast.ValueSpec, v string) string {
	var fields, names []string
	for _, id := range spec.Names {
		names = append(names, id.Name)
		if f, ok := g.hoistedField(id); ok {
			fields = append(fields, g.recv+"."+f)
		} else if id.Name == "_" {
			fields = append(fields, "_")
		}
	}
	if len(fields) == len(names) {
		return strings.Join(fields, ", ") + " = " + v
	}
	if len(fields) == 0 {
		return fmt.Sprintf("var %s %s = %s", strings.Join(names, ", "), g.text(spec.Type), v)
	}
	panic("var declaration mixing fields and locals")
}

// pureLvalue reports whether evaluating the address of e has no effect
// that the order of evaluation could show: it calls nothing and receives
// nothing.
func pureLvalue(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return true
	case *ast.ParenExpr:
		return pureLvalue(e.X)
	case *ast.SelectorExpr:
		return pureLvalue(e.X)
	case *ast.StarExpr:
		return pureLvalue(e.X)
	case *ast.IndexExpr:
		return pureLvalue(e.X) && pureExpr(e.Index)
	}
	return false
}

func pureExpr(e ast.Expr) bool {
	pure := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr, *ast.FuncLit:
			pure = false
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				pure = false
			}
		}
		return pure
	})
	return pure
}

// returnValues is the code of a return statement with the values given
// (one call that returns several when multi).
func (g *gen) returnValues(vals []string, multi bool) string {
	fin := "return " + g.recv + ".finish()"
	if !g.direct {
		if len(vals) == 0 {
			return fin
		}
		refs := g.resultRefs()
		if !multi && len(vals) == len(refs) {
			// return res, nil with res a named result: no res = res (vet
			// reports self-assignments).
			var l, r []string
			for i := range refs {
				if strings.TrimSpace(vals[i]) != refs[i] {
					l, r = append(l, refs[i]), append(r, vals[i])
				}
			}
			if len(l) == 0 {
				return fin
			}
			refs, vals = l, r
		}
		return strings.Join(refs, ", ") + " = " + strings.Join(vals, ", ") + "\n" + fin
	}
	var b strings.Builder
	if multi && len(g.results) > 1 {
		var tmps []string
		for range g.results {
			tmps = append(tmps, g.fresh("tmp"))
		}
		fmt.Fprintf(&b, "%s := %s\n", strings.Join(tmps, ", "), vals[0])
		vals = tmps
	}
	A := g.imp.name(g.asyncPkg())
	if len(g.results) == 1 {
		fmt.Fprintf(&b, "return %s.Done[%s](&%s.state, %s)", A, g.rtype, g.recv, vals[0])
	} else {
		fmt.Fprintf(&b, "return %s.Done(&%s.state, %s{Value: %s, Err: %s})", A, g.recv, g.rtype, vals[0], vals[1])
	}
	return b.String()
}

func (g *gen) resultRefs() []string {
	var out []string
	for _, f := range g.resultFields {
		out = append(out, g.recv+"."+f)
	}
	return out
}

// notCond returns the negation of a condition e: !e, !(e), or, when e is
// itself a negation !x, just x (so the generated code does not read
// !(!x), which linters flag).
func (g *gen) notCond(e ast.Expr) string {
	if u, ok := ast.Unparen(e).(*ast.UnaryExpr); ok && u.Op == token.NOT {
		return g.text(u.X)
	}
	t := g.text(e)
	if _, ok := g.subst[e]; ok {
		return "!" + t // a field
	}
	switch ast.Unparen(e).(type) {
	case *ast.Ident, *ast.CallExpr, *ast.SelectorExpr, *ast.IndexExpr:
		return "!" + t
	}
	return "!(" + t + ")"
}

func (g *gen) ifStmt(s *ast.IfStmt) {
	if s.Init != nil {
		g.stmt(s.Init)
	}
	if g.containsAwait(s.Cond) && !g.operandAwaits(s.Cond) {
		return
	}
	after := g.newState(s.End(), "after the if at "+g.where(s.Pos()))
	target := after
	var elseSt *state
	if s.Else != nil {
		elseSt = g.newState(s.Else.Pos(), "else of "+g.line(s.Pos()))
		target = elseSt
	}
	g.emit(fmt.Sprintf("if %s {\n%s\n}", g.notCond(s.Cond), g.jumpText(target)))
	g.stmts(s.Body.List, true)
	g.jump(after)
	if elseSt != nil {
		g.start(elseSt)
		if b, ok := s.Else.(*ast.BlockStmt); ok {
			g.stmts(b.List, true)
		} else {
			g.stmt(s.Else)
		}
		g.jump(after)
	}
	g.start(after)
}

// renewBoxed gives the next iteration of a for loop its own copies of the
// boxed variables its init statement declared, as Go 1.22 does before the
// post statement.
func (g *gen) renewBoxed(init ast.Stmt) {
	as, ok := init.(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE {
		return
	}
	for _, l := range as.Lhs {
		id := l.(*ast.Ident)
		if !g.isBoxed(id) || g.info.Defs[id] == nil {
			continue
		}
		f, _ := g.hoistedField(id)
		t := g.fresh("prev")
		g.emit(fmt.Sprintf("%s := *%s.%s\n%s.%s = new(%s)\n*%s.%s = %s", t, g.recv, f, g.recv, f, g.typ(g.info.Defs[id].Type()), g.recv, f, t))
	}
}

func (g *gen) initBoxed(init ast.Stmt) bool {
	as, ok := init.(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE {
		return false
	}
	for _, l := range as.Lhs {
		if g.isBoxed(l.(*ast.Ident)) {
			return true
		}
	}
	return false
}

func (g *gen) emitIf(code string) {
	if code != "" {
		g.emit(code)
	}
}

func (g *gen) pushTarget(t target) { g.targets = append(g.targets, t) }
func (g *gen) popTarget()          { g.targets = g.targets[:len(g.targets)-1] }

func (g *gen) forStmt(s *ast.ForStmt, lbl *types.Label) {
	if s.Init != nil {
		g.stmt(s.Init)
	}
	cond := g.newState(s.Pos(), "loop: "+g.line(s.Pos()))
	after := g.newState(s.End(), "after the loop at "+g.where(s.Pos()))
	cont := cond
	var post *state
	if s.Post != nil {
		post = g.newState(s.Post.Pos(), "loop post statement: "+g.source(s.Post))
		cont = post
	} else if g.initBoxed(s.Init) {
		post = g.newState(s.Pos(), "next iteration of "+g.line(s.Pos()))
		cont = post
	}
	g.start(cond)
	if s.Cond != nil {
		// An await in the condition runs at every iteration: its states
		// are part of the loop.
		if g.containsAwait(s.Cond) && !g.operandAwaits(s.Cond) {
			return
		}
		g.emit(fmt.Sprintf("if %s {\n%s\n}", g.notCond(s.Cond), g.jumpText(after)))
	}
	g.pushTarget(target{label: lbl, brk: after, cont: cont})
	g.stmts(s.Body.List, true)
	g.popTarget()
	g.jump(cont)
	if post != nil {
		g.start(post)
		g.renewBoxed(s.Init)
		if s.Post != nil {
			g.stmt(s.Post)
		}
		g.jump(cond)
	}
	g.start(after)
}

func (g *gen) rangeStmt(s *ast.RangeStmt, lbl *types.Label) {
	if g.containsAwait(s.X) && !g.operandAwaits(s.X) {
		return
	}
	xt := g.info.TypeOf(s.X)
	if b, ok := xt.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		xt = types.Default(xt)
	}
	var kind string
	var arrayLen int64
	switch u := xt.Underlying().(type) {
	case *types.Slice:
		kind = "slice"
	case *types.Array:
		kind, arrayLen = "array", u.Len()
	case *types.Pointer:
		if a, ok := u.Elem().Underlying().(*types.Array); ok {
			kind, arrayLen = "array", a.Len()
		}
	case *types.Basic:
		switch {
		case u.Info()&types.IsString != 0:
			kind = "string"
		case u.Info()&types.IsInteger != 0:
			kind = "int"
		}
	case *types.Map:
		if mayBeNaN(u.Key()) {
			g.errorf(s.Pos(), "range over a map whose keys may be NaN, with an await in the loop body, is not supported: a NaN key cannot be looked up again after the suspension; range over a slice of the entries")
			return
		}
		kind = "map"
	}
	if kind == "" {
		g.errorf(s.Pos(), "range over %s with an await in the loop body is not supported: only slices, arrays, strings and integers are", xt)
		return
	}
	hasValue := s.Value != nil && !isBlank(s.Value)
	var rng string
	switch {
	case kind == "array" && !hasValue:
		// Only the length is needed, and it is a constant; Go evaluates
		// the expression only when it calls or receives.
		if !pureExpr(s.X) {
			g.emit("_ = " + g.text(s.X))
		}
	default:
		rng = g.field("ranged", g.typ(xt), gLoop)
		g.emit(fmt.Sprintf("%s.%s = %s", g.recv, rng, g.text(s.X)))
	}
	var it types.Type = types.Typ[types.Int]
	if kind == "int" {
		it = xt
	}
	var keys string
	if kind == "map" {
		// The loop may suspend: it walks a snapshot of the keys (in Go's
		// iteration order) and looks each value up when it gets there,
		// skipping the keys deleted since. Go's rules allow this: an entry
		// removed before it is reached is not produced, one added during
		// the loop may or may not be (here: not).
		kt := xt.Underlying().(*types.Map).Key()
		keys = g.field("keys", "[]"+g.typ(kt), gLoop)
		k := g.fresh("k")
		g.emit(fmt.Sprintf("%s.%s = make([]%s, 0, len(%s.%s))\nfor %s := range %s.%s {\n%s.%s = append(%s.%s, %s)\n}",
			g.recv, keys, g.typ(kt), g.recv, rng, k, g.recv, rng, g.recv, keys, g.recv, keys, k))
	}
	idx := g.field("index", g.typ(it), gLoop)
	g.emit(fmt.Sprintf("%s.%s = 0", g.recv, idx))
	var next string
	if kind == "string" {
		next = g.field("next", "int", gLoop)
	}
	R, I := g.recv+"."+rng, g.recv+"."+idx
	cond := g.newState(s.Pos(), "loop: "+g.line(s.Pos()))
	after := g.newState(s.End(), "after the loop at "+g.where(s.Pos()))
	post := g.newState(s.Pos(), "next iteration of "+g.line(s.Pos()))
	g.start(cond)
	var bound, value string
	switch kind {
	case "slice":
		bound, value = "len("+R+")", R+"["+I+"]"
	case "array":
		bound = strconv.FormatInt(arrayLen, 10)
		value = R + "[" + I + "]"
	case "string":
		bound = "len(" + R + ")"
	case "int":
		bound = R
	case "map":
		bound = "len(" + g.recv + "." + keys + ")"
	}
	g.emit(fmt.Sprintf("if %s >= %s {\n%s\n}", I, bound, g.jumpText(after)))
	var key = I
	if kind == "map" {
		k, v, ok := g.fresh("k"), g.fresh("v"), g.fresh("ok")
		if !hasValue {
			v = "_"
		}
		g.emit(fmt.Sprintf("%s := %s.%s[%s]\n%s, %s := %s[%s]\nif !%s {\n%s++\n%s\n}",
			k, g.recv, keys, I, v, ok, R, k, ok, I, g.jumpText(cond)))
		key, value = k, v
	}
	if kind == "string" {
		rv, rw := g.fresh("r"), g.fresh("w")
		if !hasValue {
			rv = "_"
		}
		g.emit(fmt.Sprintf("%s, %s := %s.DecodeRuneInString(%s[%s:])\n%s.%s = %s + %s",
			rv, rw, g.imp.name(types.NewPackage("unicode/utf8", "utf8")), R, I, g.recv, next, I, rw))
		value = rv
	}
	var lhs, rhs []string
	add := func(e ast.Expr, v string) bool {
		if e == nil || isBlank(e) {
			return true
		}
		if s.Tok == token.DEFINE {
			g.emitIf(g.allocs([]ast.Expr{e}))
			lhs = append(lhs, g.lhsOf(e.(*ast.Ident)))
		} else {
			if !pureLvalue(e) {
				g.errorf(e.Pos(), "range assigning to an expression with calls is not supported when the loop awaits: range into variables")
				return false
			}
			lhs = append(lhs, g.text(e))
		}
		rhs = append(rhs, v)
		return true
	}
	if !add(s.Key, key) || !add(s.Value, value) {
		return
	}
	if len(lhs) > 0 {
		g.emit(strings.Join(lhs, ", ") + " = " + strings.Join(rhs, ", "))
	}
	g.pushTarget(target{label: lbl, brk: after, cont: post})
	g.stmts(s.Body.List, true)
	g.popTarget()
	g.jump(post)
	g.start(post)
	if kind == "string" {
		g.emit(fmt.Sprintf("%s = %s.%s", I, g.recv, next))
	} else {
		g.emit(I + "++")
	}
	g.jump(cond)
	g.start(after)
	if kind == "map" {
		g.emit(fmt.Sprintf("%s.%s = nil", g.recv, keys))
	}
}

// mayBeNaN reports whether a value of type t can be unequal to itself.
func mayBeNaN(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&(types.IsFloat|types.IsComplex) != 0
	case *types.Interface:
		return true
	case *types.Array:
		return mayBeNaN(u.Elem())
	case *types.Struct:
		for i := range u.NumFields() {
			if mayBeNaN(u.Field(i).Type()) {
				return true
			}
		}
	}
	return false
}

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}

func (g *gen) switchStmt(s *ast.SwitchStmt, lbl *types.Label) {
	if s.Init != nil {
		g.stmt(s.Init)
	}
	if s.Tag != nil && g.containsAwait(s.Tag) && !g.operandAwaits(s.Tag) {
		return
	}
	for _, c := range s.Body.List {
		for _, e := range c.(*ast.CaseClause).List {
			if g.containsAwait(e) {
				g.switchChain(s, lbl)
				return
			}
		}
	}
	var b strings.Builder
	b.WriteString("switch ")
	if s.Tag != nil {
		b.WriteString(g.text(s.Tag))
		b.WriteByte(' ')
	}
	b.WriteString("{\n")
	after := g.newState(s.End(), "after the switch at "+g.where(s.Pos()))
	var sts []*state
	hasDefault := false
	for _, c := range s.Body.List {
		cc := c.(*ast.CaseClause)
		for _, e := range cc.List {
			if g.containsAwait(e) {
				g.refuse(e)
				return
			}
		}
		st := g.newState(cc.Pos(), g.line(cc.Pos()))
		sts = append(sts, st)
		if cc.List == nil {
			hasDefault = true
		}
		b.WriteString(g.caseLabel(cc.List))
		b.WriteString(g.jumpText(st) + "\n")
	}
	b.WriteString("}")
	g.emit(b.String())
	if hasDefault {
		g.cur = nil
	} else {
		g.jump(after)
	}
	g.clauses(s.Body.List, sts, after, lbl)
	g.start(after)
}

// switchChain lowers a switch with an await in a case expression: the tag
// is evaluated once into a field, then the case expressions are compared
// with it in Go's order (top to bottom, left to right, default last),
// each awaiting as it needs.
func (g *gen) switchChain(s *ast.SwitchStmt, lbl *types.Label) {
	tag := "true"
	if s.Tag != nil {
		t := g.info.TypeOf(s.Tag)
		if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
			t = types.Default(t)
		}
		if !g.nameable(t) {
			g.errorf(s.Tag.Pos(), "the switch tag's type cannot be named in the generated file: assign the tag to a variable first")
			return
		}
		f := g.field("tag", g.typ(t), gTmp)
		g.emit(fmt.Sprintf("%s.%s = %s", g.recv, f, g.text(s.Tag)))
		tag = g.recv + "." + f
	}
	after := g.newState(s.End(), "after the switch at "+g.where(s.Pos()))
	var sts []*state
	var def *state
	for _, c := range s.Body.List {
		cc := c.(*ast.CaseClause)
		st := g.newState(cc.Pos(), g.line(cc.Pos()))
		sts = append(sts, st)
		if cc.List == nil {
			def = st
		}
	}
	for i, c := range s.Body.List {
		for _, e := range c.(*ast.CaseClause).List {
			if g.containsAwait(e) && !g.operandAwaits(e) {
				return
			}
			cond := "(" + g.text(e) + ")"
			if s.Tag != nil {
				cond = tag + " == " + cond
			}
			g.emit(fmt.Sprintf("if %s {\n%s\n}", cond, g.jumpText(sts[i])))
		}
	}
	if def != nil {
		g.jump(def)
	} else {
		g.jump(after)
	}
	g.clauses(s.Body.List, sts, after, lbl)
	g.start(after)
}

// clauses lowers the bodies of a switch's clauses, each a state; a
// fallthrough jumps to the next one.
func (g *gen) clauses(list []ast.Stmt, sts []*state, after *state, lbl *types.Label) {
	g.pushTarget(target{label: lbl, brk: after})
	for i, c := range list {
		body := c.(*ast.CaseClause).Body
		g.start(sts[i])
		ft := false
		if n := len(body); n > 0 {
			if br, ok := body[n-1].(*ast.BranchStmt); ok && br.Tok == token.FALLTHROUGH {
				body, ft = body[:n-1], true
			}
		}
		g.stmts(body, true)
		if ft {
			g.jump(sts[i+1])
		} else {
			g.jump(after)
		}
	}
	g.popTarget()
}

func (g *gen) typeSwitchStmt(s *ast.TypeSwitchStmt, lbl *types.Label) {
	if s.Init != nil {
		g.stmt(s.Init)
	}
	var x ast.Expr
	bind := ""
	switch a := s.Assign.(type) {
	case *ast.AssignStmt:
		bind = a.Lhs[0].(*ast.Ident).Name
		x = a.Rhs[0].(*ast.TypeAssertExpr).X
	case *ast.ExprStmt:
		x = a.X.(*ast.TypeAssertExpr).X
	}
	if g.containsAwait(x) {
		g.refuse(x)
		return
	}
	var b strings.Builder
	if bind != "" {
		fmt.Fprintf(&b, "switch %s := %s.(type) {\n", bind, g.text(x))
	} else {
		fmt.Fprintf(&b, "switch %s.(type) {\n", g.text(x))
	}
	after := g.newState(s.End(), "after the switch at "+g.where(s.Pos()))
	var sts []*state
	hasDefault := false
	for _, c := range s.Body.List {
		cc := c.(*ast.CaseClause)
		st := g.newState(cc.Pos(), g.line(cc.Pos()))
		sts = append(sts, st)
		if cc.List == nil {
			hasDefault = true
		}
		b.WriteString(g.caseLabel(cc.List))
		if bind != "" {
			v, _ := g.info.Implicits[cc].(*types.Var)
			f, ok := g.hoisted[v]
			if !ok {
				panic("spindle-async: type switch variable is not a field")
			}
			fmt.Fprintf(&b, "%s.%s = %s\n", g.recv, f, bind)
		}
		b.WriteString(g.jumpText(st) + "\n")
	}
	b.WriteString("}")
	g.emit(b.String())
	if hasDefault {
		g.cur = nil
	} else {
		g.jump(after)
	}
	g.clauses(s.Body.List, sts, after, lbl)
	g.start(after)
}

// caseLabel is the label of a case clause whose expressions are list:
// "default:" for none, else "case e1, e2:", each expression rewritten.
func (g *gen) caseLabel(list []ast.Expr) string {
	if list == nil {
		return "default:\n"
	}
	es := make([]string, len(list))
	for i, e := range list {
		es[i] = g.text(e)
	}
	return "case " + strings.Join(es, ", ") + ":\n"
}
