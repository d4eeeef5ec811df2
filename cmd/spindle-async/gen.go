package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/token"
	"go/types"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/tools/go/packages"
)

// gen compiles one async function.
type gen struct {
	pkg   *packages.Package
	info  *types.Info
	fset  *token.FileSet
	src   []byte
	base  string // the source file's name, for the comments
	decl  *ast.FuncDecl
	name  string // the constructor
	tname string // the state type
	errs  *errorList
	imp   *importSet

	awaiter  *types.Var
	body     *ast.BlockStmt
	awaits   []token.Pos // suspension points outside function literals, sorted
	forced   []*types.Var
	hoisted  map[*types.Var]string
	reported map[*types.Var]bool

	fields     []fieldDecl
	fieldNames map[string]bool
	bodyNames  map[string]bool
	params     []string // constructor parameters, as declared
	recvDecl   string   // "(c *Conn) " when the constructor is a method
	tparamDecl string   // "[T any]" for a generic function
	tparamUse  string   // "[T]"
	tparams    map[*types.TypeParam]bool
	paramInit  []string // field: name pairs of the composite literal

	// Names the generated code declares inside Poll, chosen not to clash
	// with any identifier of the body.
	recv, cx, pc, loop, pv, okv string

	results      []*types.Var
	resultFields []string
	rtype        string // the type of the future's value
	valueExpr    string // the Ready value, from the result fields
	direct       bool   // results are not fields: return makes Ready at once
	escapes      map[*types.Var]bool
	subst        map[ast.Node]string   // expressions already evaluated into fields
	boxed        map[*types.Var]bool   // per-iteration variables behind a pointer
	boxAlias     map[*types.Var]string // inside a closure: its own copy of the pointer
	inBoxLit     map[*ast.FuncLit]bool

	all      []*state // creation order
	started  []*state // case order
	cur      *state   // where code goes; nil after a jump
	targets  []target
	defers   []*deferSite
	awaitFs  []*awaitField
	directFs []*awaitField // the variables awaited in place, once each
	adopts   bool          // some await adopts its future when the state is adopted
	suspends []suspend

	tmpFree    map[string][]string // temporaries free for reuse, by type
	tmpBusy    [][2]string         // temporaries of the statement being lowered: type, name
	condFields map[string]bool     // the fields holding a && or || that awaits

	deferCount int
	loopDefers map[*ast.DeferStmt]bool
	orderMode  bool // a defer statement is in a loop: pending calls are listed in order
}

type fieldDecl struct {
	name, typ string
	group     int
}

// The groups of fields of a state, in the order the struct lists them.
const (
	gParam = iota
	gResult
	gLocal
	gAwait
	gLoop
	gTmp
	gDefer
)

var groupComments = [...]string{
	gParam:  "parameters",
	gResult: "results",
	gLocal:  "variables that live across an await",
	gAwait:  "futures in flight",
	gLoop:   "range loops in progress",
	gTmp:    "values computed before an await in the same statement",
	gDefer:  "deferred calls and their arguments",
}

// state is one case of the Poll switch.
type state struct {
	idx     int // in gen.all
	id      int // the case value, once started
	comment string
	code    bytes.Buffer
	next    *state // the state it jumps to at its end, if any
	started bool
}

// target is a statement that break and continue can leave.
type target struct {
	label *types.Label
	brk   *state
	cont  *state // nil for a switch
}

// awaitField holds the futures in flight of one type.
type awaitField struct {
	name   string
	t      types.Type
	zero   string
	direct bool // the field of the variable awaited: polled in place, not cleared
}

// suspend is a state where Poll can return Pending, and what Cancel
// cancels there.
type suspend struct {
	st     *state
	field  *awaitField // nil for Yield
	cancel string      // the statement that cancels the future in flight
}

type deferSite struct {
	bit   int
	call  string // the deferred call, on fields (or on \x01, an element of slice)
	slice string // for a defer statement in a loop: its calls
}

func (g *gen) errorf(pos token.Pos, format string, args ...any) {
	g.errs.addf(g.fset, pos, format, args...)
}

// field declares a field with a name derived from want, unique in the
// struct.
func (g *gen) field(want, typ string, group int) string {
	name := want
	for i := 1; g.fieldNames[name] || token.IsKeyword(name); i++ {
		name = want + strconv.Itoa(i)
	}
	g.fieldNames[name] = true
	g.fields = append(g.fields, fieldDecl{name, typ, group})
	return name
}

// fresh returns a name that is no identifier of the body.
func (g *gen) fresh(want string) string {
	name := want
	for i := 1; g.bodyNames[name]; i++ {
		name = want + strconv.Itoa(i)
	}
	g.bodyNames[name] = true
	return name
}

func (g *gen) typ(t types.Type) string {
	return types.TypeString(t, g.imp.qualifier)
}

// zero is the zero value of t as an expression.
func (g *gen) zero(t types.Type) string {
	if _, ok := t.(*types.TypeParam); ok {
		return "*new(" + g.typ(t) + ")"
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			return "false"
		case u.Info()&types.IsString != 0:
			return `""`
		case u.Kind() == types.UnsafePointer:
			return "nil"
		default:
			return "0"
		}
	case *types.Struct, *types.Array:
		return g.typ(t) + "{}"
	}
	return "nil"
}

// importSet is the imports of the generated file: those of the source
// file under the same names, plus what the types printed need.
type importSet struct {
	byPath  map[string]string
	pkgName map[string]string
	used    map[string]bool
	taken   map[string]bool // names that a new import must not take
	self    *types.Package
}

func (s *importSet) qualifier(p *types.Package) string {
	if p == s.self {
		return ""
	}
	return s.name(p)
}

func (s *importSet) name(p *types.Package) string {
	n, ok := s.byPath[p.Path()]
	if !ok {
		n = p.Name()
		for i := 1; s.taken[n]; i++ {
			n = p.Name() + strconv.Itoa(i)
		}
		s.taken[n] = true
		s.byPath[p.Path()] = n
	}
	s.pkgName[p.Path()] = p.Name()
	s.used[p.Path()] = true
	return n
}

// generateFile returns the generated file for the async functions of f.
func generateFile(p *packages.Package, f *ast.File, path string, dirs []directive, errs *errorList) []byte {
	imp := &importSet{byPath: map[string]string{}, pkgName: map[string]string{}, used: map[string]bool{}, taken: map[string]bool{}, self: p.Types}
	for _, name := range p.Types.Scope().Names() {
		imp.taken[name] = true
	}
	for _, spec := range f.Imports {
		pn := p.TypesInfo.PkgNameOf(spec)
		if pn == nil {
			continue
		}
		switch pn.Name() {
		case ".":
			if len(dirs) > 0 {
				errs.addf(p.Fset, spec.Pos(), "dot imports are not supported in a file with async functions: name the import")
			}
			continue
		case "_":
			continue
		}
		imp.byPath[pn.Imported().Path()] = pn.Name()
		imp.pkgName[pn.Imported().Path()] = pn.Imported().Name()
		imp.taken[pn.Name()] = true
	}
	src, err := sourceOf(p.Fset, f)
	if err != nil {
		errs.add("", err.Error())
		return nil
	}
	var decls bytes.Buffer
	names := map[string]bool{}
	before := errs.len()
	for _, d := range dirs {
		g := &gen{
			pkg: p, info: p.TypesInfo, fset: p.Fset, src: src, base: filepath.Base(path),
			decl: d.decl, name: d.name, errs: errs, imp: imp,
			hoisted: map[*types.Var]string{}, reported: map[*types.Var]bool{}, escapes: map[*types.Var]bool{}, subst: map[ast.Node]string{}, boxed: map[*types.Var]bool{}, boxAlias: map[*types.Var]string{}, inBoxLit: map[*ast.FuncLit]bool{}, loopDefers: map[*ast.DeferStmt]bool{},
			tmpFree: map[string][]string{}, condFields: map[string]bool{},
			fieldNames: map[string]bool{}, bodyNames: map[string]bool{},
		}
		g.tname = lowerFirst(d.name) + "Future"
		check := []string{d.name, g.tname}
		if d.decl.Recv != nil {
			// A method's state is named after its type too: two types may
			// have async methods of the same name.
			base := recvBase(d.decl.Recv.List[0].Type)
			g.tname = lowerFirst(base) + upperFirst(d.name) + "Future"
			check = []string{g.tname}
			if fn, ok := p.TypesInfo.Defs[d.decl.Name].(*types.Func); ok {
				recv := fn.Type().(*types.Signature).Recv().Type()
				if obj, _, _ := types.LookupFieldOrMethod(recv, true, p.Types, d.name); obj != nil && !inGenerated(p, obj) {
					errs.addf(p.Fset, d.decl.Pos(), "//spindle:async: %s already has a field or method %s: choose another name", base, d.name)
				}
			}
		}
		for _, n := range check {
			if names[n] || p.Types.Scope().Lookup(n) != nil && !generatedObj(p, n) {
				errs.addf(p.Fset, d.decl.Pos(), "//spindle:async: %s is already declared in package %s: choose another name", n, p.Name)
			}
			names[n] = true
		}
		if out := g.run(); out != "" {
			decls.WriteString(out)
		}
	}
	if errs.len() > before {
		return nil
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s from %s. DO NOT EDIT.\n\n", headerPrefix, filepath.Base(path))
	if c := buildLines(f); c != "" {
		b.WriteString(c + "\n")
	}
	fmt.Fprintf(&b, "package %s\n\n", p.Name)
	var paths []string
	for path := range imp.used {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	b.WriteString("import (\n")
	for _, path := range paths {
		name := imp.byPath[path]
		if name == imp.pkgName[path] {
			fmt.Fprintf(&b, "\t%q\n", path)
		} else {
			fmt.Fprintf(&b, "\t%s %q\n", name, path)
		}
	}
	b.WriteString(")\n")
	b.Write(decls.Bytes())
	out, err := format.Source(b.Bytes())
	if err != nil {
		errs.add("", fmt.Sprintf("internal error: spindle-async produced code that does not parse (%v); please report it with the source:\n%s", err, b.Bytes()))
		return nil
	}
	return out
}

// recvBase is the name of a receiver's type: T for T, *T, T[X].
func recvBase(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return "recv"
		}
	}
}

func inGenerated(p *packages.Package, obj types.Object) bool {
	f := p.Fset.File(obj.Pos())
	return f != nil && strings.Contains(filepath.Base(f.Name()), "_async")
}

// generatedObj reports whether the package-level object name is declared
// in a file spindle-async wrote (the stub of the typed load).
func generatedObj(p *packages.Package, name string) bool {
	obj := p.Types.Scope().Lookup(name)
	return inGenerated(p, obj)
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// sourceOf returns the bytes f was parsed from.
func sourceOf(fset *token.FileSet, f *ast.File) ([]byte, error) {
	tf := fset.File(f.Pos())
	return readFile(tf.Name())
}
