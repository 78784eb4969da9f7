package eval

import (
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"

	"github.com/socketrepl/socketrepl/grammar"
)

// Lower turns a syntax tree into an (unevaluated) expression.
func (s *Session) Lower(n *grammar.Node) Expr {
	if n == nil {
		return SymNull
	}
	switch n.Kind {
	case grammar.Symbol:
		return s.Intern(n.Text)
	case grammar.Integer:
		if v, err := strconv.ParseInt(n.Text, 10, 64); err == nil {
			return Int(v)
		}
		v, ok := new(big.Int).SetString(n.Text, 10)
		if !ok {
			return SymFailed
		}
		return BigOrInt(v)
	case grammar.Real:
		return parseReal(n.Text)
	case grammar.String:
		return String(n.Text)
	}
	args := make([]Expr, len(n.Args))
	for i, a := range n.Args {
		args[i] = s.Lower(a)
	}
	return &Normal{Head: s.Lower(n.Head), Args: args}
}

// parseReal reads 1.5, .5, 3., 1.5*^3 and -2.5 (precision marks were dropped by the lexer).
func parseReal(text string) Expr {
	t := strings.Replace(text, "*^", "e", 1)
	if i := strings.IndexByte(t, '`'); i >= 0 {
		t = t[:i]
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil {
		// out of range: ParseFloat gives ±Inf with an error; Wolfram would give a big real
		return Real(v)
	}
	return Real(v)
}

// maxDigits bounds the digits of an integer read from text (the grammar and JSON): decimal
// conversion takes quadratic time, and a number of ten million digits would hang the session.
const maxDigits = 200000

// Eval evaluates e to its value under the session's definitions.
func (s *Session) Eval(e Expr) Expr {
	switch x := e.(type) {
	case *Symbol:
		if x.own != nil {
			if literal(x.own) {
				return x.own
			}
			return s.evalOwn(x)
		}
		if x.builtin != nil && x.builtin.Value != nil {
			return x.builtin.Value(s)
		}
		return x
	case *Normal:
		if x.inert || x.epoch == s.epoch {
			return x
		}
		return s.evalNormal(x)
	}
	return e
}

func (s *Session) evalOwn(x *Symbol) Expr {
	if x.own == Expr(x) {
		// y := y: evaluation stops where nothing changes, as in Wolfram
		return x
	}
	s.enter()
	v := s.Eval(x.own)
	s.leave()
	return v
}

// enter counts one level of evaluation depth and checks for Ctrl-C. Its partner leave is
// called without defer, on the hot path; a signal unwinding through here leaves the count
// high, and every place that recovers a signal puts the depth back as it was.
func (s *Session) enter() {
	s.depth++
	if s.depth > RecursionLimit {
		s.depth = 0
		s.Message("$RecursionLimit", "reclim", Int(RecursionLimit))
		panic(abortSignal{})
	}
	if s.interrupted.Load() {
		panic(abortSignal{})
	}
}

func (s *Session) leave() { s.depth-- }

func (s *Session) evalNormal(n *Normal) Expr {
	s.enter()
	start, messages := s.epoch, s.msgSerial
	r := s.evalNormal1(n)
	s.leave()
	// a call that came back as itself, with nothing changed meanwhile, is a fixed point
	// until something changes; not one that said something, which says it again each time
	if rn, ok := r.(*Normal); ok && s.epoch == start && s.msgSerial == messages && rn.epoch != start && rn.Head == n.Head && sameArgs(rn, n) {
		rn.epoch = start
	}
	return r
}

// sameArgs reports whether a's arguments are the very values of b's (no re-evaluation needed
// to tell: a call that evaluated to itself shares them).
func sameArgs(a, b *Normal) bool {
	if len(a.Args) != len(b.Args) {
		return false
	}
	for i := range a.Args {
		if a.Args[i] != b.Args[i] {
			return false
		}
	}
	return true
}

func (s *Session) evalNormal1(n *Normal) Expr {
	head := s.Eval(n.Head)
	var sym *Symbol
	var attrs Attr
	if hs, ok := head.(*Symbol); ok {
		sym, attrs = hs, hs.attrs
	}
	if sym != nil && attrs&(HoldAllComplete|Flat|Orderless|SequenceHold) == 0 && sym.down == nil &&
		sym.builtin != nil && sym.builtin.Transient && len(n.Args) <= scratchArgs {
		if r, ok := s.evalTransient(sym, n); ok {
			return r
		}
	}
	return s.evalArgsAndApply(n, head, sym, attrs)
}

// evalArgsAndApply is the general path: evaluate the arguments as the attributes say, then
// apply definitions, the builtin, or the compound head.
func (s *Session) evalArgsAndApply(n *Normal, head Expr, sym *Symbol, attrs Attr) Expr {
	args := n.Args
	changed := head != n.Head
	if attrs&HoldAllComplete == 0 {
		for i, a := range n.Args {
			if (i == 0 && attrs&HoldFirst != 0) || (i > 0 && attrs&HoldRest != 0) {
				// Evaluate[x] in a held position is evaluated all the same
				if an, ok := a.(*Normal); ok && an.Head == symEvaluate && len(an.Args) == 1 {
					if !changed {
						args, changed = append([]Expr(nil), n.Args...), true
					}
					args[i] = s.Eval(an.Args[0])
				}
				continue
			}
			if an, ok := a.(*Normal); ok && an.Head == SymUnevaluated && len(an.Args) == 1 {
				if !changed {
					args, changed = append([]Expr(nil), n.Args...), true
				}
				args[i] = an.Args[0]
				continue
			}
			v := s.Eval(a)
			if v != a {
				if !changed {
					args, changed = append([]Expr(nil), n.Args...), true
				}
				args[i] = v
			}
		}
		if attrs&SequenceHold == 0 {
			if spliced, ok := spliceSequences(args); ok {
				args, changed = spliced, true
			}
		}
	}
	if attrs&Flat != 0 {
		if flat, ok := flatten(head, args); ok {
			args, changed = flat, true
		}
	}
	if attrs&Orderless != 0 && !sortedCanonically(args) {
		if !changed {
			args, changed = append([]Expr(nil), args...), true
		}
		sortCanonical(args)
	}
	if sym == nil {
		if f, ok := head.(*Normal); ok && f.Head == SymFunction {
			return s.applyFunction(f, args) // no call to build: the function takes the values
		}
	}
	expr := n
	if changed {
		expr = &Normal{Head: head, Args: args}
	}
	if attrs&Listable != 0 {
		if r, ok := s.thread(expr); ok {
			return r
		}
	}
	if sym != nil {
		if sym.down != nil {
			if r, ok := s.applyDefinitions(sym.down, expr); ok {
				return r
			}
		}
		if b := sym.builtin; b != nil && b.Fn != nil {
			if r := s.callBuiltin(b, expr); r != nil {
				return r
			}
		}
		if sym == SymList && !expr.inert {
			expr.inert = allLiteral(expr.Args)
		}
		if sym.down == nil && sym.builtin == nil && !sym.system && len(expr.Args) > 0 {
			s.hintUnknown(sym)
		}
		return expr
	}
	return s.applyCompoundHead(head, expr)
}

var symEvaluate = sys("Evaluate")

// scratchCall is a call evaluated in place, for builtins marked Transient: arithmetic and
// comparisons, which keep nothing of their call, so Power[i, 2] in a loop allocates no call.
type scratchCall struct {
	n    Normal
	args [scratchArgs]Expr
}

// scratchArgs is the most arguments a scratch call holds.
const scratchArgs = 4

// evalTransient evaluates the arguments into a scratch call and runs the builtin on it. It
// gives up (ok false, having evaluated nothing twice) only before evaluating anything; when
// the builtin leaves the call unevaluated, a real call is built from the scratch.
func (s *Session) evalTransient(sym *Symbol, n *Normal) (Expr, bool) {
	for _, a := range n.Args {
		if an, ok := a.(*Normal); ok && (an.Head == SymUnevaluated || an.Head == symEvaluate || an.Head == SymSequence) {
			return nil, false // the general path unwraps and splices these, held or not
		}
	}
	if s.depth >= len(s.scratch) {
		// grown as evaluation gets deeper, not allocated whole for every session; a frame
		// above keeps using its slot through its own pointer, which a reallocation here leaves
		// valid (the old array stays alive while it is used)
		s.scratch = append(s.scratch, make([]scratchCall, s.depth+16-len(s.scratch))...)
	}
	sc := &s.scratch[s.depth]
	args := sc.args[:len(n.Args)]
	for i, a := range n.Args {
		if (i == 0 && sym.attrs&HoldFirst != 0) || (i > 0 && sym.attrs&HoldRest != 0) {
			args[i] = a // held, as the general path holds it (Evaluate[…] went there above)
			continue
		}
		v := s.Eval(a)
		if HasHead(v, SymSequence) || (sym.attrs&Listable != 0 && IsList(v)) {
			// splicing and threading take the general path, from the values already computed
			vals := append([]Expr(nil), args[:i]...)
			vals = append(vals, v)
			for _, b := range n.Args[i+1:] {
				if sym.attrs&HoldRest != 0 {
					vals = append(vals, b)
				} else {
					vals = append(vals, s.Eval(b))
				}
			}
			clear(args)
			// the general path, not this one again: the arguments are values now, and
			// evaluating them once more gives them back
			return s.evalArgsAndApply(&Normal{Head: sym, Args: vals}, sym, sym, sym.attrs), true
		}
		args[i] = v
	}
	sc.n.Head, sc.n.Args = sym, args
	r := s.callBuiltin(sym.builtin, &sc.n)
	if r == nil {
		r = &Normal{Head: sym, Args: append([]Expr(nil), args...)}
		if sym.down == nil && !sym.system {
			s.hintUnknown(sym)
		}
	}
	clear(args) // drop the references, so that the scratch keeps nothing alive
	return r, true
}

// applyCompoundHead evaluates h[args] where h is not a symbol: a pure function, an association
// lookup, SubValues f[a][b], or an object's property (SocketObject[…]["Name"]).
func (s *Session) applyCompoundHead(head Expr, expr *Normal) Expr {
	switch h := head.(type) {
	case *Normal:
		if h.Head == SymFunction {
			return s.applyFunction(h, expr.Args)
		}
		if inner := innermostSymbol(h); inner != nil {
			if inner.sub != nil {
				if r, ok := s.applyDefinitions(inner.sub, expr); ok {
					return r
				}
			}
			if b := inner.builtin; b != nil && b.Sub != nil && h.Head == inner {
				if r := b.Sub(s, h, expr.Args); r != nil {
					return r
				}
			}
		}
	case *Assoc:
		if len(expr.Args) == 1 {
			if v, ok := h.Get(expr.Args[0]); ok {
				return v
			}
			return NewNormal(SymMissing, String("KeyAbsent"), expr.Args[0])
		}
	}
	return expr
}

// innermostSymbol gives f for f[a][b][c].
func innermostSymbol(e Expr) *Symbol {
	for {
		switch x := e.(type) {
		case *Symbol:
			return x
		case *Normal:
			e = x.Head
		default:
			return nil
		}
	}
}

func allLiteral(args []Expr) bool {
	for _, a := range args {
		if !literal(a) {
			return false
		}
	}
	return true
}

// spliceSequences flattens Sequence[…] arguments into the argument list.
func spliceSequences(args []Expr) ([]Expr, bool) {
	found := false
	for _, a := range args {
		if HasHead(a, SymSequence) {
			found = true
			break
		}
	}
	if !found {
		return nil, false
	}
	out := make([]Expr, 0, len(args)+4)
	for _, a := range args {
		if n, ok := a.(*Normal); ok && n.Head == SymSequence {
			out = append(out, n.Args...)
		} else {
			out = append(out, a)
		}
	}
	return out, true
}

// flatten splices nested calls of a Flat head: f[a, f[b, c]] is f[a, b, c].
func flatten(head Expr, args []Expr) ([]Expr, bool) {
	found := false
	for _, a := range args {
		if n, ok := a.(*Normal); ok && n.Head == head {
			found = true
			break
		}
	}
	if !found {
		return nil, false
	}
	var out []Expr
	var walk func([]Expr)
	walk = func(as []Expr) {
		for _, a := range as {
			if n, ok := a.(*Normal); ok && n.Head == head {
				walk(n.Args)
			} else {
				out = append(out, a)
			}
		}
	}
	walk(args)
	return out, true
}

// thread applies a Listable function element by element: {1, 2} + 1 is {2, 3}.
func (s *Session) thread(n *Normal) (Expr, bool) {
	if r, ok := s.threadIntegers(n); ok {
		return r, true
	}
	length := -1
	for _, a := range n.Args {
		if l, ok := a.(*Normal); ok && l.Head == SymList {
			if length >= 0 && len(l.Args) != length {
				s.Message("Thread", "tdlen", n)
				return nil, false
			}
			length = len(l.Args)
		}
	}
	if length < 0 {
		return nil, false
	}
	out := make([]Expr, length)
	for i := range out {
		args := make([]Expr, len(n.Args))
		for j, a := range n.Args {
			if l, ok := a.(*Normal); ok && l.Head == SymList {
				args[j] = l.Args[i]
			} else {
				args[j] = a
			}
		}
		out[i] = s.Eval(&Normal{Head: n.Head, Args: args})
	}
	return List(out...), true
}

// applyFunction applies a pure function: Function[body] with slots, Function[x, body] or
// Function[{x, y}, body].
func (s *Session) applyFunction(f *Normal, args []Expr) Expr {
	switch len(f.Args) {
	case 1:
		if slotFree(f) {
			return s.Eval(f.Args[0]) // as a handler that only counts: nothing to put in
		}
		return s.Eval(substituteSlots(f.Args[0], args))
	case 2, 3:
		var params []Expr
		if l, ok := f.Args[0].(*Normal); ok && l.Head == SymList {
			params = l.Args
		} else {
			params = []Expr{f.Args[0]}
		}
		var b bindings
		for i, p := range params {
			ps, ok := p.(*Symbol)
			if !ok {
				continue
			}
			if i < len(args) {
				b = append(b, binding{ps, args[i]})
			}
		}
		if len(args) < len(params) {
			s.Message("Function", "fpct", f.Args[0], NewNormal(f, args...))
			return NewNormal(f, args...)
		}
		return s.Eval(b.substitute(f.Args[1]))
	}
	return NewNormal(f, args...)
}

// slotFree reports whether the pure function f's body has no slot of its own (#, ##, #name),
// found once and kept on f: applying it is then evaluating the body as it is.
func slotFree(f *Normal) bool {
	if f.slots == slotsUnknown {
		f.slots = slotsNone
		if hasSlots(f.Args[0]) {
			f.slots = slotsSome
		}
	}
	return f.slots == slotsNone
}

// hasSlots reports whether body has a slot outside the pure functions nested in it.
func hasSlots(body Expr) bool {
	n, ok := body.(*Normal)
	if !ok {
		return false
	}
	switch n.Head {
	case SymSlot, SymSlotSequence:
		return true
	case SymFunction:
		return false
	}
	if hasSlots(n.Head) {
		return true
	}
	for _, a := range n.Args {
		if hasSlots(a) {
			return true
		}
	}
	return false
}

// substituteSlots replaces #n, ## and #name in a pure function's body, leaving nested pure
// functions alone (their slots are their own).
func substituteSlots(body Expr, args []Expr) Expr {
	n, ok := body.(*Normal)
	if !ok {
		return body
	}
	switch n.Head {
	case SymSlot:
		if len(n.Args) == 1 {
			switch k := n.Args[0].(type) {
			case Int:
				if k >= 1 && int(k) <= len(args) {
					return args[k-1]
				}
				if k == 0 {
					return SymFunction
				}
			case String:
				if len(args) > 0 {
					if a, ok := args[0].(*Assoc); ok {
						if v, ok := a.Get(k); ok {
							return v
						}
						return NewNormal(SymMissing, String("KeyAbsent"), k)
					}
				}
			}
		}
		return n
	case SymSlotSequence:
		start := 1
		if len(n.Args) == 1 {
			if k, ok := n.Args[0].(Int); ok {
				start = int(k)
			}
		}
		if start-1 <= len(args) && start >= 1 {
			return NewNormal(SymSequence, args[start-1:]...)
		}
		return n
	case SymFunction:
		return n
	}
	var out []Expr
	h := substituteSlots(n.Head, args)
	for i, a := range n.Args {
		v := substituteSlots(a, args)
		if v != a && out == nil {
			out = append([]Expr(nil), n.Args...)
		}
		if out != nil {
			out[i] = v
		}
	}
	if out == nil && h == n.Head {
		return n
	}
	if out == nil {
		out = n.Args
	}
	return &Normal{Head: h, Args: out}
}

// Apply evaluates f[args...].
func (s *Session) Apply(f Expr, args ...Expr) Expr {
	return s.Eval(&Normal{Head: f, Args: args})
}

// TrueQ reports whether e is the symbol True.
func TrueQ(e Expr) bool { return e == SymTrue }

// threadIntegers is the fast way to thread Plus, Times and Power over lists of machine
// integers (Range[10^6]^2 + 1): element by element in Go, without building a call per
// element, as Wolfram's packed arrays are. Anything else (a symbol, a real, an overflow, a
// negative power) takes the general path.
func (s *Session) threadIntegers(n *Normal) (Expr, bool) {
	if n.Head != SymPlus && n.Head != SymTimes && n.Head != SymPower || len(n.Args) < 2 {
		return nil, false
	}
	if n.Head == SymPower && len(n.Args) != 2 {
		return nil, false
	}
	length := -1
	for _, a := range n.Args {
		switch x := a.(type) {
		case Int:
		case *Normal:
			if x.Head != SymList || !x.inert || length >= 0 && len(x.Args) != length {
				return nil, false
			}
			length = len(x.Args)
		default:
			return nil, false
		}
	}
	if length < 0 {
		return nil, false
	}
	arg := func(a Expr, i int) (int64, bool) {
		if l, ok := a.(*Normal); ok {
			v, ok := l.Args[i].(Int)
			return int64(v), ok
		}
		return int64(a.(Int)), true
	}
	out := make([]Expr, length)
	for i := range out {
		acc, ok := arg(n.Args[0], i)
		if !ok {
			return nil, false
		}
		for _, a := range n.Args[1:] {
			v, ok := arg(a, i)
			if !ok {
				return nil, false
			}
			var r int64
			switch n.Head {
			case SymPlus:
				r = acc + v
				ok = (acc >= 0) != (v >= 0) || (r >= 0) == (acc >= 0)
			case SymTimes:
				hi, lo := bits.Mul64(uint64(abs64(acc)), uint64(abs64(v)))
				ok = hi == 0 && lo <= math.MaxInt64 && acc != math.MinInt64 && v != math.MinInt64
				r = acc * v
			default:
				if v < 1 || v >= 64 {
					return nil, false
				}
				r, ok = intPow(acc, v)
			}
			if !ok {
				return nil, false
			}
			acc = r
		}
		out[i] = Int(acc)
		if i&4095 == 0 {
			s.checkAbort()
		}
	}
	return inertList(out), true
}
