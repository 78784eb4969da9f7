package eval

import (
	"slices"
	"sort"
)

// Pattern matching: Blank, BlankSequence, BlankNullSequence, Pattern, Condition, PatternTest,
// Alternatives, Optional, HoldPattern and literals, with backtracking over sequences.

type binding struct {
	sym *Symbol
	val Expr
}

type bindings []binding

func (b bindings) get(s *Symbol) (Expr, bool) {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i].sym == s {
			return b[i].val, true
		}
	}
	return nil, false
}

// substitute replaces the bound symbols in e by their values, as a rule's right side is
// instantiated. Unchanged subtrees are shared, not copied. A scoping construct inside that
// declares a bound name (Function[x, …], Module[{x}, …], With, Block) shadows it there.
func (b bindings) substitute(e Expr) Expr { return b.substituteAt(e, 0) }

func (b bindings) substituteAt(e Expr, depth int) Expr {
	if len(b) == 0 {
		return e
	}
	switch x := e.(type) {
	case *Symbol:
		if v, ok := b.get(x); ok {
			return v
		}
		return x
	case *Normal:
		if x.inert {
			return x
		}
		walkDeeper(depth)
		if r, ok := b.shadowed(x); ok {
			return r
		}
		h := b.substituteAt(x.Head, depth+1)
		var out []Expr
		for i, a := range x.Args {
			v := b.substituteAt(a, depth+1)
			if v != a && out == nil {
				out = make([]Expr, len(x.Args))
				copy(out, x.Args[:i])
			}
			if out != nil {
				out[i] = v
			}
		}
		if out == nil {
			if h == x.Head {
				return x
			}
			out = x.Args
		}
		return &Normal{Head: h, Args: out}
	}
	return e
}

var (
	symModule = sys("Module")
	symWith   = sys("With")
	symBlock  = sys("Block")
)

// shadowed substitutes into a scoping construct that declares one of the bound names: its
// body sees the construct's own variable, while initial values (With[{x = v}, …]) are read
// in the outer scope.
func (b bindings) shadowed(x *Normal) (Expr, bool) {
	var names []*Symbol
	var specs []Expr
	switch {
	case x.Head == SymFunction && len(x.Args) >= 2:
		if l, ok := x.Args[0].(*Normal); ok && l.Head == SymList {
			specs = l.Args
		} else {
			specs = []Expr{x.Args[0]}
		}
	case (x.Head == symModule || x.Head == symWith || x.Head == symBlock) && len(x.Args) == 2 && IsList(x.Args[0]):
		specs = x.Args[0].(*Normal).Args
	default:
		return nil, false
	}
	for _, sp := range specs {
		switch v := sp.(type) {
		case *Symbol:
			names = append(names, v)
		case *Normal:
			if (v.Head == SymSet || v.Head == SymSetDelayed) && len(v.Args) == 2 {
				if sym, ok := v.Args[0].(*Symbol); ok {
					names = append(names, sym)
				}
			}
		}
	}
	inner := make(bindings, 0, len(b))
	for _, bd := range b {
		if !slices.Contains(names, bd.sym) {
			inner = append(inner, bd)
		}
	}
	if len(inner) == len(b) {
		return nil, false
	}
	args := make([]Expr, len(x.Args))
	copy(args, x.Args)
	if x.Head != SymFunction {
		// the variable list: names stay, initial values are substituted from outside
		out := make([]Expr, len(specs))
		for i, sp := range specs {
			if v, ok := sp.(*Normal); ok && len(v.Args) == 2 && (v.Head == SymSet || v.Head == SymSetDelayed) {
				out[i] = &Normal{Head: v.Head, Args: []Expr{v.Args[0], b.substitute(v.Args[1])}}
			} else {
				out[i] = sp
			}
		}
		args[0] = List(out...)
	}
	for i := 1; i < len(args); i++ {
		args[i] = inner.substitute(args[i])
	}
	return &Normal{Head: x.Head, Args: args}, true
}

// Match reports whether e matches pattern p, and gives the bindings of its named parts.
func (s *Session) Match(p, e Expr) (bindings, bool) {
	var b bindings
	ok := s.match(p, e, &b)
	return b, ok
}

func (s *Session) match(p, e Expr, b *bindings) bool {
	pn, ok := p.(*Normal)
	if !ok {
		return SameQ(p, e)
	}
	switch pn.Head {
	case SymBlank:
		return len(pn.Args) == 0 || SameQ(HeadOf(e), pn.Args[0])
	case SymBlankSeq, SymBlankNullSeq:
		// alone (not among arguments) a sequence blank matches one expression
		return len(pn.Args) == 0 || SameQ(HeadOf(e), pn.Args[0])
	case SymPattern:
		if len(pn.Args) != 2 {
			break
		}
		name, ok := pn.Args[0].(*Symbol)
		if !ok {
			break
		}
		if v, bound := b.get(name); bound {
			return SameQ(v, e) && s.match(pn.Args[1], e, b)
		}
		mark := len(*b)
		if !s.match(pn.Args[1], e, b) {
			*b = (*b)[:mark]
			return false
		}
		*b = append(*b, binding{name, e})
		return true
	case SymCondition:
		if len(pn.Args) != 2 {
			break
		}
		mark := len(*b)
		if s.match(pn.Args[0], e, b) && s.test(pn.Args[1], *b) {
			return true
		}
		*b = (*b)[:mark]
		return false
	case SymPatternTest:
		if len(pn.Args) != 2 {
			break
		}
		mark := len(*b)
		if s.match(pn.Args[0], e, b) && s.Apply(pn.Args[1], e) == SymTrue {
			return true
		}
		*b = (*b)[:mark]
		return false
	case SymAlternatives:
		for _, alt := range pn.Args {
			mark := len(*b)
			if s.match(alt, e, b) {
				return true
			}
			*b = (*b)[:mark]
		}
		return false
	case SymOptional:
		if len(pn.Args) >= 1 {
			return s.match(pn.Args[0], e, b)
		}
	case SymHoldPattern:
		if len(pn.Args) == 1 {
			return s.match(pn.Args[0], e, b)
		}
	}
	en, ok := e.(*Normal)
	if !ok {
		return false
	}
	mark := len(*b)
	if !s.match(pn.Head, en.Head, b) {
		*b = (*b)[:mark]
		return false
	}
	if !s.matchSeq(pn.Args, en.Args, en.Head, b) {
		*b = (*b)[:mark]
		return false
	}
	return true
}

// test evaluates a Condition's test with the pattern's bindings in place.
func (s *Session) test(cond Expr, b bindings) bool {
	return s.Eval(b.substitute(cond)) == SymTrue
}

// seqSpan tells how many arguments a pattern takes: a Blank one, a BlankSequence one or more, a
// BlankNullSequence any number, an Optional none or one.
func seqSpan(p Expr) (lo, hi int) {
	pn, ok := p.(*Normal)
	if !ok {
		return 1, 1
	}
	switch pn.Head {
	case SymBlankSeq:
		return 1, -1
	case SymBlankNullSeq:
		return 0, -1
	case SymPattern:
		if len(pn.Args) == 2 {
			return seqSpan(pn.Args[1])
		}
	case SymCondition, SymPatternTest:
		if len(pn.Args) == 2 {
			return seqSpan(pn.Args[0])
		}
	case SymOptional:
		if len(pn.Args) >= 1 {
			return 0, 1
		}
	}
	return 1, 1
}

// matchSeq matches argument patterns against arguments, trying the shortest run for each
// sequence pattern first, as Wolfram does.
func (s *Session) matchSeq(ps, es []Expr, head Expr, b *bindings) bool {
	if len(ps) == 0 {
		return len(es) == 0
	}
	p := ps[0]
	lo, hi := seqSpan(p)
	if lo == 1 && hi == 1 {
		if len(es) == 0 {
			return false
		}
		mark := len(*b)
		if s.match(p, es[0], b) && s.matchSeq(ps[1:], es[1:], head, b) {
			return true
		}
		*b = (*b)[:mark]
		return false
	}
	if hi < 0 || hi > len(es) {
		hi = len(es)
	}
	for k := lo; k <= hi; k++ {
		// sequence patterns can take exponential time: Ctrl-C must reach them
		s.checkAbort()
		mark := len(*b)
		if s.matchRun(p, es[:k], b) && s.matchSeq(ps[1:], es[k:], head, b) {
			return true
		}
		*b = (*b)[:mark]
	}
	return false
}

// matchRun matches a sequence pattern against a run of arguments; a named one binds the run as
// Sequence[…]; an Optional with nothing to match binds its default.
func (s *Session) matchRun(p Expr, run []Expr, b *bindings) bool {
	pn := p.(*Normal)
	switch pn.Head {
	case SymBlankSeq, SymBlankNullSeq:
		if len(pn.Args) == 0 {
			return true
		}
		for _, e := range run {
			if !SameQ(HeadOf(e), pn.Args[0]) {
				return false
			}
		}
		return true
	case SymPattern:
		name, ok := pn.Args[0].(*Symbol)
		if !ok {
			return false
		}
		val := Expr(NewNormal(SymSequence, run...))
		if len(run) == 1 {
			if lo, hi := seqSpan(pn.Args[1]); lo == 0 && hi == 1 {
				val = run[0]
			}
		}
		if v, bound := b.get(name); bound {
			return SameQ(v, val)
		}
		if inner, ok := pn.Args[1].(*Normal); ok && inner.Head == SymOptional && len(run) == 0 {
			def := Expr(SymNull)
			if len(inner.Args) == 2 {
				def = inner.Args[1]
			}
			*b = append(*b, binding{name, def})
			return true
		}
		if !s.matchRun(pn.Args[1], run, b) {
			return false
		}
		*b = append(*b, binding{name, val})
		return true
	case SymCondition:
		mark := len(*b)
		if s.matchRun(pn.Args[0], run, b) && s.test(pn.Args[1], *b) {
			return true
		}
		*b = (*b)[:mark]
		return false
	case SymPatternTest:
		if !s.matchRun(pn.Args[0], run, b) {
			return false
		}
		for _, e := range run {
			if s.Apply(pn.Args[1], e) != SymTrue {
				return false
			}
		}
		return true
	case SymOptional:
		if len(run) == 0 {
			// nothing to match: a named pattern takes the default
			if inner, ok := pn.Args[0].(*Normal); ok && inner.Head == SymPattern && len(inner.Args) == 2 {
				if name, ok := inner.Args[0].(*Symbol); ok {
					def := Expr(SymNull)
					if len(pn.Args) == 2 {
						def = pn.Args[1]
					}
					*b = append(*b, binding{name, def})
				}
			}
			return true
		}
		return s.match(pn.Args[0], run[0], b)
	}
	return len(run) == 1 && s.match(p, run[0], b)
}

// hasPattern reports whether e contains pattern constructs (so that it is not an exact key).
func hasPattern(e Expr) bool { return hasPatternAt(e, 0) }

func hasPatternAt(e Expr, depth int) bool {
	n, ok := e.(*Normal)
	if !ok {
		return false
	}
	switch n.Head {
	case SymBlank, SymBlankSeq, SymBlankNullSeq, SymPattern, SymCondition, SymPatternTest,
		SymAlternatives, SymOptional, SymHoldPattern:
		return true
	}
	walkDeeper(depth)
	if hasPatternAt(n.Head, depth+1) {
		return true
	}
	for _, a := range n.Args {
		if hasPatternAt(a, depth+1) {
			return true
		}
	}
	return false
}

// patternShape renames the pattern variables of e in order of appearance, so that f[x_, y_]
// and f[a_, b_] have the same shape.
func patternShape(e Expr) Expr {
	names := map[*Symbol]Expr{}
	var walk func(Expr, int) Expr
	walk = func(e Expr, depth int) Expr {
		n, ok := e.(*Normal)
		if !ok {
			return e
		}
		walkDeeper(depth)
		if n.Head == SymPattern && len(n.Args) == 2 {
			if sym, ok := n.Args[0].(*Symbol); ok {
				if _, seen := names[sym]; !seen {
					names[sym] = Int(len(names) + 1)
				}
				return NewNormal(SymPattern, names[sym], walk(n.Args[1], depth+1))
			}
		}
		args := make([]Expr, len(n.Args))
		for i, a := range n.Args {
			args[i] = walk(a, depth+1)
		}
		return &Normal{Head: walk(n.Head, depth+1), Args: args}
	}
	return walk(e, 0)
}

// generality scores how general a pattern is, for ordering definitions most specific first:
// literals 0, _h 10, _ 20, sequences more, a condition or test a little less than its
// pattern, a structure the average of its parts.
func generality(e Expr) int { return generalityAt(e, 0) }

func generalityAt(e Expr, depth int) int {
	n, ok := e.(*Normal)
	if !ok {
		return 0
	}
	walkDeeper(depth)
	switch n.Head {
	case SymBlank:
		if len(n.Args) > 0 {
			return 10
		}
		return 20
	case SymBlankSeq:
		return 40
	case SymBlankNullSeq:
		return 50
	case SymPattern:
		if len(n.Args) == 2 {
			return generalityAt(n.Args[1], depth+1)
		}
	case SymCondition, SymPatternTest:
		if len(n.Args) == 2 {
			return generalityAt(n.Args[0], depth+1) - 5
		}
	case SymAlternatives:
		g := 0
		for _, a := range n.Args {
			g = max(g, generalityAt(a, depth+1))
		}
		return g
	case SymOptional:
		if len(n.Args) > 0 {
			return generalityAt(n.Args[0], depth+1) + 5
		}
	}
	// a structure is as general as its parts on average: {"prices", _String, _} is more
	// specific than _ alone, and f[_Integer, _] more specific than f[_, _]
	if len(n.Args) == 0 {
		return generalityAt(n.Head, depth+1)
	}
	g := 0
	for _, a := range n.Args {
		g += generalityAt(a, depth+1)
	}
	return generalityAt(n.Head, depth+1) + g/len(n.Args)
}

// rule is one definition: lhs = rhs or lhs := rhs.
type rule struct {
	lhs, rhs   Expr
	delayed    bool
	generality int
}

// ruleSet holds a symbol's definitions: exact ones (no patterns) by hash, the rest ordered most
// specific first, in order of definition among equals.
type ruleSet struct {
	exact map[uint64][]rule
	rules []rule
}

func (rs *ruleSet) add(r rule) {
	if !hasPattern(r.lhs) {
		if rs.exact == nil {
			rs.exact = map[uint64][]rule{}
		}
		h := hash(r.lhs)
		for i, old := range rs.exact[h] {
			if SameQ(old.lhs, r.lhs) {
				rs.exact[h][i] = r
				return
			}
		}
		rs.exact[h] = append(rs.exact[h], r)
		return
	}
	// f[y_] := … replaces f[x_] := …: pattern names do not make a definition different
	key := patternShape(r.lhs)
	for i, old := range rs.rules {
		if SameQ(patternShape(old.lhs), key) {
			r.generality = old.generality
			rs.rules[i] = r
			return
		}
	}
	r.generality = generality(r.lhs)
	rs.rules = append(rs.rules, r)
	sort.SliceStable(rs.rules, func(i, j int) bool { return rs.rules[i].generality < rs.rules[j].generality })
}

func (rs *ruleSet) remove(lhs Expr) bool {
	if rs.exact != nil {
		h := hash(lhs)
		for i, old := range rs.exact[h] {
			if SameQ(old.lhs, lhs) {
				rs.exact[h] = append(rs.exact[h][:i], rs.exact[h][i+1:]...)
				return true
			}
		}
	}
	for i, old := range rs.rules {
		if SameQ(old.lhs, lhs) {
			rs.rules = append(rs.rules[:i], rs.rules[i+1:]...)
			return true
		}
	}
	return false
}

// applyDefinitions tries a symbol's definitions on e and evaluates the first that applies.
// Return[x] in the right side returns x from here.
func (s *Session) applyDefinitions(rs *ruleSet, e *Normal) (Expr, bool) {
	if rs.exact != nil {
		for _, r := range rs.exact[hash(e)] {
			if SameQ(r.lhs, e) {
				if SameQ(r.rhs, e) {
					return e, true
				}
				return s.evalRHS(r.rhs), true
			}
		}
	}
	for _, r := range rs.rules {
		var b bindings
		if !s.match(r.lhs, e, &b) {
			continue
		}
		rhs := b.substitute(r.rhs)
		// f[x_] := body /; test applies only when the test holds
		if c, ok := rhs.(*Normal); ok && r.delayed && c.Head == SymCondition && len(c.Args) == 2 {
			if s.Eval(c.Args[1]) != SymTrue {
				continue
			}
			rhs = c.Args[0]
		}
		if SameQ(rhs, e) {
			// ff[x_] := ff[x]: the rule gives back what it was given, a fixed point
			return e, true
		}
		return s.evalRHS(rhs), true
	}
	return nil, false
}

func (s *Session) evalRHS(rhs Expr) (v Expr) {
	if literal(rhs) {
		return rhs
	}
	depth := s.depth
	defer func() {
		if r := recover(); r != nil {
			s.depth = depth
			ret, ok := r.(returnSignal)
			if !ok {
				panic(r)
			}
			v = ret.value
		}
	}()
	return s.Eval(rhs)
}

// applyRule tries one rule on e: lhs -> rhs, or lhs :> rhs /; test, which applies only when
// the test holds.
func (s *Session) applyRule(r *Normal, e Expr) (Expr, bool) {
	var b bindings
	if !s.match(r.Args[0], e, &b) {
		return nil, false
	}
	rhs := b.substitute(r.Args[1])
	if r.Head == SymRuleDelayed {
		if c, ok := rhs.(*Normal); ok && c.Head == SymCondition && len(c.Args) == 2 {
			if s.Eval(c.Args[1]) != SymTrue {
				return nil, false
			}
			rhs = c.Args[0]
		}
	}
	return rhs, true
}

// replaceAll applies rules to e and its parts, outermost first; a replaced part is not
// searched again. It reports whether anything was replaced.
func (s *Session) replaceAll(e Expr, rules []*Normal) (Expr, bool) {
	return s.replaceAllAt(e, rules, 0)
}

func (s *Session) replaceAllAt(e Expr, rules []*Normal, depth int) (Expr, bool) {
	walkDeeper(depth)
	for _, r := range rules {
		if rhs, ok := s.applyRule(r, e); ok {
			return rhs, true
		}
	}
	n, ok := e.(*Normal)
	if !ok {
		if a, ok := e.(*Assoc); ok {
			out := a.clone()
			any := false
			for i := range out.vals {
				if v, ok := s.replaceAllAt(out.vals[i], rules, depth+1); ok {
					out.vals[i], any = v, true
				}
			}
			return out, any
		}
		return e, false
	}
	h, changed := s.replaceAllAt(n.Head, rules, depth+1)
	var args []Expr
	for i, a := range n.Args {
		if v, ok := s.replaceAllAt(a, rules, depth+1); ok {
			if args == nil {
				args = append([]Expr(nil), n.Args...)
			}
			args[i], changed = v, true
		}
	}
	if !changed {
		return e, false
	}
	if args == nil {
		args = n.Args
	}
	return &Normal{Head: h, Args: args}, true
}
