package grammar

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// fold turns participle's flat sequences into FullForm trees with the tables in ops.go, by
// precedence climbing over a list of items.

type itemKind uint8

const (
	itOperand itemKind = iota
	itPrefix
	itInfix
	itPostfix
	itOptional // ";" or ";;" whose right operand may be missing
)

type item struct {
	kind   itemKind
	op     string
	node   *Node
	pos    Position
	suffix []*pSuffix // suffixes written after a postfix "&": (# + 1)&[2]
}

// maxDepth bounds the nesting the folder accepts, so that no input can exhaust the Go stack.
const maxDepth = 2000

type folder struct {
	items []item
	i     int
	depth int
	src   string
	err   *SyntaxError
}

func (f *folder) fail(pos Position, format string) {
	if f.err == nil {
		f.err = &SyntaxError{Pos: pos, Tag: "sntx", Msg: format, Src: f.src}
	}
}

func (f *folder) seq(s *pSeq) *Node {
	items := f.operandItems(nil, s.Head)
	for _, st := range s.Steps {
		items = f.stepItems(items, st.Pos, st.Postfix, st.PSuffix, st.Infix, st.Operand, st.Opt, st.OptOp, st.Juxt)
	}
	return f.climbAll(items)
}

func (f *folder) aseq(s *pASeq) *Node {
	items := f.operandItems(nil, s.Head)
	for _, st := range s.Steps {
		items = f.stepItems(items, st.Pos, st.Postfix, st.PSuffix, st.Infix, st.Operand, "", nil, st.Juxt)
	}
	return f.climbAll(items)
}

func (f *folder) stepItems(items []item, pos Position, postfix string, psuf []*pSuffix, infix string,
	operand *pOperand, opt string, optOp *pOperand, juxt *pOperand) []item {
	switch {
	case postfix != "":
		return append(items, item{kind: itPostfix, op: postfix, pos: pos, suffix: psuf})
	case infix != "":
		items = append(items, item{kind: itInfix, op: infix, pos: pos})
		return f.operandItems(items, operand)
	case opt != "":
		items = append(items, item{kind: itOptional, op: opt, pos: pos})
		if optOp != nil {
			items = f.operandItems(items, optOp)
		}
		return items
	default:
		items = append(items, item{kind: itInfix, op: implicitTimes, pos: pos})
		return f.operandItems(items, juxt)
	}
}

func (f *folder) operandItems(items []item, o *pOperand) []item {
	for _, p := range o.Prefix {
		items = append(items, item{kind: itPrefix, op: p, pos: o.Pos})
	}
	n := f.primary(o.Primary)
	n = f.suffixes(n, o.Suffix)
	return append(items, item{kind: itOperand, node: n, pos: o.Primary.Pos})
}

func (f *folder) climbAll(items []item) *Node {
	saved, savedI := f.items, f.i
	f.items, f.i = items, 0
	n := f.climb(0)
	if f.i < len(f.items) && f.err == nil {
		// cannot happen with the grammar's sequences; kept as a guard
		f.fail(f.items[f.i].pos, "unexpected operator")
	}
	f.items, f.i = saved, savedI
	return n
}

func (f *folder) climb(minPrec int) *Node {
	f.depth++
	defer func() { f.depth-- }()
	if f.depth > maxDepth {
		f.fail(f.items[min(f.i, len(f.items)-1)].pos, "the input is nested too deeply")
		return Sym("Null")
	}
	lhs := f.unary()
	for f.i < len(f.items) && f.err == nil {
		it := f.items[f.i]
		switch it.kind {
		case itPostfix:
			op := postfixOps[it.op]
			if op.prec < minPrec {
				return lhs
			}
			f.i++
			lhs = &Node{Kind: Call, Head: Sym(op.head), Args: []*Node{lhs}, Pos: it.pos}
			lhs = f.suffixes(lhs, it.suffix)
		case itInfix, itOptional:
			op := infixOps[it.op]
			if op.prec < minPrec {
				return lhs
			}
			f.i++
			var rhs *Node
			if it.kind == itOptional && (f.i >= len(f.items) || f.items[f.i].kind != itOperand && f.items[f.i].kind != itPrefix) {
				// a; is CompoundExpression[a, Null]; a;; is Span[a, All]
				rhs = Sym("Null")
				if it.op == ";;" {
					rhs = Sym("All")
				}
			} else {
				next := op.prec + 1
				if op.assoc == right {
					next = op.prec
				}
				rhs = f.climb(next)
			}
			lhs = combine(it.op, op, lhs, rhs, it.pos)
		default:
			return lhs
		}
	}
	return lhs
}

func (f *folder) unary() *Node {
	if f.i >= len(f.items) {
		return Sym("Null")
	}
	it := f.items[f.i]
	f.i++
	if it.kind == itOperand {
		return it.node
	}
	// a prefix operator applies to what follows, up to operators that bind more loosely
	op := prefixOps[it.op]
	x := f.climb(op.prec)
	switch it.op {
	case "+":
		return x
	case "-":
		return negate(x, it.pos)
	case ";;":
		if x.stepOnly {
			// ;; ;; k is Span[1, All, k]
			return &Node{Kind: Call, Head: Sym("Span"), Args: []*Node{Int("1"), Sym("All"), x.Args[1]}, Pos: it.pos}
		}
		return &Node{Kind: Call, Head: Sym("Span"), Args: []*Node{Int("1"), x}, Pos: it.pos, stepOnly: true}
	}
	return &Node{Kind: Call, Head: Sym(op.head), Args: []*Node{x}, Pos: it.pos}
}

// negate gives -x: a literal number becomes a negative literal (as Wolfram reads -5), anything
// else Times[-1, x].
func negate(x *Node, pos Position) *Node {
	if !x.paren && (x.Kind == Integer || x.Kind == Real) {
		if strings.HasPrefix(x.Text, "-") {
			return &Node{Kind: x.Kind, Text: x.Text[1:], Pos: pos}
		}
		return &Node{Kind: x.Kind, Text: "-" + x.Text, Pos: pos}
	}
	return &Node{Kind: Call, Head: Sym("Times"), Args: []*Node{Int("-1"), x}, Pos: pos}
}

func combine(tok string, op infixOp, lhs, rhs *Node, pos Position) *Node {
	switch tok {
	case "@":
		return &Node{Kind: Call, Head: lhs, Args: []*Node{rhs}, Pos: pos}
	case "//":
		return &Node{Kind: Call, Head: rhs, Args: []*Node{lhs}, Pos: pos}
	case "-":
		rhs = negate(rhs, rhs.Pos)
	case "/":
		rhs = &Node{Kind: Call, Head: Sym("Power"), Args: []*Node{rhs, Int("-1")}, Pos: rhs.Pos}
	case ";;":
		if rhs.stepOnly && !rhs.paren {
			// a ;; ;; k is Span[a, All, k]
			return &Node{Kind: Call, Head: Sym("Span"), Args: []*Node{lhs, Sym("All"), rhs.Args[1]}, Pos: pos}
		}
	case "@@@":
		return &Node{Kind: Call, Head: Sym("Apply"), Args: []*Node{lhs, rhs, Apply("List", Int("1"))}, Pos: pos}
	case ":":
		// x:p names a pattern; p:v (p itself a pattern) is Optional[p, v], a default value
		if lhs.Kind != Symbol {
			return &Node{Kind: Call, Head: Sym("Optional"), Args: []*Node{lhs, rhs}, Pos: pos}
		}
	}
	switch op.assoc {
	case flat:
		if lhs.IsCall(op.head) && !lhs.paren {
			lhs.Args = append(lhs.Args, rhs)
			return lhs
		}
	case chain:
		if !lhs.paren && isComparison(lhs) {
			return extendChain(lhs, op.head, rhs)
		}
		return &Node{Kind: Call, Head: Sym(op.head), Args: []*Node{lhs, rhs}, Pos: pos, chained: true}
	}
	return &Node{Kind: Call, Head: Sym(op.head), Args: []*Node{lhs, rhs}, Pos: pos}
}

var comparisonHeads = map[string]bool{"Equal": true, "Unequal": true, "Less": true, "Greater": true,
	"LessEqual": true, "GreaterEqual": true, "Inequality": true}

// isComparison reports whether n is a comparison chain the folder built (not Less[a, b] as
// written, and not one in parentheses).
func isComparison(n *Node) bool {
	return n.chained && n.Kind == Call && comparisonHeads[n.Head.Text]
}

func extendChain(lhs *Node, head string, rhs *Node) *Node {
	if lhs.Head.Text == head && head != "Inequality" {
		lhs.Args = append(lhs.Args, rhs)
		return lhs
	}
	// a < b == c is Inequality[a, Less, b, Equal, c]
	var args []*Node
	if lhs.Head.Text == "Inequality" {
		args = lhs.Args
	} else {
		for i, a := range lhs.Args {
			if i > 0 {
				args = append(args, Sym(lhs.Head.Text))
			}
			args = append(args, a)
		}
	}
	args = append(args, Sym(head), rhs)
	return &Node{Kind: Call, Head: Sym("Inequality"), Args: args, Pos: lhs.Pos, chained: true}
}

func (f *folder) suffixes(n *Node, sfx []*pSuffix) *Node {
	for _, s := range sfx {
		if s.Part {
			args := append([]*Node{n}, f.args(s.PArgs)...)
			n = &Node{Kind: Call, Head: Sym("Part"), Args: args, Pos: s.Pos}
		} else {
			n = &Node{Kind: Call, Head: n, Args: f.args(s.CArgs), Pos: s.Pos}
		}
	}
	return n
}

func (f *folder) args(a *pArgs) []*Node {
	if a == nil {
		return nil
	}
	out := make([]*Node, 0, len(a.Items))
	for _, it := range a.Items {
		if it.Span {
			// ;; alone, as in m[[;;, 2]], is everything: Span[1, All]
			out = append(out, Apply("Span", Int("1"), Sym("All")))
			continue
		}
		if it.Angle != nil {
			l := &Node{Kind: Call, Head: Sym("List"), Pos: it.Angle.Pos}
			for _, s := range it.Angle.Items {
				l.Args = append(l.Args, f.aseq(s))
			}
			out = append(out, l)
			continue
		}
		out = append(out, f.seq(it.Seq))
	}
	return out
}

func (f *folder) primary(p *pPrimary) *Node {
	pos := p.Pos
	switch {
	case p.Int != "":
		return f.integer(p.Int, pos)
	case p.Real != "":
		return &Node{Kind: Real, Text: p.Real, Pos: pos}
	case p.Str != "":
		return &Node{Kind: String, Text: unquote(p.Str), Pos: pos}
	case p.Ident != "":
		return &Node{Kind: Symbol, Text: p.Ident, Pos: pos}
	case p.Msg != "":
		sym, tag, _ := strings.Cut(p.Msg, "::")
		return &Node{Kind: Call, Head: Sym("MessageName"), Args: []*Node{Sym(sym), Str(tag)}, Pos: pos}
	case p.Blank != "":
		return blank(p.Blank, pos)
	case p.Slot != "":
		return slot(p.Slot, pos)
	case p.Out != "":
		return out(p.Out, pos)
	case p.Paren != nil:
		n := f.seq(p.Paren)
		n.paren = true
		return n
	case p.List:
		return &Node{Kind: Call, Head: Sym("List"), Args: f.args(p.LArgs), Pos: pos}
	case p.Assoc:
		return &Node{Kind: Call, Head: Sym("Association"), Args: f.args(p.AArgs), Pos: pos}
	}
	return Sym("Null")
}

// integer reads 123, 16^^ff and 2*^3 (an integer times a power of ten stays exact).
func (f *folder) integer(text string, pos Position) *Node {
	if b, digits, ok := strings.Cut(text, "^^"); ok {
		base, err := strconv.Atoi(b)
		if err != nil || base < 2 || base > 36 {
			f.fail(pos, "the number "+strconv.Quote(text)+" has a base outside 2 to 36")
			return Int("0")
		}
		v, okv := new(big.Int).SetString(strings.ToLower(digits), base)
		if !okv {
			f.fail(pos, "the number "+strconv.Quote(text)+" is not valid in its base")
			return Int("0")
		}
		return &Node{Kind: Integer, Text: v.String(), Pos: pos}
	}
	if mant, exp, ok := strings.Cut(text, "*^"); ok {
		e, err := strconv.Atoi(exp)
		if err != nil || e > 100000 || e < -100000 {
			f.fail(pos, "the exponent of "+strconv.Quote(text)+" is out of range")
			return Int("0")
		}
		if e >= 0 {
			return &Node{Kind: Integer, Text: mant + strings.Repeat("0", e), Pos: pos}
		}
		return &Node{Kind: Call, Head: Sym("Times"), Args: []*Node{Int(mant),
			Apply("Power", Int("10"), Int(strconv.Itoa(e)))}, Pos: pos}
	}
	if len(text) > maxDigits {
		f.fail(pos, fmt.Sprintf("the number has more than %d digits", maxDigits))
		return Int("0")
	}
	return &Node{Kind: Integer, Text: text, Pos: pos}
}

// maxDigits bounds integer literals: reading a decimal number takes quadratic time, and one of
// ten million digits would hang the session.
const maxDigits = 200000

// blank reads x_, x__, x___, _h, x_h and x_. into Pattern, Blank, BlankSequence,
// BlankNullSequence and Optional.
func blank(text string, pos Position) *Node {
	i := strings.IndexByte(text, '_')
	name, rest := text[:i], text[i:]
	n := 0
	for n < len(rest) && rest[n] == '_' {
		n++
	}
	head := rest[n:]
	optional := head == "."
	if optional {
		head = ""
	}
	kind := [...]string{"", "Blank", "BlankSequence", "BlankNullSequence"}[n]
	b := &Node{Kind: Call, Head: Sym(kind), Pos: pos}
	if head != "" {
		b.Args = []*Node{Sym(head)}
	}
	var r *Node = b
	if name != "" {
		r = &Node{Kind: Call, Head: Sym("Pattern"), Args: []*Node{Sym(name), b}, Pos: pos}
	}
	if optional {
		r = &Node{Kind: Call, Head: Sym("Optional"), Args: []*Node{r}, Pos: pos}
	}
	return r
}

// slot reads #, #2, #name, ##, ##2.
func slot(text string, pos Position) *Node {
	if strings.HasPrefix(text, "##") {
		k := text[2:]
		if k == "" {
			k = "1"
		}
		return &Node{Kind: Call, Head: Sym("SlotSequence"), Args: []*Node{Int(k)}, Pos: pos}
	}
	k := text[1:]
	switch {
	case k == "":
		return &Node{Kind: Call, Head: Sym("Slot"), Args: []*Node{Int("1")}, Pos: pos}
	case isDigit(k[0]):
		return &Node{Kind: Call, Head: Sym("Slot"), Args: []*Node{Int(k)}, Pos: pos}
	}
	return &Node{Kind: Call, Head: Sym("Slot"), Args: []*Node{Str(k)}, Pos: pos}
}

// out reads % (Out[]), %% (Out[-2]), %%% (Out[-3]) and %7 (Out[7]).
func out(text string, pos Position) *Node {
	n := strings.Count(text, "%")
	digits := text[n:]
	switch {
	case digits != "":
		return &Node{Kind: Call, Head: Sym("Out"), Args: []*Node{Int(digits)}, Pos: pos}
	case n == 1:
		return &Node{Kind: Call, Head: Sym("Out"), Pos: pos}
	}
	return &Node{Kind: Call, Head: Sym("Out"), Args: []*Node{Int("-" + strconv.Itoa(n))}, Pos: pos}
}
