package main

import (
	"fmt"
	"go/types"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// render writes the constructor, the state type and its methods.
func (g *gen) render() string {
	F := g.imp.name(g.futurePkg())
	A := g.imp.name(g.asyncPkg())
	s := g.recv
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	w("\n// %s returns the future of [%s], compiled by spindle-async into a\n", g.name, g.decl.Name.Name)
	w("// state machine: it runs the body when polled, with no goroutine.\n")
	w("func %s%s%s(%s) %s.Future[%s] {\n\treturn &%s%s{%s}\n}\n\n", g.recvDecl, g.name, g.tparamDecl, strings.Join(g.params, ", "), F, g.rtype, g.tname, g.tparamUse, strings.Join(g.paramInit, ", "))
	// The body is the source of the constructor and still runs as it is on
	// async.New, but no code need call it: say so, for linters.
	w("// %s is the source %s is compiled from; it also runs as it is on\n// async.New.\n", g.decl.Name.Name, g.name)
	switch {
	case g.decl.Recv != nil:
		w("var _ = (%s).%s\n\n", g.typ(g.info.Defs[g.decl.Name].(*types.Func).Type().(*types.Signature).Recv().Type()), g.decl.Name.Name)
	case g.tparamDecl != "":
		w("func _%s() { _ = %s%s }\n\n", g.tparamDecl, g.decl.Name.Name, g.tparamUse)
	default:
		w("var _ = %s\n\n", g.decl.Name.Name)
	}

	w("// %s is the state of %s between two polls: the parameters, the\n", g.tname, g.name)
	w("// variables that live across an await, the future in flight and the\n")
	w("// deferred calls pending.\n")
	w("type %s%s struct {\n", g.tname, g.tparamDecl)
	w("\tstate int // the case Poll resumes at; < 0 once finished (see async.StateDone)\n")
	if g.adopts {
		w("\tadopted bool // the owner cancels this future whenever it drops it: so is each await\n")
	}
	fields := slices.Clone(g.fields)
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].group < fields[j].group })
	for i, f := range fields {
		if i == 0 || f.group != fields[i-1].group {
			w("\n\t// %s\n", groupComments[f.group])
		}
		w("\t%s %s\n", f.name, f.typ)
	}
	if len(g.defers) > 0 && g.orderMode {
		w("\tdeferOrder []int // the defer statements that ran, in order; their calls are pending\n")
	} else if len(g.defers) > 0 {
		w("\tdeferred uint64 // bit i: the defer statement i ran and its call is pending\n")
	}
	w("}\n\n")

	// What cancelAwaits cancels: every future that can be in flight when a
	// poll panics, found by its nil test.
	var cancels []string
	for _, f := range append(slices.Clone(g.awaitFs), g.directFs...) {
		c := g.cancelText(f)
		if c == "" || !nilable(f.t) {
			continue
		}
		if f.direct {
			cancels = append(cancels, fmt.Sprintf("\tif %s.%s != nil {\n\t\t%s\n\t}\n", s, f.name, c))
		} else {
			cancels = append(cancels, fmt.Sprintf("\tif %s.%s != nil {\n\t\t%s\n\t\t%s.%s = nil\n\t}\n", s, f.name, c, s, f.name))
		}
	}

	// Poll.
	r := g.fresh("r")
	w("// Poll runs the body from where it stopped to its next await of a pending\n// future, or to its end.\n")
	if len(g.defers) > 0 {
		w("func (%s *%s%s) Poll(%s *%s.Context) (%s %s.Poll[%s]) {\n", s, g.tname, g.tparamUse, g.cx, F, r, F, g.rtype)
	} else {
		w("func (%s *%s%s) Poll(%s *%s.Context) %s.Poll[%s] {\n", s, g.tname, g.tparamUse, g.cx, F, F, g.rtype)
	}
	w("\t%s := %s.Enter(%s, &%s.state)\n", g.pc, A, s, s)
	if len(g.defers) > 0 {
		w("\tdefer func() {\n")
		pending := fmt.Sprintf("%s.deferred != 0", s)
		if g.orderMode {
			pending = fmt.Sprintf("len(%s.deferOrder) != 0", s)
		}
		in := "\t\t"
		if len(cancels) > 0 {
			w("\t\tif %s.state == %s.StateRunning {\n", s, A)
			w("\t\t\t// The body panicked: the future in flight is dropped first.\n")
			w("\t\t\t%s.cancelAwaits()\n", s)
			w("\t\t}\n")
			w("\t\tif %s.state == %s.StatePanicked && %s {\n", s, A, pending)
		} else {
			w("\t\tif %s.state == %s.StateRunning && %s {\n", s, A, pending)
		}
		w("%s\t// The body panicked: its deferred calls run, and may recover;\n", in)
		w("%s\t// if one does, the future is Ready with the results as they are.\n", in)
		w("%s\t%s.runDefers(%s.Recovered(recover()), true)\n", in, s, A)
		w("%s\t%s = %s.Done(&%s.state, %s)\n%s}\n\t}()\n", in, r, A, s, g.valueExpr, in)
	}
	// States with no code of their own (the join after an if whose
	// branches both jump there, say) are skipped: jumps go where they lead.
	var kept []*state
	for i, st := range g.started {
		if i > 0 && st.code.Len() == 0 && st.next != nil {
			continue
		}
		st.id = len(kept)
		kept = append(kept, st)
	}
	var cases strings.Builder
	for _, st := range kept {
		fmt.Fprintf(&cases, "\t\tcase %d: // %s\n", st.id, st.comment)
		if code := strings.TrimRight(g.resolve(st.code.String()), "\n"); code != "" {
			cases.WriteString(code)
			cases.WriteByte('\n')
		}
		if st.next != nil {
			if g.target(st.next).id == st.id+1 {
				cases.WriteString("fallthrough\n")
			} else {
				fmt.Fprintf(&cases, "%s\n", g.resolve(g.jumpText(st.next)))
			}
		}
	}
	if strings.Contains(cases.String(), "continue "+g.loop+"\n") {
		w("%s:\n", g.loop)
	}
	w("\tfor {\n\t\tswitch %s {\n%s\t\t}\n\t}\n}\n\n", g.pc, cases.String())

	// Cancel.
	w("// Cancel cancels the future in flight, if any, and runs the deferred\n")
	w("// calls that are pending. Cancel after the end, or a second Cancel, does\n// nothing.\n")
	w("func (%s *%s%s) Cancel() {\n", s, g.tname, g.tparamUse)
	byCancel := map[string][]string{}
	var keys []string
	for _, sp := range g.suspends {
		if sp.cancel == "" {
			continue
		}
		if _, ok := byCancel[sp.cancel]; !ok {
			keys = append(keys, sp.cancel)
		}
		byCancel[sp.cancel] = append(byCancel[sp.cancel], strconv.Itoa(sp.st.id))
	}
	sort.Strings(keys)
	clear := false
	for _, f := range g.awaitFs {
		clear = clear || !f.direct
	}
	switch {
	case len(keys) > 0:
		w("\t%s := %s.Cancelling(&%s.state)\n", g.pc, A, s)
		if len(cancels) > 0 {
			w("\tif %s == %s.StateRunning {\n\t\t%s.cancelAwaits() // the last poll panicked\n\t}\n", g.pc, A, s)
		}
		w("\tif %s < 0 {\n\t\treturn\n\t}\n", g.pc)
	case clear || len(g.defers) > 0:
		w("\tif %s.Cancelling(&%s.state) < 0 {\n\t\treturn\n\t}\n", A, s)
	default:
		w("\t%s.Cancelling(&%s.state)\n", A, s)
	}
	if len(keys) > 0 {
		w("\tswitch %s {\n", g.pc)
		for _, k := range keys {
			w("\tcase %s:\n\t\t%s\n", strings.Join(byCancel[k], ", "), k)
		}
		w("\t}\n")
	}
	for _, f := range g.awaitFs {
		if !f.direct {
			w("\t%s.%s = %s\n", s, f.name, f.zero)
		}
	}
	if len(g.defers) > 0 {
		w("\t%s.runDefers(nil, false)\n", s)
	}
	w("}\n\n")

	if len(cancels) > 0 {
		w("// cancelAwaits cancels the future that a poll that panicked left in\n")
		w("// flight, once: the body ends there.\n")
		w("func (%s *%s%s) cancelAwaits() {\n\t%s.state = %s.StatePanicked\n%s}\n\n", s, g.tname, g.tparamUse, s, A, strings.Join(cancels, ""))
	}
	if g.adopts {
		w("// Adopt implements future.Adopter: Cancel cancels the future in flight\n")
		w("// however the body stops before Ready, a panic included, so an adopted\n")
		w("// body adopts each future it awaits, before its first poll.\n")
		w("func (%s *%s%s) Adopt() { %s.SetAdopted(&%s.adopted, %s.state) }\n\n", s, g.tname, g.tparamUse, A, s, s)
	}

	// finish, runDefers.
	if !strings.Contains(cases.String(), "."+"finish()") && len(g.defers) == 0 {
		return b.String()
	}
	w("// finish ends the body: the deferred calls run, then the future is Ready.\n")
	w("func (%s *%s%s) finish() %s.Poll[%s] {\n", s, g.tname, g.tparamUse, F, g.rtype)
	if len(g.defers) > 0 {
		w("\t%s.runDefers(nil, false)\n", s)
	}
	w("\treturn %s.Done(&%s.state, %s)\n}\n", A, s, g.valueExpr)
	if len(g.defers) > 0 {
		d, p, panicking := g.fresh("d"), g.fresh("p"), g.fresh("panicking")
		w("\n// runDefers runs the pending deferred calls, last registered first, as\n")
		w("// deferred calls of its own, so that recover works in them; when\n")
		w("// %s, it re-raises %s under them.\n", panicking, p)
		w("func (%s *%s%s) runDefers(%s any, %s bool) {\n", s, g.tname, g.tparamUse, p, panicking)
		if g.orderMode {
			k, e := g.fresh("k"), g.fresh("e")
			w("\t%s := %s.deferOrder\n\t%s.deferOrder = nil\n", d, s, s)
			w("\tfor _, %s := range %s {\n\t\tswitch %s {\n", k, d, k)
			for _, ds := range g.defers {
				w("\t\tcase %d:\n", ds.bit)
				if ds.slice != "" {
					w("\t\t\t%s := %s[0]\n\t\t\t%s = %s[1:]\n", e, ds.slice, ds.slice, ds.slice)
					w("\t\t\tdefer %s\n", strings.ReplaceAll(ds.call, "\x01", e))
				} else {
					w("\t\t\tdefer %s\n", ds.call)
				}
			}
			w("\t\t}\n\t}\n")
		} else {
			w("\t%s := %s.deferred\n\t%s.deferred = 0\n", d, s, s)
			for _, ds := range g.defers {
				w("\tif %s&(1<<%d) != 0 {\n\t\tdefer %s\n\t}\n", d, ds.bit, ds.call)
			}
		}
		w("\tif %s {\n\t\tpanic(%s)\n\t}\n}\n", panicking, p)
	}
	return b.String()
}

// target is where a jump to st goes once empty states are skipped.
func (g *gen) target(st *state) *state {
	for range len(g.all) {
		if st.code.Len() > 0 || st.next == nil || st == g.started[0] {
			break
		}
		st = st.next
	}
	return st
}

// resolve replaces the state references in code by case numbers.
func (g *gen) resolve(code string) string {
	parts := strings.Split(code, "\x00")
	for i := 1; i < len(parts); i += 2 {
		idx, _ := strconv.Atoi(parts[i])
		st := g.all[idx]
		if !st.started {
			panic("spindle-async: jump to a state that was never started")
		}
		parts[i] = strconv.Itoa(g.target(st).id)
	}
	return strings.Join(parts, "")
}
