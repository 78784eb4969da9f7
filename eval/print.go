package eval

import (
	"encoding/base64"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/socketrepl/socketrepl/grammar"
)

// Form selects a printer: OutputForm (results: strings bare, 2 x, ByteArray[<5>]) or
// InputForm (text that parses back to the same expression).
type Form uint8

const (
	OutputFormat Form = iota
	InputFormat
	FullFormat
	// messageFormat is InputForm, but byte arrays show their length, as in results
	messageFormat
)

// Formatter prints an object's expression specially in OutputForm or InputForm (the socket
// summary, say). It reports false to fall back to the ordinary form.
type Formatter func(n *Normal, form Form) (string, bool)

// formatters are keyed by head symbol; families register theirs at start-up.
var formatters = map[*Symbol]Formatter{}

// RegisterFormatter installs a special printed form for head[…]; call it from init only.
func RegisterFormatter(head string, f Formatter) { formatters[sys(head)] = f }

// InputForm renders e as parseable text.
func InputForm(e Expr) string { return format(e, InputFormat) }

// OutputForm renders e as the REPL shows results.
func OutputForm(e Expr) string { return format(e, OutputFormat) }

// FullForm renders e with every head written out: Plus[1, Times[2, x]].
func FullForm(e Expr) string { return format(e, FullFormat) }

func format(e Expr, f Form) string {
	p := printer{form: f}
	p.expr(e, 0)
	return p.b.String()
}

// Precedences of printed forms, the same numbers as the parser's table (grammar/ops.go).
const (
	precCompound = 10
	precSet      = 40
	precFunction = 90
	precAddTo    = 100
	precReplace  = 110
	precRule     = 120
	precCond     = 130
	precPattern  = 150
	precAlt      = 160
	precOr       = 215
	precAnd      = 216
	precNot      = 230
	precCompare  = 290
	precSpan     = 305
	precPlus     = 310
	precTimes    = 400
	precMinus    = 480
	precPower    = 590
	precJoin     = 600
	precMap      = 620
	precPrefix   = 640
	precIncr     = 660
	precTest     = 680
	precAtom     = 1000
)

// maxPrintDepth keeps printing of absurdly deep expressions from exhausting the stack.
const maxPrintDepth = 5000

type printer struct {
	b     strings.Builder
	form  Form
	depth int
	// limit, when positive, is how much text to keep: past it the printer stops writing (and
	// stops walking lists), so a message about a 10^8-character string costs little.
	limit int
}

func (p *printer) w(s string) {
	if p.limit > 0 {
		if room := p.limit - p.b.Len(); room < len(s) {
			if room > 0 {
				p.b.WriteString(s[:room])
			}
			return
		}
	}
	p.b.WriteString(s)
}

// full reports whether a limited printer has written all it will.
func (p *printer) full() bool { return p.limit > 0 && p.b.Len() >= p.limit }

// formatLimited renders e in form f, keeping about limit bytes.
func formatLimited(e Expr, f Form, limit int) (string, bool) {
	p := printer{form: f, limit: limit}
	p.expr(e, 0)
	return p.b.String(), p.full()
}

// expr prints e in a context that binds at precedence ctx: e is parenthesised when it binds
// more loosely.
func (p *printer) expr(e Expr, ctx int) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxPrintDepth {
		p.w("…")
		return
	}
	switch x := e.(type) {
	case Int:
		p.paren(x < 0 && ctx > precMinus, func() { p.w(strconv.FormatInt(int64(x), 10)) })
	case *BigInt:
		p.paren(x.V.Sign() < 0 && ctx > precMinus, func() { p.w(x.V.String()) })
	case *Rat:
		if p.form == FullFormat {
			p.w("Rational[" + x.V.Num().String() + ", " + x.V.Denom().String() + "]")
			return
		}
		p.paren(ctx > precTimes-1, func() { p.w(x.V.Num().String() + "/" + x.V.Denom().String()) })
	case Real:
		s := formatReal(float64(x), p.form)
		p.paren(strings.HasPrefix(s, "-") && ctx > precMinus, func() { p.w(s) })
	case String:
		if p.form == OutputFormat {
			p.w(string(x))
		} else {
			p.w(grammar.Quote(string(x)))
		}
	case *Symbol:
		p.w(x.Name)
	case *ByteArray:
		if p.form == OutputFormat || p.form == messageFormat {
			p.w("ByteArray[<" + strconv.Itoa(len(x.B)) + ">]")
		} else {
			p.w(`ByteArray["` + base64.StdEncoding.EncodeToString(x.B) + `"]`)
		}
	case *Assoc:
		p.w("<|")
		for i, r := range x.Rules() {
			if i > 0 {
				p.w(", ")
			}
			p.expr(r, precRule)
		}
		p.w("|>")
	case *Normal:
		p.normal(x, ctx)
	default:
		p.w("?")
	}
}

// prefixed writes a prefix operator and its operand, with a space between them when the two
// would otherwise run together into another token (- --x is not ---x).
func (p *printer) prefixed(op string, render func(*printer)) {
	sub := &printer{form: p.form, depth: p.depth}
	render(sub)
	text := sub.b.String()
	p.w(op)
	if text != "" && strings.ContainsRune("+-!=;", rune(text[0])) {
		p.w(" ")
	}
	p.w(text)
}

func (p *printer) paren(need bool, body func()) {
	if need {
		p.w("(")
	}
	body()
	if need {
		p.w(")")
	}
}

func (p *printer) args(args []Expr, sep string, prec int) {
	for i, a := range args {
		if p.full() {
			return
		}
		if i > 0 {
			p.w(sep)
		}
		p.expr(a, prec)
	}
}

func (p *printer) call(n *Normal) {
	p.expr(n.Head, precAtom)
	p.w("[")
	p.args(n.Args, ", ", 0)
	p.w("]")
}

// infix prints args joined by op at precedence prec; the first operand may bind at prec (left
// association) and the rest must bind tighter, or the other way round for right association.
func (p *printer) infix(n *Normal, op string, prec, ctx int, rightAssoc bool) {
	grouping := !rightAssoc && (flatHeads[n.Head] || prec == precCompare)
	p.paren(prec < ctx, func() {
		for i, a := range n.Args {
			if i > 0 {
				p.w(op)
			}
			inner := prec + 1
			if !grouping && (rightAssoc && i == len(n.Args)-1 || !rightAssoc && i == 0) {
				inner = prec
			}
			p.expr(a, inner)
		}
	})
}

// flatHeads are the operators the parser joins into one call.
var flatHeads = map[Expr]bool{SymAnd: true, SymOr: true, SymStringJoin: true, SymAlternatives: true,
	sys("SameQ"): true, sys("UnsameQ"): true, SymSpan: true, sys("Dot"): true}

// infixForms are the operators printed between their operands. right marks right
// association; flat operators (which the parser joins: a + b + c is one Plus) and comparisons
// put parentheses around an operand of the same precedence, so that the printed text reads
// back as the same expression.
var infixForms = map[*Symbol]struct {
	op    string
	prec  int
	right bool
}{
	SymRule:                {" -> ", precRule, true},
	SymRuleDelayed:         {" :> ", precRule, true},
	SymSet:                 {" = ", precSet, true},
	SymSetDelayed:          {" := ", precSet, true},
	sys("UpSet"):           {" ^= ", precSet, true},
	sys("AddTo"):           {" += ", precAddTo, true},
	sys("SubtractFrom"):    {" -= ", precAddTo, true},
	sys("TimesBy"):         {" *= ", precAddTo, true},
	sys("DivideBy"):        {" /= ", precAddTo, true},
	sys("ReplaceAll"):      {" /. ", precReplace, false},
	sys("ReplaceRepeated"): {" //. ", precReplace, false},
	SymCondition:           {" /; ", precCond, false},
	SymAlternatives:        {" | ", precAlt, false},
	SymOr:                  {" || ", precOr, false},
	SymAnd:                 {" && ", precAnd, false},
	SymEqual:               {" == ", precCompare, false},
	sys("Unequal"):         {" != ", precCompare, false},
	sys("Less"):            {" < ", precCompare, false},
	sys("Greater"):         {" > ", precCompare, false},
	sys("LessEqual"):       {" <= ", precCompare, false},
	sys("GreaterEqual"):    {" >= ", precCompare, false},
	sys("SameQ"):           {" === ", precCompare, false},
	sys("UnsameQ"):         {" =!= ", precCompare, false},
	SymSpan:                {" ;; ", precSpan, false},
	SymStringJoin:          {" <> ", precJoin, false},
	sys("Map"):             {" /@ ", precMap, true},
	sys("Apply"):           {" @@ ", precMap, true},
	SymPatternTest:         {"?", precTest, false},
}

var postfixForms = map[*Symbol]struct {
	op   string
	prec int
}{
	sys("Increment"): {"++", precIncr},
	sys("Decrement"): {"--", precIncr},
	sys("Unset"):     {" =.", precSet},
	sys("Factorial"): {"!", 610},
}

var prefixForms = map[*Symbol]struct {
	op   string
	prec int
}{
	sys("PreIncrement"): {"++", precIncr},
	sys("PreDecrement"): {"--", precIncr},
	SymNot:              {"!", precNot},
}

func (p *printer) normal(n *Normal, ctx int) {
	head, _ := n.Head.(*Symbol)
	if p.form == FullFormat || head == nil {
		if head == nil && p.form != FullFormat {
			if f, ok := n.Head.(*Normal); ok && f.Head == SymFunction && len(f.Args) == 1 {
				// (body &)[args]
				p.w("(")
				p.expr(f, 0)
				p.w(")")
				p.w("[")
				p.args(n.Args, ", ", 0)
				p.w("]")
				return
			}
		}
		p.call(n)
		return
	}
	if f, ok := formatters[head]; ok {
		if s, ok := f(n, p.form); ok {
			p.w(s)
			return
		}
	}
	args := n.Args
	switch head {
	case SymList:
		p.w("{")
		p.args(args, ", ", 0)
		p.w("}")
		return
	case SymAssociation:
		p.w("<|")
		p.args(args, ", ", precRule)
		p.w("|>")
		return
	case SymPlus:
		if len(args) >= 2 {
			p.plus(args, ctx)
			return
		}
	case SymTimes:
		if len(args) >= 2 {
			p.times(args, ctx)
			return
		}
	case SymPower:
		if len(args) == 2 {
			p.power(args, ctx)
			return
		}
	case SymCompound:
		if len(args) >= 1 {
			p.paren(precCompound < ctx, func() {
				for i, a := range args {
					if i > 0 {
						if a == SymNull && i == len(args)-1 {
							p.w(";")
							return
						}
						p.w("; ")
					}
					p.expr(a, precCompound+1)
				}
			})
			return
		}
	case SymFunction:
		if len(args) == 1 {
			p.paren(precFunction < ctx, func() {
				p.expr(args[0], precFunction+1)
				p.w(" &")
			})
			return
		}
	case SymSlot, SymSlotSequence:
		if len(args) == 1 {
			prefix := "#"
			if head == SymSlotSequence {
				prefix = "##"
			}
			switch k := args[0].(type) {
			case Int:
				if k >= 0 {
					p.w(prefix + strconv.FormatInt(int64(k), 10))
					return
				}
			case String:
				if head == SymSlot && isSymbolName(string(k)) {
					p.w("#" + string(k))
					return
				}
			}
		}
	case SymOut:
		switch {
		case len(args) == 0:
			p.w("%")
			return
		case len(args) == 1:
			if k, ok := args[0].(Int); ok {
				if k > 0 {
					p.w("%" + strconv.FormatInt(int64(k), 10))
					return
				}
				if k < 0 && k > -10 {
					p.w(strings.Repeat("%", int(-k)))
					return
				}
			}
		}
	case SymMessageName:
		if len(args) == 2 {
			if sym, ok := args[0].(*Symbol); ok {
				if tag, ok := args[1].(String); ok && isSymbolName(string(tag)) {
					p.w(sym.Name + "::" + string(tag))
					return
				}
			}
		}
	case SymPattern:
		if len(args) == 2 {
			if name, ok := args[0].(*Symbol); ok {
				if b, ok := blankForm(args[1]); ok {
					p.w(name.Name + b)
					return
				}
				p.paren(precPattern < ctx, func() {
					p.w(name.Name + ":")
					p.expr(args[1], precPattern+1)
				})
				return
			}
		}
	case SymBlank, SymBlankSeq, SymBlankNullSeq:
		if b, ok := blankForm(n); ok {
			p.w(b)
			return
		}
	case SymOptional:
		if len(args) == 1 {
			if pn, ok := args[0].(*Normal); ok && pn.Head == SymPattern && len(pn.Args) == 2 {
				if name, ok := pn.Args[0].(*Symbol); ok && SameQ(pn.Args[1], NewNormal(SymBlank)) {
					p.w(name.Name + "_.")
					return
				}
			}
		}
	case SymPart:
		if len(args) >= 2 {
			p.expr(args[0], precAtom)
			p.w("[[")
			p.args(args[1:], ", ", 0)
			p.w("]]")
			return
		}
	case SymInequality:
		if len(args) >= 3 && len(args)%2 == 1 {
			p.paren(precCompare < ctx, func() {
				for i, a := range args {
					if i%2 == 1 {
						if op, ok := a.(*Symbol); ok {
							if f, ok := infixForms[op]; ok && f.prec == precCompare {
								p.w(f.op)
								continue
							}
						}
						p.w(" ? ")
						continue
					}
					p.expr(a, precCompare+1)
				}
			})
			return
		}
	case SymHoldForm:
		if len(args) == 1 && p.form == OutputFormat {
			p.expr(args[0], ctx)
			return
		}
	case SymInputForm:
		if len(args) == 1 && p.form == OutputFormat {
			p.w(InputForm(args[0]))
			return
		}
	case SymFullForm:
		if len(args) == 1 && p.form == OutputFormat {
			p.w(FullForm(args[0]))
			return
		}
	case SymOutputForm:
		if len(args) == 1 {
			p.w(OutputForm(args[0]))
			return
		}
	case SymRational:
		if len(args) == 2 && isNumber(args[0]) && isNumber(args[1]) {
			p.paren(ctx > precTimes-1, func() {
				p.expr(args[0], precTimes)
				p.w("/")
				p.expr(args[1], precTimes+1)
			})
			return
		}
	}
	if f, ok := infixForms[head]; ok && len(args) >= 2 && !(f.right && len(args) > 2) {
		p.infix(n, f.op, f.prec, ctx, f.right)
		return
	}
	if f, ok := postfixForms[head]; ok && len(args) == 1 {
		p.paren(f.prec < ctx, func() {
			p.expr(args[0], f.prec+1)
			p.w(f.op)
		})
		return
	}
	if f, ok := prefixForms[head]; ok && len(args) == 1 {
		p.paren(f.prec < ctx, func() {
			p.prefixed(f.op, func(q *printer) { q.expr(args[0], f.prec) })
		})
		return
	}
	p.call(n)
}

// blankForm renders _, _h, __, ___h.
func blankForm(e Expr) (string, bool) {
	n, ok := e.(*Normal)
	if !ok || len(n.Args) > 1 {
		return "", false
	}
	var s string
	switch n.Head {
	case SymBlank:
		s = "_"
	case SymBlankSeq:
		s = "__"
	case SymBlankNullSeq:
		s = "___"
	default:
		return "", false
	}
	if len(n.Args) == 1 {
		h, ok := n.Args[0].(*Symbol)
		if !ok {
			return "", false
		}
		s += h.Name
	}
	return s, true
}

func isSymbolName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '$' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// plus prints a + b - c: a term with a negative coefficient is written as a subtraction.
func (p *printer) plus(args []Expr, ctx int) {
	p.paren(precPlus < ctx, func() {
		for i, a := range args {
			if i > 0 {
				if neg, ok := negated(a); ok {
					p.w(" - ")
					p.expr(neg, precPlus+1)
					continue
				}
				p.w(" + ")
			}
			if i == 0 {
				p.expr(a, precPlus)
			} else {
				p.expr(a, precPlus+1)
			}
		}
	})
}

// negated gives -e when e is a negative number or a product with a negative coefficient.
func negated(e Expr) (Expr, bool) {
	switch x := e.(type) {
	case Int:
		if x < 0 && x != math.MinInt64 {
			return -x, true
		}
	case Real:
		if x < 0 {
			return -x, true
		}
	case *Rat:
		if x.V.Sign() < 0 {
			return &Rat{V: new(ratT).Neg(x.V)}, true
		}
	case *BigInt:
		if x.V.Sign() < 0 {
			return BigOrInt(new(intT).Neg(x.V)), true
		}
	case *Normal:
		if x.Head == SymTimes && len(x.Args) >= 2 {
			if c, ok := negated(x.Args[0]); ok {
				if c == Int(1) {
					if len(x.Args) == 2 {
						return x.Args[1], true
					}
					return &Normal{Head: SymTimes, Args: x.Args[1:]}, true
				}
				rest := append([]Expr{c}, x.Args[1:]...)
				return &Normal{Head: SymTimes, Args: rest}, true
			}
		}
	}
	return nil, false
}

// times prints products: -x, 2 x (2*x in InputForm), x/y, x/2.
func (p *printer) times(args []Expr, ctx int) {
	sep := "*"
	if p.form == OutputFormat {
		sep = " "
	}
	var num, den []Expr
	for _, a := range args {
		if pw, ok := a.(*Normal); ok && pw.Head == SymPower && len(pw.Args) == 2 {
			if e, ok := negated(pw.Args[1]); ok {
				if e == Int(1) {
					den = append(den, pw.Args[0])
				} else {
					den = append(den, NewNormal(SymPower, pw.Args[0], e))
				}
				continue
			}
		}
		if r, ok := a.(*Rat); ok {
			if !r.V.Num().IsInt64() || r.V.Num().Int64() != 1 {
				num = append(num, BigOrInt(new(intT).Set(r.V.Num())))
			}
			den = append(den, BigOrInt(new(intT).Set(r.V.Denom())))
			continue
		}
		num = append(num, a)
	}
	minus := false
	// -x for Times[-1, x]; a number after it keeps the factor (-1*0 is not the literal -0)
	if len(num) > 0 && num[0] == Int(-1) && len(num)+len(den) > 1 && !(len(num) > 1 && isNumber(num[1])) {
		minus, num = true, num[1:]
	}
	prec := precTimes
	if minus {
		prec = precMinus
	}
	p.paren(prec < ctx || minus && ctx > precPlus && ctx != precTimes, func() {
		product := func(q *printer) {
			if len(num) == 0 {
				q.w("1")
			}
			for i, a := range num {
				if i > 0 {
					q.w(sep)
					if _, neg := negated(a); neg && isNumber(a) {
						// a (-2), not a -2, which would read as a subtraction
						q.paren(true, func() { q.expr(a, 0) })
						continue
					}
				}
				q.expr(a, precTimes+1)
			}
			for _, d := range den {
				q.w("/")
				q.expr(d, precTimes+1)
			}
		}
		if minus {
			p.prefixed("-", product)
		} else {
			product(p)
		}
	})
}

func (p *printer) power(args []Expr, ctx int) {
	if r, ok := args[1].(*Rat); ok && r.V.Cmp(big.NewRat(1, 2)) == 0 && p.form != FullFormat {
		p.w("Sqrt[")
		p.expr(args[0], 0)
		p.w("]")
		return
	}
	if e, ok := negated(args[1]); ok && (p.form == InputFormat || p.form == FullFormat) && e != Int(1) && isNumber(args[1]) {
		// InputForm writes x^(-2), which reads back as the same power (1/x^2 would not)
		p.paren(precPower < ctx, func() {
			p.expr(args[0], precPower+1)
			p.w("^(")
			p.expr(args[1], 0)
			p.w(")")
		})
		return
	}
	if e, ok := negated(args[1]); ok {
		// x^-1 is 1/x
		p.paren(precTimes < ctx, func() {
			p.w("1/")
			if e == Int(1) {
				p.expr(args[0], precTimes+1)
			} else {
				p.expr(NewNormal(SymPower, args[0], e), precTimes+1)
			}
		})
		return
	}
	p.paren(precPower < ctx, func() {
		p.expr(args[0], precPower+1)
		p.w("^")
		p.expr(args[1], precPower)
	})
}

// formatReal writes a machine real as Wolfram does: 1.5, 3. (an integral real keeps its point),
// 1.5*^20; OutputForm rounds to six significant digits.
func formatReal(f float64, form Form) string {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case math.IsNaN(f):
		return "Indeterminate"
	}
	var s string
	if form == OutputFormat {
		s = strconv.FormatFloat(f, 'g', 6, 64)
	} else {
		s = strconv.FormatFloat(f, 'g', -1, 64)
	}
	mant, exp, hasExp := strings.Cut(s, "e")
	if strings.Contains(mant, ".") {
		mant = strings.TrimRight(mant, "0")
	} else {
		mant += "."
	}
	if !hasExp {
		return mant
	}
	e, _ := strconv.Atoi(exp)
	return mant + "*^" + strconv.Itoa(e)
}
