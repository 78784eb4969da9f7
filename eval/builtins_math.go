package eval

import (
	"math"
	"math/big"
)

// The math family: arithmetic, comparisons, logic, rounding, random numbers.
var mathBuiltins = []*Builtin{
	{Name: "Plus", Transient: true, Usage: "a + b + … adds.", Attrs: Flat | Orderless | Listable | NumericFunction | OneIdentity, Min: 0, Max: -1, Fn: fnPlus},
	{Name: "Times", Transient: true, Usage: "a b …, a*b*… multiplies.", Attrs: Flat | Orderless | Listable | NumericFunction | OneIdentity, Min: 0, Max: -1, Fn: fnTimes},
	{Name: "Power", Transient: true, Usage: "a^b is a to the power b.", Attrs: Listable | NumericFunction | OneIdentity, Min: 2, Max: 2, Fn: fnPower},
	{Name: "Minus", Usage: "-a is a times -1.", Attrs: Listable | NumericFunction, Min: 1, Max: 1, Fn: func(s *Session, c *Normal) Expr {
		return s.Eval(NewNormal(SymTimes, Int(-1), c.Args[0]))
	}},
	{Name: "Subtract", Usage: "Subtract[a, b] is a - b.", Attrs: Listable | NumericFunction, Min: 2, Max: 2, Fn: func(s *Session, c *Normal) Expr {
		return s.Eval(NewNormal(SymPlus, c.Args[0], NewNormal(SymTimes, Int(-1), c.Args[1])))
	}},
	{Name: "Divide", Usage: "Divide[a, b] is a/b.", Attrs: Listable | NumericFunction, Min: 2, Max: 2, Fn: func(s *Session, c *Normal) Expr {
		return s.Eval(NewNormal(SymTimes, c.Args[0], NewNormal(SymPower, c.Args[1], Int(-1))))
	}},
	{Name: "Sqrt", Usage: "Sqrt[x] is the square root of x.", Attrs: Listable | NumericFunction, Min: 1, Max: 1, Fn: func(s *Session, c *Normal) Expr {
		return s.Eval(NewNormal(SymPower, c.Args[0], &Rat{V: big.NewRat(1, 2)}))
	}},
	{Name: "Abs", Transient: true, Usage: "Abs[x] is the absolute value of x.", Attrs: Listable | NumericFunction, Min: 1, Max: 1, Fn: fnAbs},
	{Name: "Sign", Transient: true, Usage: "Sign[x] is -1, 0 or 1.", Attrs: Listable | NumericFunction, Min: 1, Max: 1, Fn: fnSign},
	{Name: "Mod", Transient: true, Usage: "Mod[m, n] is the remainder of m divided by n, with the sign of n.", Attrs: Listable | NumericFunction, Min: 2, Max: 2, Fn: fnMod},
	{Name: "Quotient", Transient: true, Usage: "Quotient[m, n] is Floor[m/n].", Attrs: Listable | NumericFunction, Min: 2, Max: 2, Fn: fnQuotient},
	{Name: "Floor", Transient: true, Usage: "Floor[x] is the greatest integer not above x.", Attrs: Listable | NumericFunction, Min: 1, Max: 1, Fn: roundFn(math.Floor)},
	{Name: "Ceiling", Transient: true, Usage: "Ceiling[x] is the least integer not below x.", Attrs: Listable | NumericFunction, Min: 1, Max: 1, Fn: roundFn(math.Ceil)},
	{Name: "Round", Transient: true, Usage: "Round[x] is the integer nearest x (halves to even).", Attrs: Listable | NumericFunction, Min: 1, Max: 1, Fn: roundFn(math.RoundToEven)},
	{Name: "IntegerPart", Transient: true, Usage: "IntegerPart[x] drops the fractional part of x.", Attrs: Listable | NumericFunction, Min: 1, Max: 1, Fn: roundFn(math.Trunc)},
	{Name: "N", Usage: "N[expr] gives the numerical (machine real) value of expr.", Min: 1, Max: 2, Fn: fnN},
	{Name: "Numerator", Usage: "Numerator[x] is the numerator of a rational x.", Attrs: Listable, Min: 1, Max: 1, Fn: fnNumerator},
	{Name: "Denominator", Usage: "Denominator[x] is the denominator of a rational x.", Attrs: Listable, Min: 1, Max: 1, Fn: fnDenominator},
	{Name: "Factorial", Transient: true, Usage: "n! is the factorial of n.", Attrs: Listable | NumericFunction, Min: 1, Max: 1, Fn: fnFactorial},
	{Name: "GCD", Usage: "GCD[a, b, …] is the greatest common divisor.", Attrs: Flat | Orderless | Listable, Min: 0, Max: -1, Fn: fnGCD},
	{Name: "Exp", Transient: true, Usage: "Exp[x] is e to the power x.", Attrs: Listable | NumericFunction, Min: 1, Max: 1, Fn: realFn(math.Exp)},
	{Name: "Log", Transient: true, Usage: "Log[x] is the natural logarithm of x.", Attrs: Listable | NumericFunction, Min: 1, Max: 1, Fn: realFn(math.Log)},
	{Name: "Sin", Transient: true, Usage: "Sin[x] is the sine of x (radians).", Attrs: Listable | NumericFunction, Min: 1, Max: 1, Fn: realFn(math.Sin)},
	{Name: "Cos", Transient: true, Usage: "Cos[x] is the cosine of x (radians).", Attrs: Listable | NumericFunction, Min: 1, Max: 1, Fn: realFn(math.Cos)},
	{Name: "Equal", Transient: true, Usage: "a == b is True when a and b are equal, False when they are not.", Min: 0, Max: -1, Fn: fnEqual},
	{Name: "Unequal", Transient: true, Usage: "a != b is True when a and b are not equal.", Min: 0, Max: -1, Fn: fnUnequal},
	{Name: "Less", Transient: true, Usage: "a < b < … compares numbers.", Min: 0, Max: -1, Fn: compareFn(func(c int) bool { return c < 0 })},
	{Name: "Greater", Transient: true, Usage: "a > b > … compares numbers.", Min: 0, Max: -1, Fn: compareFn(func(c int) bool { return c > 0 })},
	{Name: "LessEqual", Transient: true, Usage: "a <= b <= … compares numbers.", Min: 0, Max: -1, Fn: compareFn(func(c int) bool { return c <= 0 })},
	{Name: "GreaterEqual", Transient: true, Usage: "a >= b >= … compares numbers.", Min: 0, Max: -1, Fn: compareFn(func(c int) bool { return c >= 0 })},
	{Name: "Inequality", Usage: "Inequality[a, Less, b, Equal, c] is a chain of comparisons.", Min: 1, Max: -1, Fn: fnInequality},
	{Name: "And", Usage: "a && b is True when every argument is True; it stops at the first False.", Attrs: HoldAll | Flat | OneIdentity, Min: 0, Max: -1, Fn: fnAnd},
	{Name: "Or", Usage: "a || b is True when an argument is True; it stops at the first True.", Attrs: HoldAll | Flat | OneIdentity, Min: 0, Max: -1, Fn: fnOr},
	{Name: "Not", Transient: true, Usage: "!a is False when a is True and True when a is False.", Min: 1, Max: 1, Fn: fnNot},
	{Name: "Xor", Usage: "Xor[a, b, …] is True when an odd number of the arguments are True.", Attrs: Orderless, Min: 0, Max: -1, Fn: fnXor},
	{Name: "TrueQ", Transient: true, Usage: "TrueQ[x] is True when x is True, else False.", Min: 1, Max: 1, Fn: func(s *Session, c *Normal) Expr { return Bool(c.Args[0] == SymTrue) }},
	{Name: "Boole", Transient: true, Usage: "Boole[x] is 1 for True and 0 for False.", Attrs: Listable, Min: 1, Max: 1, Fn: fnBoole},
	{Name: "IntegerQ", Transient: true, Usage: "IntegerQ[x] is True when x is an integer.", Min: 1, Max: 1, Fn: func(s *Session, c *Normal) Expr { return Bool(isExactInt(c.Args[0])) }},
	{Name: "NumberQ", Transient: true, Usage: "NumberQ[x] is True when x is a number.", Min: 1, Max: 1, Fn: func(s *Session, c *Normal) Expr { return Bool(isNumber(c.Args[0])) }},
	{Name: "NumericQ", Usage: "NumericQ[x] is True when x is a number or a numeric constant.", Min: 1, Max: 1, Fn: func(s *Session, c *Normal) Expr {
		_, ok := numericValue(c.Args[0])
		return Bool(ok)
	}},
	{Name: "EvenQ", Transient: true, Usage: "EvenQ[n] is True when n is an even integer.", Min: 1, Max: 1, Fn: parityFn(0)},
	{Name: "OddQ", Transient: true, Usage: "OddQ[n] is True when n is an odd integer.", Min: 1, Max: 1, Fn: parityFn(1)},
	{Name: "Positive", Transient: true, Usage: "Positive[x] is True when x > 0.", Attrs: Listable, Min: 1, Max: 1, Fn: signTest(func(c int) bool { return c > 0 })},
	{Name: "Negative", Transient: true, Usage: "Negative[x] is True when x < 0.", Attrs: Listable, Min: 1, Max: 1, Fn: signTest(func(c int) bool { return c < 0 })},
	{Name: "NonNegative", Transient: true, Usage: "NonNegative[x] is True when x >= 0.", Attrs: Listable, Min: 1, Max: 1, Fn: signTest(func(c int) bool { return c >= 0 })},
	{Name: "Max", Usage: "Max[x1, x2, …] and Max[{…}] give the largest number.", Attrs: Flat | Orderless, Min: 0, Max: -1, Fn: extremeFn(1)},
	{Name: "Min", Usage: "Min[x1, x2, …] and Min[{…}] give the smallest number.", Attrs: Flat | Orderless, Min: 0, Max: -1, Fn: extremeFn(-1)},
	{Name: "RandomInteger", Usage: "RandomInteger[n] is a random integer from 0 to n.\nRandomInteger[{a, b}] from a to b; RandomInteger[range, k] gives a list of k.", Min: 0, Max: 2, Fn: fnRandomInteger},
	{Name: "RandomReal", Usage: "RandomReal[] is a random real from 0 to 1; RandomReal[{a, b}], RandomReal[range, k].", Min: 0, Max: 2, Fn: fnRandomReal},
	{Name: "RandomChoice", Usage: "RandomChoice[list] picks an element at random; RandomChoice[list, k] picks k.", Min: 1, Max: 2, Fn: fnRandomChoice},
	{Name: "SeedRandom", Usage: "SeedRandom[n] makes the random functions repeatable.", Min: 0, Max: 1, Fn: fnSeedRandom},
}

// numericValue gives the float value of numbers and constants (Pi, E).
func numericValue(e Expr) (float64, bool) {
	if f, ok := ToFloat(e); ok {
		return f, true
	}
	switch e {
	case sys("Pi"):
		return math.Pi, true
	case sys("E"):
		return math.E, true
	case sys("Degree"):
		return math.Pi / 180, true
	}
	return 0, false
}

func fnAbs(s *Session, c *Normal) Expr {
	x := c.Args[0]
	if !isNumber(x) {
		return nil
	}
	if cmpNum(x, Int(0)) < 0 {
		return negNum(x)
	}
	return x
}

func fnSign(s *Session, c *Normal) Expr {
	if !isNumber(c.Args[0]) {
		return nil
	}
	return Int(cmpNum(c.Args[0], Int(0)))
}

func fnMod(s *Session, c *Normal) Expr {
	m, n := c.Args[0], c.Args[1]
	if !isNumber(m) || !isNumber(n) {
		return nil
	}
	if isZero(n) {
		s.Message("Mod", "indet", NewNormal(sys("Mod"), m, n))
		return SymIndeterminate
	}
	if a, ok := m.(Int); ok {
		if b, ok := n.(Int); ok && b != -1 {
			r := a % b
			if r != 0 && (r < 0) != (b < 0) {
				r += b
			}
			return r
		}
	}
	// m - n Floor[m/n]
	q := floorDiv(m, n)
	return addNum(m, negNum(mulNum(n, q)))
}

func floorDiv(m, n Expr) Expr {
	_, mr := m.(Real)
	_, nr := n.(Real)
	if mr || nr {
		a, _ := ToFloat(m)
		b, _ := ToFloat(n)
		return Int(int64(math.Floor(a / b)))
	}
	q := new(big.Rat).Quo(toRat(m), toRat(n))
	return BigOrInt(floorRat(q))
}

func floorRat(q *big.Rat) *big.Int {
	f := new(big.Int).Div(q.Num(), q.Denom()) // Euclidean division floors for a positive divisor
	return f
}

func fnQuotient(s *Session, c *Normal) Expr {
	m, n := c.Args[0], c.Args[1]
	if !isNumber(m) || !isNumber(n) {
		return nil
	}
	if isZero(n) {
		s.Message("Quotient", "infy", NewNormal(sys("Quotient"), m, n))
		return SymComplexInfinity
	}
	return floorDiv(m, n)
}

// roundFn builds Floor, Ceiling, Round and IntegerPart from their float64 versions; exact
// rationals are rounded exactly.
func roundFn(f func(float64) float64) func(*Session, *Normal) Expr {
	return func(s *Session, c *Normal) Expr {
		switch x := c.Args[0].(type) {
		case Int, *BigInt:
			return x
		case Real:
			switch {
			case math.IsInf(float64(x), 1):
				return SymInfinity
			case math.IsInf(float64(x), -1):
				return negInfinity
			case math.IsNaN(float64(x)):
				return SymIndeterminate
			}
			r := f(float64(x))
			if math.Abs(r) < 1<<62 {
				return Int(int64(r))
			}
			bf, _ := new(big.Float).SetFloat64(r).Int(nil)
			return BigOrInt(bf)
		case *Rat:
			fl, _ := x.V.Float64()
			// exact: compare against floor
			fl0 := floorRat(x.V)
			frac := new(big.Rat).Sub(x.V, new(big.Rat).SetInt(fl0))
			half := big.NewRat(1, 2)
			switch {
			case f(0.5) == 0 && f(1.5) == 2: // Round, halves to even
				cmp := frac.Cmp(half)
				if cmp > 0 || cmp == 0 && fl0.Bit(0) == 1 {
					fl0.Add(fl0, big.NewInt(1))
				}
				return BigOrInt(fl0)
			case f(0.5) == 1: // Ceiling
				return BigOrInt(fl0.Add(fl0, big.NewInt(1)))
			case f(-0.5) == 0 && f(0.5) == 0: // IntegerPart
				if fl < 0 {
					return BigOrInt(fl0.Add(fl0, big.NewInt(1)))
				}
				return BigOrInt(fl0)
			}
			return BigOrInt(fl0)
		}
		return nil
	}
}

func realFn(f func(float64) float64) func(*Session, *Normal) Expr {
	return func(s *Session, c *Normal) Expr {
		if x, ok := c.Args[0].(Real); ok {
			return Real(f(float64(x)))
		}
		return nil
	}
}

// fnN converts exact numbers and numeric constants to machine reals, throughout an expression.
func fnN(s *Session, c *Normal) Expr {
	var conv func(Expr, int) Expr
	conv = func(e Expr, depth int) Expr {
		walkDeeper(depth)
		switch x := e.(type) {
		case Int, *BigInt, *Rat:
			f, _ := ToFloat(x)
			return Real(f)
		case *Symbol:
			if f, ok := numericValue(x); ok {
				return Real(f)
			}
			return x
		case *Normal:
			args := make([]Expr, len(x.Args))
			for i, a := range x.Args {
				args[i] = conv(a, depth+1)
			}
			return s.Eval(&Normal{Head: x.Head, Args: args})
		}
		return e
	}
	return conv(c.Args[0], 0)
}

func fnNumerator(s *Session, c *Normal) Expr {
	switch x := c.Args[0].(type) {
	case *Rat:
		return BigOrInt(new(big.Int).Set(x.V.Num()))
	case Int, *BigInt, Real:
		return x
	}
	return nil
}

func fnDenominator(s *Session, c *Normal) Expr {
	switch x := c.Args[0].(type) {
	case *Rat:
		return BigOrInt(new(big.Int).Set(x.V.Denom()))
	case Int, *BigInt, Real:
		return Int(1)
	}
	return nil
}

func fnGCD(s *Session, c *Normal) Expr {
	g := new(big.Int)
	for _, a := range c.Args {
		b := toBig(a)
		if b == nil {
			return nil
		}
		g.GCD(nil, nil, g, new(big.Int).Abs(b))
	}
	return BigOrInt(g)
}

func fnEqual(s *Session, c *Normal) Expr {
	for i := 1; i < len(c.Args); i++ {
		r, ok := equalValues(c.Args[i-1], c.Args[i])
		if !ok {
			return nil
		}
		if !r {
			return SymFalse
		}
	}
	return SymTrue
}

func fnUnequal(s *Session, c *Normal) Expr {
	for i := 0; i < len(c.Args); i++ {
		for j := i + 1; j < len(c.Args); j++ {
			r, ok := equalValues(c.Args[i], c.Args[j])
			if !ok {
				return nil
			}
			if r {
				return SymFalse
			}
		}
	}
	return SymTrue
}

// comparable gives a number to compare, for numbers and numeric constants.
func comparable(e Expr) (Expr, bool) {
	if isNumber(e) {
		return e, true
	}
	if f, ok := numericValue(e); ok {
		return Real(f), true
	}
	if e == SymInfinity {
		return Real(math.Inf(1)), true
	}
	return nil, false
}

func compareFn(holds func(int) bool) func(*Session, *Normal) Expr {
	return func(s *Session, c *Normal) Expr {
		for i := 1; i < len(c.Args); i++ {
			a, ok1 := comparable(c.Args[i-1])
			b, ok2 := comparable(c.Args[i])
			if !ok1 || !ok2 {
				return nil
			}
			if !holds(cmpNum(a, b)) {
				return SymFalse
			}
		}
		return SymTrue
	}
}

func fnInequality(s *Session, c *Normal) Expr {
	if len(c.Args)%2 != 1 {
		return nil
	}
	for i := 1; i < len(c.Args); i += 2 {
		r := s.Eval(NewNormal(c.Args[i], c.Args[i-1], c.Args[i+1]))
		if r == SymFalse {
			return SymFalse
		}
		if r != SymTrue {
			return nil
		}
	}
	return SymTrue
}

func fnAnd(s *Session, c *Normal) Expr {
	var rest []Expr
	for _, a := range c.Args {
		v := s.Eval(a)
		switch v {
		case SymFalse:
			return SymFalse
		case SymTrue:
		default:
			rest = append(rest, v)
		}
	}
	switch len(rest) {
	case 0:
		return SymTrue
	case 1:
		return rest[0]
	}
	if len(rest) == len(c.Args) {
		return nil
	}
	return NewNormal(SymAnd, rest...)
}

func fnOr(s *Session, c *Normal) Expr {
	var rest []Expr
	for _, a := range c.Args {
		v := s.Eval(a)
		switch v {
		case SymTrue:
			return SymTrue
		case SymFalse:
		default:
			rest = append(rest, v)
		}
	}
	switch len(rest) {
	case 0:
		return SymFalse
	case 1:
		return rest[0]
	}
	if len(rest) == len(c.Args) {
		return nil
	}
	return NewNormal(SymOr, rest...)
}

func fnNot(s *Session, c *Normal) Expr {
	switch c.Args[0] {
	case SymTrue:
		return SymFalse
	case SymFalse:
		return SymTrue
	}
	if n, ok := c.Args[0].(*Normal); ok && n.Head == SymNot && len(n.Args) == 1 {
		return n.Args[0]
	}
	return nil
}

func fnXor(s *Session, c *Normal) Expr {
	odd := false
	for _, a := range c.Args {
		switch a {
		case SymTrue:
			odd = !odd
		case SymFalse:
		default:
			return nil
		}
	}
	return Bool(odd)
}

func fnBoole(s *Session, c *Normal) Expr {
	switch c.Args[0] {
	case SymTrue:
		return Int(1)
	case SymFalse:
		return Int(0)
	}
	return nil
}

func parityFn(want int64) func(*Session, *Normal) Expr {
	return func(s *Session, c *Normal) Expr {
		b := toBig(c.Args[0])
		if b == nil {
			return SymFalse
		}
		return Bool(int64(b.Bit(0)) == want)
	}
}

func signTest(holds func(int) bool) func(*Session, *Normal) Expr {
	return func(s *Session, c *Normal) Expr {
		x, ok := comparable(c.Args[0])
		if !ok {
			return nil
		}
		return Bool(holds(cmpNum(x, Int(0))))
	}
}

// extremeFn builds Max (dir 1) and Min (dir -1): numbers and lists of numbers, flattened.
func extremeFn(dir int) func(*Session, *Normal) Expr {
	return func(s *Session, c *Normal) Expr {
		var best Expr
		var rest []Expr
		var walk func([]Expr)
		walk = func(args []Expr) {
			for _, a := range args {
				if l, ok := a.(*Normal); ok && l.Head == SymList {
					walk(l.Args)
					continue
				}
				v, ok := comparable(a)
				if !ok {
					rest = append(rest, a)
					continue
				}
				if best == nil || cmpNum(v, mustComparable(best))*dir > 0 {
					best = a
				}
			}
		}
		walk(c.Args)
		if len(rest) > 0 {
			if best != nil {
				rest = append([]Expr{best}, rest...)
			}
			if len(rest) == 1 {
				return rest[0]
			}
			return &Normal{Head: c.Head, Args: rest}
		}
		if best == nil {
			if dir > 0 {
				return NewNormal(SymTimes, Int(-1), SymInfinity)
			}
			return SymInfinity
		}
		return best
	}
}

func mustComparable(e Expr) Expr {
	v, _ := comparable(e)
	return v
}

// randomRange reads n (0..n) or {a, b}.
func randomRange(e Expr) (lo, hi Expr, ok bool) {
	if l, isL := e.(*Normal); isL && l.Head == SymList && len(l.Args) == 2 && isNumber(l.Args[0]) && isNumber(l.Args[1]) {
		return l.Args[0], l.Args[1], true
	}
	if isNumber(e) {
		return Int(0), e, true
	}
	return nil, nil, false
}

// repeat calls one k times when a count is given, giving a list, else once.
func (s *Session) repeat(c *Normal, one func() Expr) Expr {
	if len(c.Args) < 2 {
		return one()
	}
	k, ok := c.Args[1].(Int)
	if !ok || k < 0 || k > 1<<24 {
		s.Message(symName(c.Head), "intnm", c, Int(2))
		return nil
	}
	out := make([]Expr, k)
	for i := range out {
		out[i] = one()
	}
	return inertList(out)
}

func symName(e Expr) string {
	if sym, ok := e.(*Symbol); ok {
		return sym.Name
	}
	return InputForm(e)
}

func fnRandomInteger(s *Session, c *Normal) Expr {
	lo, hi := Expr(Int(0)), Expr(Int(1))
	if len(c.Args) >= 1 {
		var ok bool
		lo, hi, ok = randomRange(c.Args[0])
		if !ok || !isExactInt(lo) || !isExactInt(hi) || cmpNum(lo, hi) > 0 {
			s.Message("RandomInteger", "unifr", c.Args[0])
			return nil
		}
	}
	span := new(big.Int).Sub(toBig(hi), toBig(lo))
	span.Add(span, big.NewInt(1))
	return s.repeat(c, func() Expr {
		if span.IsInt64() {
			return addNum(lo, Int(s.rand.Int63n(span.Int64())))
		}
		r := new(big.Int).Rand(s.rand, span)
		return BigOrInt(r.Add(r, toBig(lo)))
	})
}

func fnRandomReal(s *Session, c *Normal) Expr {
	lo, hi := 0.0, 1.0
	if len(c.Args) >= 1 {
		l, h, ok := randomRange(c.Args[0])
		if !ok {
			s.Message("RandomReal", "unifr", c.Args[0])
			return nil
		}
		lo, _ = ToFloat(l)
		hi, _ = ToFloat(h)
	}
	return s.repeat(c, func() Expr { return Real(lo + s.rand.Float64()*(hi-lo)) })
}

func fnRandomChoice(s *Session, c *Normal) Expr {
	l, ok := c.Args[0].(*Normal)
	if !ok || l.Head != SymList || len(l.Args) == 0 {
		s.Message("RandomChoice", "lrwl", c.Args[0])
		return nil
	}
	return s.repeat(c, func() Expr { return l.Args[s.rand.Intn(len(l.Args))] })
}

func fnSeedRandom(s *Session, c *Normal) Expr {
	seed := s.Now().UnixNano()
	if len(c.Args) == 1 {
		switch x := c.Args[0].(type) {
		case Int:
			seed = int64(x)
		case String:
			seed = int64(hash(x))
		default:
			return nil
		}
	}
	s.rand.Seed(seed)
	return SymNull
}

// maxFactorial bounds n! (about 1.5 million digits), so that 10^9! is refused, not attempted.
const maxFactorial = 300000

func fnFactorial(s *Session, c *Normal) Expr {
	switch x := c.Args[0].(type) {
	case Int:
		if x < 0 {
			return SymComplexInfinity
		}
		if x > maxFactorial {
			s.Message("General", "ovfl")
			return SymFailed
		}
		return BigOrInt(new(big.Int).MulRange(1, int64(x)))
	case Real:
		return Real(math.Gamma(float64(x) + 1))
	}
	return nil
}
