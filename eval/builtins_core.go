package eval

import (
	"context"
	"strings"
	"time"
)

// The core family: assignment, scoping, control flow, the session (In, Out, Quit), printing
// and evaluation control.
var coreBuiltins = []*Builtin{
	{Name: "Set", Usage: "lhs = rhs evaluates rhs and assigns it to lhs.", Attrs: HoldFirst | SequenceHold, Min: 2, Max: 2, Fn: fnSet},
	{Name: "SetDelayed", Usage: "lhs := rhs assigns rhs, unevaluated, to be evaluated each time lhs is used.", Attrs: HoldAll | SequenceHold, Min: 2, Max: 2, Fn: fnSetDelayed},
	{Name: "Unset", Usage: "x =. removes the value of x.", Attrs: HoldFirst, Min: 1, Max: 1, Fn: fnUnset},
	{Name: "Clear", Usage: "Clear[x, y, …] removes the values and definitions of the symbols.", Attrs: HoldAll, Min: 0, Max: -1, Fn: fnClear},
	{Name: "ClearAll", Usage: "ClearAll[x, …] removes values, definitions and attributes.", Attrs: HoldAll, Min: 0, Max: -1, Fn: fnClear},
	{Name: "Increment", Usage: "x++ increases x by 1 and returns the old value.", Attrs: HoldFirst, Min: 1, Max: 1, Fn: stepFn("Increment", 1, true)},
	{Name: "Decrement", Usage: "x-- decreases x by 1 and returns the old value.", Attrs: HoldFirst, Min: 1, Max: 1, Fn: stepFn("Decrement", -1, true)},
	{Name: "PreIncrement", Usage: "++x increases x by 1 and returns the new value.", Attrs: HoldFirst, Min: 1, Max: 1, Fn: stepFn("PreIncrement", 1, false)},
	{Name: "PreDecrement", Usage: "--x decreases x by 1 and returns the new value.", Attrs: HoldFirst, Min: 1, Max: 1, Fn: stepFn("PreDecrement", -1, false)},
	{Name: "AddTo", Usage: "x += d adds d to x and returns the new value.", Attrs: HoldFirst, Min: 2, Max: 2, Fn: fnAddTo},
	{Name: "SubtractFrom", Usage: "x -= d subtracts d from x and returns the new value.", Attrs: HoldFirst, Min: 2, Max: 2, Fn: fnSubtractFrom},
	{Name: "TimesBy", Usage: "x *= c multiplies x by c and returns the new value.", Attrs: HoldFirst, Min: 2, Max: 2, Fn: fnTimesBy},
	{Name: "DivideBy", Usage: "x /= c divides x by c and returns the new value.", Attrs: HoldFirst, Min: 2, Max: 2, Fn: fnDivideBy},
	{Name: "CompoundExpression", Usage: "a; b; c evaluates each in turn and gives the last.", Attrs: HoldAll, Min: 0, Max: -1, Fn: fnCompound},
	{Name: "Module", Usage: "Module[{x, y = v, …}, body] evaluates body with x, y local (fresh symbols).", Attrs: HoldAll, Min: 2, Max: 2, Fn: fnModule},
	{Name: "Block", Usage: "Block[{x, y = v, …}, body] evaluates body with the global x, y given temporary values.", Attrs: HoldAll, Min: 2, Max: 2, Fn: fnBlock},
	{Name: "With", Usage: "With[{x = v, …}, body] evaluates body with the values put in place of x, ….", Attrs: HoldAll, Min: 2, Max: 2, Fn: fnWith},
	{Name: "If", Usage: "If[cond, t, f] gives t if cond is True and f if it is False.\nIf[cond, t, f, u] gives u if cond is neither.", Attrs: HoldRest, Transient: true, Min: 2, Max: 4, Fn: fnIf},
	{Name: "Which", Usage: "Which[c1, v1, c2, v2, …] gives the v of the first c that is True.", Attrs: HoldAll, Min: 0, Max: -1, Fn: fnWhich},
	{Name: "Switch", Usage: "Switch[e, p1, v1, p2, v2, …] gives the v of the first pattern p that e matches.", Attrs: HoldRest, Min: 3, Max: -1, Fn: fnSwitch},
	{Name: "While", Usage: "While[test, body] evaluates body while test is True.", Attrs: HoldAll, Min: 1, Max: 2, Fn: fnWhile},
	{Name: "Do", Usage: "Do[body, {i, n}] evaluates body n times; iterators as in Table.", Attrs: HoldAll, Min: 2, Max: -1, Fn: fnDo},
	{Name: "For", Usage: "For[start, test, incr, body] runs a C-style loop.", Attrs: HoldAll, Min: 3, Max: 4, Fn: fnFor},
	{Name: "Table", Usage: "Table[expr, {i, n}] lists expr for i from 1 to n.\nTable[expr, {i, a, b, step}], Table[expr, {i, {v1, v2, …}}], Table[expr, {n}], and several iterators.", Attrs: HoldAll, Min: 1, Max: -1, Fn: fnTable},
	{Name: "Break", Usage: "Break[] leaves the enclosing loop.", Min: 0, Max: 0, Fn: func(s *Session, c *Normal) Expr { panic(breakSignal{}) }},
	{Name: "Continue", Usage: "Continue[] goes on to the next pass of the enclosing loop.", Min: 0, Max: 0, Fn: func(s *Session, c *Normal) Expr { panic(continueSignal{}) }},
	{Name: "Return", Usage: "Return[x] returns x from the enclosing function or loop.", Min: 0, Max: 1, Fn: fnReturn},
	{Name: "Catch", Usage: "Catch[expr] gives the value of the first Throw in expr.\nCatch[expr, form] catches only throws whose tag matches form.", Attrs: HoldFirst, Min: 1, Max: 2, Fn: fnCatch},
	{Name: "Throw", Usage: "Throw[value] and Throw[value, tag] throw to the enclosing Catch.", Min: 1, Max: 2, Fn: fnThrow},
	{Name: "Check", Usage: "Check[expr, failexpr] gives failexpr if evaluating expr issued messages.", Attrs: HoldAll, Min: 2, Max: 3, Fn: fnCheck},
	{Name: "Quiet", Usage: "Quiet[expr] evaluates expr without printing messages.", Attrs: HoldAll, Min: 1, Max: 2, Fn: fnQuiet},
	{Name: "Message", Usage: "Message[sym::tag, args…] issues a message.", Attrs: HoldFirst, Min: 1, Max: -1, Fn: fnMessage},
	{Name: "MessageName", Usage: "sym::tag is the name of a message.", Attrs: HoldFirst, Min: 2, Max: 2, Fn: fnMessageName},
	{Name: "Print", Usage: "Print[e1, e2, …] prints the expressions, joined, on one line.", Min: 0, Max: -1, Fn: fnPrint},
	{Name: "Echo", Usage: "Echo[x] prints >> x and returns x.\nEcho[x, label] prints >> label x.", Min: 1, Max: 3, Fn: fnEcho},
	{Name: "Pause", Usage: "Pause[t] waits t seconds (Ctrl-C stops it).", Min: 1, Max: 1, Fn: fnPause},
	{Name: "AbsoluteTiming", Usage: "AbsoluteTiming[expr] gives {seconds, value} for evaluating expr.", Attrs: HoldAll, Min: 1, Max: 1, Fn: fnTiming},
	{Name: "Timing", Usage: "Timing[expr] gives {seconds, value} for evaluating expr.", Attrs: HoldAll, Min: 1, Max: 1, Fn: fnTiming},
	{Name: "TimeConstrained", Usage: "TimeConstrained[expr, t] stops expr after t seconds and gives $Aborted.\nTimeConstrained[expr, t, failexpr] gives failexpr instead.", Attrs: HoldAll, Min: 2, Max: 3, Fn: fnTimeConstrained},
	{Name: "Hold", Usage: "Hold[expr] keeps expr unevaluated.", Attrs: HoldAll, Min: 0, Max: -1},
	{Name: "HoldForm", Usage: "HoldForm[expr] keeps expr unevaluated and prints it without the wrapper.", Attrs: HoldAll, Min: 1, Max: 1},
	{Name: "HoldComplete", Usage: "HoldComplete[expr] keeps expr entirely unevaluated.", Attrs: HoldAllComplete, Min: 0, Max: -1},
	{Name: "ReleaseHold", Usage: "ReleaseHold[expr] removes Hold and HoldForm and evaluates.", Min: 1, Max: 1, Fn: fnReleaseHold},
	{Name: "Evaluate", Usage: "Evaluate[expr] evaluates expr even where arguments are held.", Min: 1, Max: 1, Fn: func(s *Session, c *Normal) Expr { return c.Args[0] }},
	{Name: "Identity", Usage: "Identity[x] gives x.", Min: 1, Max: 1, Fn: func(s *Session, c *Normal) Expr { return c.Args[0] }},
	{Name: "Function", Usage: "body & or Function[body] is a pure function with slots #, #2, ##; Function[x, body] and Function[{x, y}, body] name their parameters.", Attrs: HoldAll, Min: 1, Max: 3},
	{Name: "Head", Usage: "Head[expr] gives the head of expr.\nHead[expr, h] gives h[head].", Min: 1, Max: 2, Fn: fnHead},
	{Name: "Attributes", Usage: "Attributes[sym] lists the attributes of sym.", Attrs: HoldAll, Min: 1, Max: 1, Fn: fnAttributes},
	{Name: "SetAttributes", Usage: "SetAttributes[sym, attr] adds attributes to sym.", Attrs: HoldFirst, Min: 2, Max: 2, Fn: fnSetAttributes},
	{Name: "ClearAttributes", Usage: "ClearAttributes[sym, attr] removes attributes from sym.", Attrs: HoldFirst, Min: 2, Max: 2, Fn: fnClearAttributes},
	{Name: "Quit", Usage: "Quit[] ends the session; Quit[n] with exit status n.", Min: 0, Max: 1, Fn: fnQuit},
	{Name: "Exit", Usage: "Exit[] ends the session; Exit[n] with exit status n.", Min: 0, Max: 1, Fn: fnQuit},
	{Name: "Out", Usage: "%, Out[] is the last result; %%, Out[-2] the one before; %n, Out[n] the result of In[n].", Min: 0, Max: 1, Fn: fnOut},
	{Name: "In", Usage: "In[n] evaluates input n again.", Min: 1, Max: 1, Fn: fnIn},
	{Name: "Now", Usage: "Now gives the current date and time as a DateObject.", Min: 0, Max: 0, Fn: fnNow,
		Value: func(s *Session) Expr { return dateNowObject(s.Now()) }},
	{Name: "Association", Usage: "<|k1 -> v1, k2 -> v2, …|> is an association of keys with values.", Min: 0, Max: -1, Fn: fnAssociation},
	{Name: "ReplaceAll", Usage: "expr /. rules replaces the parts of expr that match a rule.", Min: 2, Max: 2, Fn: fnReplaceAll},
	{Name: "ReplaceRepeated", Usage: "expr //. rules replaces until nothing changes.", Min: 2, Max: 2, Fn: fnReplaceRepeated},
	{Name: "Replace", Usage: "Replace[expr, rules] replaces expr as a whole if it matches a rule.", Min: 2, Max: 2, Fn: fnReplace},
	{Name: "MatchQ", Usage: "MatchQ[expr, pattern] is True when expr matches pattern.", Min: 2, Max: 2, Fn: fnMatchQ},
	{Name: "Pattern", Usage: "x_ names a pattern.", Attrs: HoldFirst, Min: 2, Max: 2},
	{Name: "Condition", Usage: "patt /; test matches when test is True.", Attrs: HoldAll, Min: 2, Max: 2},
	{Name: "RuleDelayed", Usage: "lhs :> rhs is a rule whose right side is evaluated when used.", Attrs: HoldRest | SequenceHold, Min: 2, Max: 2},
	{Name: "Rule", Usage: "lhs -> rhs is a rule.", Attrs: SequenceHold, Min: 2, Max: 2},
	{Name: "SameQ", Transient: true, Usage: "a === b is True when a and b are identical.", Min: 0, Max: -1, Fn: fnSameQ},
	{Name: "UnsameQ", Transient: true, Usage: "a =!= b is True when a and b are not identical.", Min: 0, Max: -1, Fn: fnUnsameQ},
}

func fnClear(s *Session, c *Normal) Expr {
	for _, a := range c.Args {
		var sym *Symbol
		switch x := a.(type) {
		case *Symbol:
			sym = x
		case String:
			sym = s.lookup(string(x))
		}
		if sym == nil {
			continue
		}
		if sym.system {
			s.Message(symName(c.Head), "wrsym", sym)
			continue
		}
		sym.own, sym.down, sym.sub = nil, nil, nil
		s.changed()
		if HasHead(c, sys("ClearAll")) || c.Head == sys("ClearAll") {
			sym.attrs = 0
		}
	}
	return SymNull
}

func fnCompound(s *Session, c *Normal) Expr {
	var v Expr = SymNull
	for _, a := range c.Args {
		v = s.Eval(a)
	}
	return v
}

// localSpec reads a Module/Block/With variable list: x or x = v.
type localVar struct {
	sym   *Symbol
	value Expr // nil: no initial value
}

func (s *Session) localSpec(fn string, spec Expr, c *Normal) ([]localVar, bool) {
	l, ok := spec.(*Normal)
	if !ok || l.Head != SymList {
		s.Message(fn, "lvlist", spec)
		return nil, false
	}
	vars := make([]localVar, 0, len(l.Args))
	for _, v := range l.Args {
		switch x := v.(type) {
		case *Symbol:
			vars = append(vars, localVar{sym: x})
			continue
		case *Normal:
			if (x.Head == SymSet || x.Head == SymSetDelayed) && len(x.Args) == 2 {
				if sym, ok := x.Args[0].(*Symbol); ok {
					vars = append(vars, localVar{sym: sym, value: s.Eval(x.Args[1])})
					continue
				}
				s.Message(fn, "lvset", spec, v, x.Args[0])
				return nil, false
			}
		}
		s.Message(fn, "lvsym", spec, v)
		return nil, false
	}
	return vars, true
}

func fnModule(s *Session, c *Normal) Expr {
	vars, ok := s.localSpec("Module", c.Args[0], c)
	if !ok {
		return nil
	}
	var b bindings
	for _, v := range vars {
		s.moduleN++
		fresh := newSymbol(v.sym.Name + "$" + itoa(s.moduleN))
		fresh.attrs = Temporary
		s.setOwn(fresh, v.value)
		b = append(b, binding{v.sym, fresh})
	}
	return s.Eval(b.substitute(c.Args[1]))
}

func fnBlock(s *Session, c *Normal) Expr {
	vars, ok := s.localSpec("Block", c.Args[0], c)
	if !ok {
		return nil
	}
	type saved struct {
		sym  *Symbol
		own  Expr
		down *ruleSet
	}
	var restore []saved
	defer func() {
		for _, r := range restore {
			r.sym.own, r.sym.down = r.own, r.down
			s.changed()
		}
	}()
	for _, v := range vars {
		if v.sym.system {
			s.Message("Block", "wrsym", v.sym)
			return nil
		}
		restore = append(restore, saved{v.sym, v.sym.own, v.sym.down})
		v.sym.own, v.sym.down = v.value, nil
		s.changed()
	}
	return s.Eval(c.Args[1])
}

func fnWith(s *Session, c *Normal) Expr {
	vars, ok := s.localSpec("With", c.Args[0], c)
	if !ok {
		return nil
	}
	var b bindings
	for _, v := range vars {
		if v.value == nil {
			s.Message("With", "lvw", c.Args[0], v.sym)
			return nil
		}
		b = append(b, binding{v.sym, v.value})
	}
	return s.Eval(b.substitute(c.Args[1]))
}

func fnIf(s *Session, c *Normal) Expr {
	switch c.Args[0] {
	case SymTrue:
		return s.Eval(c.Args[1])
	case SymFalse:
		if len(c.Args) >= 3 {
			return s.Eval(c.Args[2])
		}
		return SymNull
	}
	if len(c.Args) == 4 {
		return s.Eval(c.Args[3])
	}
	return nil
}

func fnWhich(s *Session, c *Normal) Expr {
	if len(c.Args)%2 != 0 {
		s.Message("Which", "argctu", c)
		return nil
	}
	for i := 0; i < len(c.Args); i += 2 {
		switch t := s.Eval(c.Args[i]); t {
		case SymTrue:
			return s.Eval(c.Args[i+1])
		case SymFalse:
			continue
		default:
			// undecided: what is left stays, starting with this test's value
			rest := append([]Expr{t}, c.Args[i+1:]...)
			return &Normal{Head: c.Head, Args: rest}
		}
	}
	return SymNull
}

func fnSwitch(s *Session, c *Normal) Expr {
	if len(c.Args)%2 != 1 {
		s.Message("Switch", "argct", sys("Switch"), Int(len(c.Args)))
		return nil
	}
	e := c.Args[0]
	for i := 1; i < len(c.Args); i += 2 {
		if b, ok := s.Match(c.Args[i], e); ok {
			return s.Eval(b.substitute(c.Args[i+1]))
		}
	}
	return SymNull
}

// loop runs pass until it reports false. Break[] ends the loop, Continue[] ends one pass, and
// Return[x] ends it with x. pass must move to the next iteration before it evaluates the body,
// so that a pass cut short by Continue[] is not repeated.
func (s *Session) loop(pass func() bool) (ret Expr) {
	for {
		done, r := s.loopSegment(pass)
		if done {
			return r
		}
	}
}

func (s *Session) loopSegment(pass func() bool) (done bool, ret Expr) {
	depth := s.depth
	defer func() {
		if r := recover(); r != nil {
			s.depth = depth
			switch sig := r.(type) {
			case continueSignal:
				done, ret = false, nil
			case breakSignal:
				done, ret = true, nil
			case returnSignal:
				done, ret = true, sig.value
			default:
				panic(r)
			}
		}
	}()
	for pass() {
	}
	return true, nil
}

func orNull(e Expr) Expr {
	if e == nil {
		return SymNull
	}
	return e
}

func fnWhile(s *Session, c *Normal) Expr {
	return orNull(s.loop(func() bool {
		if s.Eval(c.Args[0]) != SymTrue {
			return false
		}
		if len(c.Args) == 2 {
			s.Eval(c.Args[1])
		}
		s.checkAbort()
		return true
	}))
}

func fnFor(s *Session, c *Normal) Expr {
	s.Eval(c.Args[0])
	first := true
	return orNull(s.loop(func() bool {
		if !first {
			s.Eval(c.Args[2])
		}
		first = false
		if s.Eval(c.Args[1]) != SymTrue {
			return false
		}
		if len(c.Args) == 4 {
			s.Eval(c.Args[3])
		}
		s.checkAbort()
		return true
	}))
}

func fnReturn(s *Session, c *Normal) Expr {
	if len(c.Args) == 0 {
		panic(returnSignal{SymNull})
	}
	panic(returnSignal{c.Args[0]})
}

func fnCatch(s *Session, c *Normal) (out Expr) {
	depth := s.depth
	defer func() {
		if r := recover(); r != nil {
			s.depth = depth
			th, ok := r.(throwSignal)
			if !ok {
				panic(r)
			}
			if len(c.Args) == 2 {
				tag := th.tag
				if tag == nil {
					panic(r)
				}
				if _, ok := s.Match(s.Eval(c.Args[1]), tag); !ok {
					panic(r)
				}
			} else if th.tag != nil {
				panic(r)
			}
			out = th.value
		}
	}()
	return s.Eval(c.Args[0])
}

func fnThrow(s *Session, c *Normal) Expr {
	if len(c.Args) == 2 {
		panic(throwSignal{value: c.Args[0], tag: c.Args[1]})
	}
	panic(throwSignal{value: c.Args[0]})
}

func fnCheck(s *Session, c *Normal) Expr {
	before := s.msgSerial
	v := s.Eval(c.Args[0])
	if s.msgSerial != before {
		return s.Eval(c.Args[1])
	}
	return v
}

func fnQuiet(s *Session, c *Normal) Expr {
	s.quiet++
	defer func() { s.quiet-- }()
	return s.Eval(c.Args[0])
}

func fnMessage(s *Session, c *Normal) Expr {
	mn, ok := c.Args[0].(*Normal)
	if !ok || mn.Head != SymMessageName || len(mn.Args) != 2 {
		return nil
	}
	sym, ok1 := mn.Args[0].(*Symbol)
	tag, ok2 := mn.Args[1].(String)
	if !ok1 || !ok2 {
		return nil
	}
	s.Message(sym.Name, string(tag), c.Args[1:]...)
	return SymNull
}

func fnMessageName(s *Session, c *Normal) Expr {
	sym, ok1 := c.Args[0].(*Symbol)
	tag, ok2 := c.Args[1].(String)
	if !ok1 || !ok2 {
		return nil
	}
	if string(tag) == "usage" {
		if sym.builtin != nil && sym.builtin.Usage != "" {
			return String(sym.builtin.Usage)
		}
	}
	if t, ok := s.userMsgs[sym.Name+"::"+string(tag)]; ok {
		return String(t)
	}
	if t, ok := messageTexts[sym.Name+"::"+string(tag)]; ok {
		return String(t)
	}
	return nil
}

// printText joins expressions in OutputForm, as Print and WriteString show them.
func printText(args []Expr) string {
	var b strings.Builder
	for _, a := range args {
		b.WriteString(OutputForm(a))
	}
	return b.String()
}

func fnPrint(s *Session, c *Normal) Expr {
	s.printLine(printText(c.Args))
	return SymNull
}

func fnEcho(s *Session, c *Normal) Expr {
	shown := c.Args[0]
	if len(c.Args) == 3 {
		shown = s.Apply(c.Args[2], c.Args[0])
	}
	if len(c.Args) >= 2 {
		s.printLine(">> " + OutputForm(c.Args[1]) + " " + OutputForm(shown))
	} else {
		s.printLine(">> " + OutputForm(shown))
	}
	return c.Args[0]
}

// Seconds reads a duration in seconds: a number or a time Quantity such as Quantity[2, "Seconds"].
func Seconds(e Expr) (time.Duration, bool) {
	if q, ok := e.(*Normal); ok && q.Head == SymQuantity && len(q.Args) == 2 {
		unit, _ := q.Args[1].(String)
		f, ok := ToFloat(q.Args[0])
		if !ok {
			return 0, false
		}
		switch strings.ToLower(string(unit)) {
		case "seconds", "second", "s":
		case "milliseconds", "millisecond", "ms":
			f /= 1000
		case "minutes", "minute":
			f *= 60
		case "hours", "hour":
			f *= 3600
		default:
			return 0, false
		}
		return time.Duration(f * float64(time.Second)), true
	}
	if e == SymInfinity {
		return time.Duration(1<<63 - 1), true
	}
	f, ok := ToFloat(e)
	if !ok || f < 0 {
		return 0, false
	}
	if f > 1e9 {
		return time.Duration(1<<63 - 1), true
	}
	return time.Duration(f * float64(time.Second)), true
}

func fnPause(s *Session, c *Normal) Expr {
	d, ok := Seconds(c.Args[0])
	if !ok {
		s.Message("Pause", "numnm", c.Args[0])
		return nil
	}
	s.Sleep(d)
	return SymNull
}

func fnTiming(s *Session, c *Normal) Expr {
	start := time.Now()
	v := s.Eval(c.Args[0])
	return List(Real(time.Since(start).Seconds()), v)
}

func fnTimeConstrained(s *Session, c *Normal) (out Expr) {
	d, ok := Seconds(s.Eval(c.Args[1]))
	if !ok || d <= 0 {
		s.Message("TimeConstrained", "timc", c.Args[1])
		return nil
	}
	parent := s.ctx
	ctx, cancel := context.WithTimeout(parent, d)
	defer cancel()
	stop := s.interruptOnDone(ctx)
	s.ctx = ctx
	depth := s.depth
	defer func() {
		s.ctx = parent
		if !stop() && parent.Err() == nil {
			// the deadline fired (perhaps just as the body finished): its interrupt was ours
			s.interrupted.Store(false)
		}
		if r := recover(); r != nil {
			s.depth = depth
			if _, ok := r.(abortSignal); ok && parent.Err() == nil && ctx.Err() == context.DeadlineExceeded {
				if len(c.Args) == 3 {
					out = s.Eval(c.Args[2])
				} else {
					out = SymAborted
				}
				return
			}
			panic(r)
		}
	}()
	return s.Eval(c.Args[0])
}

func fnReleaseHold(s *Session, c *Normal) Expr {
	if n, ok := c.Args[0].(*Normal); ok && (n.Head == SymHold || n.Head == SymHoldForm || n.Head == sys("HoldComplete")) {
		if len(n.Args) == 1 {
			return s.Eval(n.Args[0])
		}
		return s.Eval(NewNormal(SymSequence, n.Args...))
	}
	return c.Args[0]
}

func fnHead(s *Session, c *Normal) Expr {
	h := HeadOf(c.Args[0])
	if len(c.Args) == 2 {
		return s.Apply(c.Args[1], h)
	}
	return h
}

func attrList(a Attr) Expr {
	var out []Expr
	for _, an := range attrNames {
		if a&HoldAll == HoldAll && (an.a == HoldFirst || an.a == HoldRest) {
			continue // HoldAll is both, and Wolfram names it alone
		}
		if a&an.a == an.a {
			out = append(out, sys(an.name))
		}
	}
	return List(out...)
}

func fnAttributes(s *Session, c *Normal) Expr {
	switch x := c.Args[0].(type) {
	case *Symbol:
		return attrList(x.attrs)
	case String:
		return attrList(s.Intern(string(x)).attrs)
	}
	return nil
}

func (s *Session) attrArg(e Expr) (Attr, bool) {
	var out Attr
	var items []Expr
	if l, ok := e.(*Normal); ok && l.Head == SymList {
		items = l.Args
	} else {
		items = []Expr{e}
	}
	for _, it := range items {
		sym, ok := it.(*Symbol)
		if !ok {
			return 0, false
		}
		found := false
		for _, an := range attrNames {
			if an.name == sym.Name {
				out |= an.a
				found = true
			}
		}
		if !found {
			return 0, false
		}
	}
	return out, true
}

// changeAttributes is SetAttributes (set) and ClearAttributes on a symbol or a list of them.
func (s *Session) changeAttributes(fn string, c *Normal, set bool) Expr {
	syms := []Expr{c.Args[0]}
	if l, ok := c.Args[0].(*Normal); ok && l.Head == SymList {
		syms = l.Args
	}
	a, ok := s.attrArg(s.Eval(c.Args[1]))
	if !ok {
		return nil
	}
	for _, e := range syms {
		sym, ok := e.(*Symbol)
		if !ok {
			return nil
		}
		if sym.system {
			s.Message(fn, "wrsym", sym)
			continue
		}
		if set {
			sym.attrs |= a
		} else {
			sym.attrs &^= a
		}
		s.changed()
	}
	return SymNull
}

func fnSetAttributes(s *Session, c *Normal) Expr { return s.changeAttributes("SetAttributes", c, true) }

func fnClearAttributes(s *Session, c *Normal) Expr {
	return s.changeAttributes("ClearAttributes", c, false)
}

func fnQuit(s *Session, c *Normal) Expr {
	code := 0
	if len(c.Args) == 1 {
		n, ok := c.Args[0].(Int)
		if !ok {
			return nil
		}
		code = int(n)
	}
	panic(exitSignal{code})
}

func fnOut(s *Session, c *Normal) Expr {
	last := s.line - 1
	// while In[n] is evaluated, % is Out[n-1]
	n := last - 1
	if len(c.Args) == 1 {
		k, ok := c.Args[0].(Int)
		if !ok {
			return nil
		}
		if k > 0 {
			n = int(k)
		} else {
			n = last + int(k)
		}
	}
	if v, ok := s.outAt(n); ok {
		return v
	}
	return nil
}

func fnIn(s *Session, c *Normal) Expr {
	k, ok := c.Args[0].(Int)
	if !ok || k < 1 || int(k) > len(s.ins) {
		return nil
	}
	return s.Eval(s.ins[k-1])
}

func fnSameQ(s *Session, c *Normal) Expr {
	for i := 1; i < len(c.Args); i++ {
		if !SameQ(c.Args[i-1], c.Args[i]) {
			return SymFalse
		}
	}
	return SymTrue
}

func fnUnsameQ(s *Session, c *Normal) Expr {
	for i := 0; i < len(c.Args); i++ {
		for j := i + 1; j < len(c.Args); j++ {
			if SameQ(c.Args[i], c.Args[j]) {
				return SymFalse
			}
		}
	}
	return SymTrue
}

func itoa(n int) string {
	return Int(n).String()
}

// String gives an integer's decimal digits.
func (i Int) String() string { return InputForm(i) }

// fnAssociation builds an association from rules (and lists of rules, and associations).
func fnAssociation(s *Session, c *Normal) Expr {
	a := NewAssoc()
	var add func(e Expr) bool
	add = func(e Expr) bool {
		switch x := e.(type) {
		case *Assoc:
			for i, k := range x.keys {
				a.Set(k, x.vals[i], x.delay[i])
			}
			return true
		case *Normal:
			if (x.Head == SymRule || x.Head == SymRuleDelayed) && len(x.Args) == 2 {
				a.Set(x.Args[0], x.Args[1], x.Head == SymRuleDelayed)
				return true
			}
			if x.Head == SymList {
				for _, r := range x.Args {
					if !add(r) {
						return false
					}
				}
				return true
			}
		}
		return false
	}
	for _, r := range c.Args {
		if !add(r) {
			s.Message("Association", "invrl", r)
			return nil
		}
	}
	return a
}

// ruleList reads a rule or a list of rules (or an association) for ReplaceAll and friends.
func ruleList(e Expr) ([]*Normal, bool) {
	var out []*Normal
	add := func(r Expr) bool {
		n, ok := r.(*Normal)
		if !ok || (n.Head != SymRule && n.Head != SymRuleDelayed) || len(n.Args) != 2 {
			return false
		}
		out = append(out, n)
		return true
	}
	switch x := e.(type) {
	case *Assoc:
		for _, r := range x.Rules() {
			add(r)
		}
		return out, true
	case *Normal:
		if x.Head == SymList {
			for _, r := range x.Args {
				if !add(r) {
					return nil, false
				}
			}
			return out, true
		}
	}
	return out, add(e)
}

func fnReplaceAll(s *Session, c *Normal) Expr {
	rules, ok := ruleList(c.Args[1])
	if !ok {
		s.Message("ReplaceAll", "reps", c.Args[1])
		return nil
	}
	v, _ := s.replaceAll(c.Args[0], rules)
	return s.Eval(v)
}

func fnReplaceRepeated(s *Session, c *Normal) Expr {
	rules, ok := ruleList(c.Args[1])
	if !ok {
		s.Message("ReplaceRepeated", "reps", c.Args[1])
		return nil
	}
	v := c.Args[0]
	for i := 0; i < 65536; i++ {
		nv, changed := s.replaceAll(v, rules)
		nv = s.Eval(nv)
		if !changed || SameQ(nv, v) {
			return nv
		}
		v = nv
		s.checkAbort()
	}
	s.Message("ReplaceRepeated", "rrlim", c.Args[0], Int(65536))
	return v
}

func fnReplace(s *Session, c *Normal) Expr {
	rules, ok := ruleList(c.Args[1])
	if !ok {
		s.Message("Replace", "reps", c.Args[1])
		return nil
	}
	for _, r := range rules {
		if rhs, ok := s.applyRule(r, c.Args[0]); ok {
			return s.Eval(rhs)
		}
	}
	return c.Args[0]
}

func fnMatchQ(s *Session, c *Normal) Expr {
	_, ok := s.Match(c.Args[1], c.Args[0])
	return Bool(ok)
}
