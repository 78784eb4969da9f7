package eval

import (
	"math"
	"math/big"
	"math/bits"
	"sort"
	"strings"
)

type (
	intT = big.Int
	ratT = big.Rat
)

// Numbers: Int (machine), *BigInt, *Rat (exact) and Real (machine). Exact arithmetic stays
// exact; any Real makes the result Real, as in Wolfram.

func toBig(e Expr) *big.Int {
	switch x := e.(type) {
	case Int:
		return big.NewInt(int64(x))
	case *BigInt:
		return x.V
	}
	return nil
}

func toRat(e Expr) *big.Rat {
	switch x := e.(type) {
	case Int:
		return new(big.Rat).SetInt64(int64(x))
	case *BigInt:
		return new(big.Rat).SetInt(x.V)
	case *Rat:
		return x.V
	}
	return nil
}

// ToFloat converts a number to float64.
func ToFloat(e Expr) (float64, bool) {
	switch x := e.(type) {
	case Int:
		return float64(x), true
	case *BigInt:
		f, _ := new(big.Float).SetInt(x.V).Float64()
		return f, true
	case *Rat:
		f, _ := x.V.Float64()
		return f, true
	case Real:
		return float64(x), true
	}
	return 0, false
}

func isExactInt(e Expr) bool {
	switch e.(type) {
	case Int, *BigInt:
		return true
	}
	return false
}

func isZero(e Expr) bool {
	switch x := e.(type) {
	case Int:
		return x == 0
	case Real:
		return x == 0
	}
	return false
}

func isOne(e Expr) bool {
	switch x := e.(type) {
	case Int:
		return x == 1
	}
	return false
}

// addNum adds two numbers.
func addNum(a, b Expr) Expr {
	if x, ok := a.(Int); ok {
		if y, ok := b.(Int); ok {
			s := x + y
			// overflow when both operands have the same sign and the sum's sign differs
			if (x >= 0) == (y >= 0) && (s >= 0) != (x >= 0) {
				return BigOrInt(new(big.Int).Add(big.NewInt(int64(x)), big.NewInt(int64(y))))
			}
			return s
		}
	}
	if _, ok := a.(Real); ok {
		f, _ := ToFloat(b)
		return Real(float64(a.(Real)) + f)
	}
	if _, ok := b.(Real); ok {
		f, _ := ToFloat(a)
		return Real(f + float64(b.(Real)))
	}
	if isExactInt(a) && isExactInt(b) {
		return BigOrInt(new(big.Int).Add(toBig(a), toBig(b)))
	}
	return RatOrInt(new(big.Rat).Add(toRat(a), toRat(b)))
}

// mulNum multiplies two numbers.
func mulNum(a, b Expr) Expr {
	if x, ok := a.(Int); ok {
		if y, ok := b.(Int); ok {
			hi, lo := bits.Mul64(uint64(abs64(int64(x))), uint64(abs64(int64(y))))
			if hi == 0 && lo <= math.MaxInt64 && x != math.MinInt64 && y != math.MinInt64 {
				return x * y
			}
			return BigOrInt(new(big.Int).Mul(big.NewInt(int64(x)), big.NewInt(int64(y))))
		}
	}
	if _, ok := a.(Real); ok {
		f, _ := ToFloat(b)
		return Real(float64(a.(Real)) * f)
	}
	if _, ok := b.(Real); ok {
		f, _ := ToFloat(a)
		return Real(f * float64(b.(Real)))
	}
	if isExactInt(a) && isExactInt(b) {
		return BigOrInt(new(big.Int).Mul(toBig(a), toBig(b)))
	}
	return RatOrInt(new(big.Rat).Mul(toRat(a), toRat(b)))
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// cmpNum compares two numbers.
func cmpNum(a, b Expr) int {
	if x, ok := a.(Int); ok {
		if y, ok := b.(Int); ok {
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		}
	}
	_, ar := a.(Real)
	_, br := b.(Real)
	if ar || br {
		x, _ := ToFloat(a)
		y, _ := ToFloat(b)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	return toRat(a).Cmp(toRat(b))
}

func negNum(a Expr) Expr { return mulNum(Int(-1), a) }

// fnPlus adds: numbers are summed, like terms collected (x + x is 2 x), the rest kept in
// canonical order.
func fnPlus(s *Session, c *Normal) Expr {
	args := c.Args
	if len(args) == 2 {
		if x, ok := args[0].(Int); ok {
			if y, ok := args[1].(Int); ok {
				return addNum(x, y)
			}
		}
	}
	if len(args) == 0 {
		return Int(0)
	}
	if r, ok := s.plusInfinite(args); ok {
		return r
	}
	var sum Expr = Int(0)
	type term struct {
		coeff Expr
		rest  Expr
	}
	var terms []term
	for _, a := range args {
		if isNumber(a) {
			sum = addNum(sum, a)
			continue
		}
		coeff, rest := splitCoefficient(a)
		found := false
		for i := range terms {
			if SameQ(terms[i].rest, rest) {
				terms[i].coeff = addNum(terms[i].coeff, coeff)
				found = true
				break
			}
		}
		if !found {
			terms = append(terms, term{coeff, rest})
		}
	}
	out := make([]Expr, 0, len(terms)+1)
	if !isZero(sum) || len(terms) == 0 {
		if _, real := sum.(Real); real || len(terms) == 0 || !isZero(sum) {
			out = append(out, sum)
		}
	}
	for _, t := range terms {
		if isZero(t.coeff) {
			if _, real := t.coeff.(Real); real {
				out = append(out, t.coeff)
			}
			continue
		}
		out = append(out, withCoefficient(t.coeff, t.rest))
	}
	// 0. + x is x in Wolfram only for exact zero; keep a Real zero only when alone
	if len(out) > 1 {
		if r, ok := out[0].(Real); ok && r == 0 {
			out = out[1:]
		}
	}
	switch len(out) {
	case 0:
		return Int(0)
	case 1:
		return out[0]
	}
	sortCanonical(out)
	return &Normal{Head: SymPlus, Args: out}
}

// splitCoefficient splits 2 x into 2 and x, x into 1 and x.
func splitCoefficient(e Expr) (Expr, Expr) {
	if n, ok := e.(*Normal); ok && n.Head == SymTimes && len(n.Args) >= 2 && isNumber(n.Args[0]) {
		if len(n.Args) == 2 {
			return n.Args[0], n.Args[1]
		}
		return n.Args[0], &Normal{Head: SymTimes, Args: n.Args[1:]}
	}
	return Int(1), e
}

func withCoefficient(coeff, rest Expr) Expr {
	if isOne(coeff) {
		return rest
	}
	if n, ok := rest.(*Normal); ok && n.Head == SymTimes {
		return &Normal{Head: SymTimes, Args: append([]Expr{coeff}, n.Args...)}
	}
	return &Normal{Head: SymTimes, Args: []Expr{coeff, rest}}
}

// fnTimes multiplies: numbers multiplied, powers of the same base collected (x x is x^2).
func fnTimes(s *Session, c *Normal) Expr {
	args := c.Args
	if len(args) == 2 {
		if x, ok := args[0].(Int); ok {
			if y, ok := args[1].(Int); ok {
				return mulNum(x, y)
			}
		}
	}
	if len(args) == 0 {
		return Int(1)
	}
	if r, ok := s.timesInfinite(args); ok {
		return r
	}
	var prod Expr = Int(1)
	type factor struct {
		base, exp Expr
	}
	var factors []factor
	for _, a := range args {
		if isNumber(a) {
			prod = mulNum(prod, a)
			continue
		}
		base, exp := a, Expr(Int(1))
		if n, ok := a.(*Normal); ok && n.Head == SymPower && len(n.Args) == 2 {
			base, exp = n.Args[0], n.Args[1]
		}
		found := false
		for i := range factors {
			if SameQ(factors[i].base, base) && isNumber(exp) && isNumber(factors[i].exp) {
				factors[i].exp = addNum(factors[i].exp, exp)
				found = true
				break
			}
		}
		if !found {
			factors = append(factors, factor{base, exp})
		}
	}
	if isZero(prod) {
		for _, f := range factors {
			if f.base == SymComplexInfinity || f.base == SymInfinity || f.base == SymIndeterminate {
				// 0/0, 0 Infinity
				s.Message("Infinity", "indet", NewNormal(SymTimes, Int(0), f.base))
				return SymIndeterminate
			}
		}
		if _, ok := prod.(Int); ok {
			return Int(0)
		}
	}
	if prod == Int(-1) && len(factors) == 1 && isOne(factors[0].exp) {
		// -(a + b) is -a - b
		if p, ok := factors[0].base.(*Normal); ok && p.Head == SymPlus {
			terms := make([]Expr, len(p.Args))
			for i, t := range p.Args {
				terms[i] = NewNormal(SymTimes, Int(-1), t)
			}
			return s.Eval(&Normal{Head: SymPlus, Args: terms})
		}
	}
	out := make([]Expr, 0, len(factors)+1)
	if !isOne(prod) || len(factors) == 0 {
		out = append(out, prod)
	}
	for _, f := range factors {
		switch {
		case isZero(f.exp):
			continue
		case isOne(f.exp):
			out = append(out, f.base)
		default:
			out = append(out, s.Eval(NewNormal(SymPower, f.base, f.exp)))
		}
	}
	switch len(out) {
	case 0:
		return Int(1)
	case 1:
		return out[0]
	}
	// a product whose factors became numbers again (x^0) is multiplied out
	if isNumber(out[0]) && len(out) == 2 && isNumber(out[1]) {
		return mulNum(out[0], out[1])
	}
	sortCanonical(out)
	return &Normal{Head: SymTimes, Args: out}
}

// maxPowerBits bounds exact powers so that 2^(10^12) is refused rather than filling memory.
const maxPowerBits = 1 << 26

// fnPower computes exact and machine powers; what cannot be computed stays symbolic.
func fnPower(s *Session, c *Normal) Expr {
	if len(c.Args) != 2 {
		return nil
	}
	base, exp := c.Args[0], c.Args[1]
	if b, ok := base.(Int); ok {
		// machine integer to a small positive power, the common case, first
		if e, ok := exp.(Int); ok && e > 1 && e < 64 {
			if r, ok := intPow(int64(b), int64(e)); ok {
				return Int(r)
			}
		}
	}
	if isZero(exp) {
		if isZero(base) {
			s.Message("Power", "indet", NewNormal(SymPower, base, exp))
			return SymIndeterminate
		}
		if _, ok := exp.(Real); ok {
			return Real(1)
		}
		return Int(1)
	}
	if isOne(exp) || base == Int(1) {
		// x^1 is x; 1^x is 1
		if base == Int(1) {
			return Int(1)
		}
		return base
	}
	if isNumber(base) && isNumber(exp) {
		return s.numPower(base, exp, c)
	}
	if base == SymInfinity && isNumber(exp) {
		// Infinity^n is Infinity for n > 0, and 1/Infinity is 0
		if cmpNum(exp, Int(0)) > 0 {
			return SymInfinity
		}
		return Int(0)
	}
	if n, ok := base.(*Normal); ok && n.Head == SymPower && len(n.Args) == 2 && isExactInt(exp) {
		return s.Eval(NewNormal(SymPower, n.Args[0], NewNormal(SymTimes, n.Args[1], exp)))
	}
	return nil
}

func (s *Session) numPower(base, exp Expr, c *Normal) Expr {
	if b, ok := base.(Int); ok {
		if e, ok := exp.(Int); ok && e > 0 && e < 64 {
			if r, ok := intPow(int64(b), int64(e)); ok {
				return Int(r)
			}
		}
	}
	_, br := base.(Real)
	_, er := exp.(Real)
	if br || er {
		b, _ := ToFloat(base)
		e, _ := ToFloat(exp)
		r := math.Pow(b, e)
		if math.IsNaN(r) {
			return nil // a complex result: left symbolic
		}
		return Real(r)
	}
	if isZero(base) && cmpNum(exp, Int(0)) < 0 {
		s.Message("Power", "infy", NewNormal(SymPower, Int(0), exp))
		return SymComplexInfinity
	}
	if !isExactInt(exp) {
		// exact roots: 4^(1/2) is 2; others stay symbolic
		if r, ok := exp.(*Rat); ok && isExactInt(base) && cmpNum(base, Int(0)) > 0 && r.V.Num().IsInt64() && r.V.Denom().IsInt64() {
			root := intRoot(toBig(base), r.V.Denom().Int64())
			if root != nil {
				return s.numPower(BigOrInt(root), BigOrInt(r.V.Num()), c)
			}
		}
		return nil
	}
	e := toBig(exp)
	neg := e.Sign() < 0
	if neg {
		e = new(big.Int).Neg(e)
	}
	if !e.IsInt64() {
		s.Message("General", "ovfl")
		return SymFailed
	}
	var r Expr
	switch b := base.(type) {
	case Int, *BigInt:
		bb := toBig(b)
		if bb.BitLen() > 1 && int64(bb.BitLen())*e.Int64() > maxPowerBits {
			s.Message("General", "ovfl")
			return SymFailed
		}
		r = BigOrInt(new(big.Int).Exp(bb, e, nil))
	case *Rat:
		num := new(big.Int).Exp(b.V.Num(), e, nil)
		den := new(big.Int).Exp(b.V.Denom(), e, nil)
		r = RatOrInt(new(big.Rat).SetFrac(num, den))
	default:
		return nil
	}
	if neg {
		return RatOrInt(new(big.Rat).Inv(toRat(r)))
	}
	return r
}

// intRoot gives the exact k-th root of n, or nil.
func intRoot(n *big.Int, k int64) *big.Int {
	if k < 2 || k > 64 {
		return nil
	}
	f, _ := new(big.Float).SetInt(n).Float64()
	guess := big.NewInt(int64(math.Round(math.Pow(f, 1/float64(k)))))
	for d := int64(-1); d <= 1; d++ {
		g := new(big.Int).Add(guess, big.NewInt(d))
		if new(big.Int).Exp(g, big.NewInt(k), nil).Cmp(n) == 0 {
			return g
		}
	}
	return nil
}

// Canonical order, as Sort and Orderless use it: numbers by value, then strings, then
// symbols, then other expressions; names alphabetically with lower case first among equals.
func rank(e Expr) int {
	switch e.(type) {
	case Int, *BigInt, *Rat, Real:
		return 0
	case String:
		return 1
	case *Symbol:
		return 2
	case *ByteArray:
		return 3
	case *Assoc:
		return 5
	}
	return 4
}

// Order compares two expressions in canonical order: -1, 0 or 1.
func Order(a, b Expr) int { return order(a, b, 0) }

func order(a, b Expr, depth int) int {
	walkDeeper(depth)
	ra, rb := rank(a), rank(b)
	// x and x^2 and 2 x sort by their base, as Wolfram writes x + x^2 + y
	if ra == 4 || rb == 4 {
		ka, changedA := sortBase(a)
		kb, changedB := sortBase(b)
		if changedA || changedB {
			if c := order(ka, kb, depth+1); c != 0 {
				return c
			}
		}
	}
	if ra != rb {
		if ra < rb {
			return -1
		}
		return 1
	}
	switch x := a.(type) {
	case Int, *BigInt, *Rat, Real:
		if c := cmpNum(a, b); c != 0 {
			return c
		}
		_, ar := a.(Real)
		_, br := b.(Real)
		if ar != br {
			if ar {
				return 1
			}
			return -1
		}
		return 0
	case String:
		return compareNames(string(x), string(b.(String)))
	case *Symbol:
		return compareNames(x.Name, b.(*Symbol).Name)
	case *ByteArray:
		return strings.Compare(string(x.B), string(b.(*ByteArray).B))
	case *Assoc:
		y := b.(*Assoc)
		return compareSeq(x.Rules(), y.Rules(), depth+1)
	case *Normal:
		y := b.(*Normal)
		if len(x.Args) != len(y.Args) && SameQ(x.Head, y.Head) {
			// among calls of the same head, fewer arguments first: {2} before {1, 1}
			if len(x.Args) < len(y.Args) {
				return -1
			}
			return 1
		}
		if c := order(x.Head, y.Head, depth+1); c != 0 {
			return c
		}
		return compareSeq(x.Args, y.Args, depth+1)
	}
	return 0
}

// sortBase is the part of a term that orders it: x for 2 x and for x^2. It reports whether
// that differs from the term itself.
func sortBase(e Expr) (Expr, bool) {
	if n, ok := e.(*Normal); ok && len(n.Args) == 2 {
		if n.Head == SymTimes && isNumber(n.Args[0]) {
			b, _ := sortBase(n.Args[1])
			return b, true
		}
		if n.Head == SymPower {
			b, _ := sortBase(n.Args[0])
			return b, true
		}
	}
	return e, false
}

func compareSeq(a, b []Expr, depth int) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := order(a[i], b[i], depth); c != 0 {
			return c
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

// compareNames orders case-insensitively first, then lower case before upper case.
func compareNames(a, b string) int {
	if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
		return c
	}
	return -strings.Compare(a, b)
}

func sortCanonical(args []Expr) {
	sort.SliceStable(args, func(i, j int) bool { return Order(args[i], args[j]) < 0 })
}

func sortedCanonically(args []Expr) bool {
	for i := 1; i < len(args); i++ {
		if Order(args[i-1], args[i]) > 0 {
			return false
		}
	}
	return true
}

// equalValues decides a == b: True or False when it can be decided, else ok is false.
func equalValues(a, b Expr) (result, ok bool) {
	if isNumber(a) && isNumber(b) {
		_, ar := a.(Real)
		_, br := b.(Real)
		if ar || br {
			x, _ := ToFloat(a)
			y, _ := ToFloat(b)
			// machine reals compare equal when they agree to within the last few bits
			return x == y || math.Abs(x-y) <= 1e-14*math.Max(math.Abs(x), math.Abs(y)), true
		}
		return cmpNum(a, b) == 0, true
	}
	if SameQ(a, b) {
		return true, true
	}
	_, as := a.(String)
	_, bs := b.(String)
	if as && bs || as && isNumber(b) || bs && isNumber(a) {
		return false, true
	}
	if ba, ok := a.(*ByteArray); ok {
		if bb, ok := b.(*ByteArray); ok {
			return string(ba.B) == string(bb.B), true
		}
	}
	if IsList(a) && IsList(b) {
		la, lb := a.(*Normal).Args, b.(*Normal).Args
		if len(la) != len(lb) {
			return false, true
		}
		for i := range la {
			r, ok := equalValues(la[i], lb[i])
			if !ok {
				return false, false
			}
			if !r {
				return false, true
			}
		}
		return true, true
	}
	if a == SymTrue && b == SymFalse || a == SymFalse && b == SymTrue {
		return false, true
	}
	return false, false
}

// intPow is b^e for machine integers, reporting false on overflow.
func intPow(b, e int64) (int64, bool) {
	r := int64(1)
	for i := int64(0); i < e; i++ {
		hi, lo := bits.Mul64(uint64(abs64(r)), uint64(abs64(b)))
		if hi != 0 || lo > math.MaxInt64 || b == math.MinInt64 {
			return 0, false
		}
		r *= b
	}
	return r, true
}

// infinite reads Infinity, -Infinity (Times[-1, Infinity]) and ComplexInfinity: the sign is
// 1, -1, or 0 for ComplexInfinity.
func infinite(e Expr) (sign int, ok bool) {
	switch e {
	case SymInfinity:
		return 1, true
	case SymComplexInfinity:
		return 0, true
	}
	if n, isN := e.(*Normal); isN && n.Head == SymTimes && len(n.Args) == 2 && n.Args[1] == SymInfinity {
		if c, isNum := n.Args[0].(Int); isNum && c < 0 {
			return -1, true
		}
	}
	return 0, false
}

var negInfinity = &Normal{Head: SymTimes, Args: []Expr{Int(-1), SymInfinity}}

// plusInfinite adds when an argument is infinite: finite numbers vanish next to Infinity,
// Infinity - Infinity is Indeterminate (with Infinity::indet), as in Wolfram.
func (s *Session) plusInfinite(args []Expr) (Expr, bool) {
	seen, pos, neg, complex := false, false, false, false
	for _, a := range args {
		if a == SymIndeterminate {
			return SymIndeterminate, true
		}
		if sign, ok := infinite(a); ok {
			seen = true
			switch sign {
			case 1:
				pos = true
			case -1:
				neg = true
			default:
				complex = true
			}
		}
	}
	if !seen {
		return nil, false
	}
	if pos && neg || complex && (pos || neg) {
		s.Message("Infinity", "indet", &Normal{Head: SymPlus, Args: args})
		return SymIndeterminate, true
	}
	for _, a := range args {
		if _, inf := infinite(a); !inf && !isNumber(a) {
			return nil, false // symbolic terms stay: x + Infinity
		}
	}
	switch {
	case complex:
		return SymComplexInfinity, true
	case pos:
		return SymInfinity, true
	}
	return negInfinity, true
}

// timesInfinite multiplies when a factor is infinite: a positive number keeps Infinity, a
// negative one turns it to -Infinity, zero makes it Indeterminate.
func (s *Session) timesInfinite(args []Expr) (Expr, bool) {
	sign, seen := 1, false
	for _, a := range args {
		if a == SymIndeterminate {
			return SymIndeterminate, true
		}
		if a == SymInfinity || a == SymComplexInfinity {
			seen = true
			if a == SymComplexInfinity {
				sign = 0
			}
			continue
		}
		if !isNumber(a) {
			return nil, false
		}
		switch c := cmpNum(a, Int(0)); {
		case c == 0:
			if !seen && !hasInfinity(args) {
				return nil, false
			}
			s.Message("Infinity", "indet", &Normal{Head: SymTimes, Args: args})
			return SymIndeterminate, true
		case c < 0:
			sign = -sign
		}
	}
	if !seen {
		return nil, false
	}
	switch sign {
	case 0:
		return SymComplexInfinity, true
	case 1:
		return SymInfinity, true
	}
	return negInfinity, true
}

func hasInfinity(args []Expr) bool {
	for _, a := range args {
		if a == SymInfinity || a == SymComplexInfinity {
			return true
		}
	}
	return false
}
