package eval

import (
	"sort"
	"strings"
)

// Builtin is one builtin function: one Go function and one table row. The rows live in the
// family files (builtins_core.go, builtins_list.go, …) and are merged once at start-up.
type Builtin struct {
	Name string
	// Usage is the ?Name text: one line per form, each starting with the form.
	Usage string
	Attrs Attr
	// Min and Max bound the number of positional arguments (Max < 0: any number); a call
	// outside them gets General::argx and friends and stays unevaluated. Options (trailing
	// rules named in Options) do not count.
	Min, Max int
	// Options names the options the function takes, with their defaults.
	Options []Option
	// RuleArgs: trailing rules are options Fn reads itself (names not fixed in advance, as
	// ZeroMQ's socket options); like Options, they do not count as arguments.
	RuleArgs bool
	// Transient promises that Fn keeps nothing of its call (neither c nor c.Args) beyond
	// returning, and returns nil or a fresh value: the evaluator may then pass a scratch call.
	// Arithmetic and comparisons are Transient; anything that may return its arguments in a
	// new expression is not.
	Transient bool
	// Fn evaluates a call whose arguments are already evaluated (unless Attrs hold them). It
	// returns the value, or nil to leave the call unevaluated.
	Fn func(s *Session, c *Normal) Expr
	// Value, for a symbol such as Now, computes its value each time the bare symbol is
	// evaluated.
	Value func(s *Session) Expr
	// Sub evaluates obj[args…] where obj is Name[…]: properties such as sock["UUID"].
	Sub func(s *Session, obj *Normal, args []Expr) Expr
	// SetSub performs obj[args…] = value, for objects with settable properties.
	SetSub func(s *Session, obj *Normal, args []Expr, value Expr) Expr
	// Messages are this symbol's own message texts, tag -> template.
	Messages map[string]string

	defaults map[string]Expr // Options' defaults, made once when the table is registered
}

// Option is an option name and its default value.
type Option struct {
	Name    string
	Default Expr
}

// families lists the builtin tables; each family file contributes one.
var families = [][]*Builtin{
	coreBuiltins, mathBuiltins, listBuiltins, stringBuiltins, bytesBuiltins, socketBuiltins,
	socketIOBuiltins, zmqBuiltins, listenBuiltins, helpBuiltins, traceBuiltins,
}

// constants are system symbols without a function: they evaluate to themselves.
var constants = []string{
	"True", "False", "Null", "$Failed", "$Aborted", "All", "None", "Automatic", "Integer",
	"Real", "String", "Symbol", "Rational", "Complex", "EndOfFile", "EndOfBuffer", "EndOfLine",
	"Infinity", "Indeterminate", "ComplexInfinity", "Pi", "E", "Degree", "Missing", "Sequence",
	"Blank", "BlankSequence", "BlankNullSequence", "Optional", "Alternatives",
	"Slot", "SlotSequence", "Left", "Right", "Center", "InputForm",
	"OutputForm", "FullForm", "Listable", "HoldAll", "HoldFirst", "HoldRest", "Flat",
	"Orderless", "Protected", "SequenceHold", "HoldAllComplete", "NumericFunction", "OneIdentity",
	"Locked", "ReadProtected", "Temporary", "Constant", "TimeConstraint", "ByteOrdering",
	"CharacterEncoding", "Unevaluated", "General", "Syntax", "Internal", "$RecursionLimit",
	"Inequality", "Less", "Greater", "LessEqual", "GreaterEqual", "Unequal", "Equal", "Throw",
	"Break", "Continue", "In", "Out", "Heads", "IgnoreCase", "Overlaps", "DateObject",
	"Quantity", "Evaluate", "HoldPattern", "PatternTest", "IPAddress", "URL", "Byte", "Character",
	"Expression", "Default", "LongForm", "HandlerFunctions", "HandlerFunctionsKeys", "RecordSeparators",
}

func init() {
	for _, name := range constants {
		sys(name)
	}
	SymUnevaluated.attrs |= HoldAllComplete
	for _, fam := range families {
		for _, b := range fam {
			sym := sys(b.Name)
			if sym.builtin != nil {
				panic("builtin defined twice: " + b.Name)
			}
			sym.builtin = b
			sym.attrs |= b.Attrs | Protected
			b.defaults = make(map[string]Expr, len(b.Options))
			for _, o := range b.Options {
				b.defaults[o.Name] = o.Default
			}
			for tag, text := range b.Messages {
				messageTexts[b.Name+"::"+tag] = text
			}
		}
	}
}

// Builtins lists every builtin row, sorted by name: for completion, ?Name and the README.
func Builtins() []*Builtin {
	var out []*Builtin
	for _, fam := range families {
		out = append(out, fam...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// BuiltinNames lists the builtin and constant names, sorted.
func BuiltinNames() []string {
	names := make([]string, 0, len(systemSymbols))
	for n := range systemSymbols {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// callBuiltin checks the argument count, then runs the builtin.
func (s *Session) callBuiltin(b *Builtin, c *Normal) Expr {
	n := len(c.Args)
	if len(b.Options) > 0 || b.RuleArgs {
		for n > 0 && isOptionRule(c.Args[n-1]) {
			n--
		}
	}
	if n < b.Min || (b.Max >= 0 && n > b.Max) {
		s.argCountMessage(b.Name, len(c.Args), b.Min, b.Max)
		return nil
	}
	return b.Fn(s, c)
}

func isOptionRule(e Expr) bool {
	r, ok := e.(*Normal)
	if !ok {
		return false
	}
	if r.Head == SymList {
		for _, a := range r.Args {
			if !isOptionRule(a) {
				return false
			}
		}
		return len(r.Args) > 0
	}
	return (r.Head == SymRule || r.Head == SymRuleDelayed) && len(r.Args) == 2
}

// Options splits a call into its positional arguments and its option values, filling in the
// defaults. An unknown option gets Fn::optx and ok is false. The map is read only (without
// options given, it is the builtin's own map of defaults).
func (s *Session) Options(b *Builtin, c *Normal) (pos []Expr, opts map[string]Expr, ok bool) {
	n := len(c.Args)
	for n > 0 && isOptionRule(c.Args[n-1]) {
		n--
	}
	pos = c.Args[:n]
	if n == len(c.Args) && b.defaults != nil {
		return pos, b.defaults, true // shared, read only: a call in a loop makes no map
	}
	opts = make(map[string]Expr, len(b.Options))
	for _, o := range b.Options {
		opts[o.Name] = o.Default
	}
	var set func(e Expr) bool
	set = func(e Expr) bool {
		r := e.(*Normal)
		if r.Head == SymList {
			for _, a := range r.Args {
				if !set(a) {
					return false
				}
			}
			return true
		}
		name := optionName(r.Args[0])
		if _, known := opts[name]; !known {
			s.Message(b.Name, "optx", r.Args[0], c)
			return false
		}
		opts[name] = r.Args[1]
		return true
	}
	for _, a := range c.Args[n:] {
		if !set(a) {
			return pos, opts, false
		}
	}
	return pos, opts, true
}

// optionName is the name of an option given as a symbol or a string.
func optionName(e Expr) string {
	switch x := e.(type) {
	case *Symbol:
		return x.Name
	case String:
		return string(x)
	}
	return InputForm(e)
}

// hintUnknown prints a one-line hint, once per name, when an unknown function's name is
// within two edits of a builtin: SocketOpne[…] suggests SocketOpen.
func (s *Session) hintUnknown(sym *Symbol) {
	if sym.hinted || len(sym.Name) < 4 {
		return
	}
	sym.hinted = true
	if near := nearestBuiltin(sym.Name); near != "" {
		s.Message(sym.Name, "unknown", sym, s.Intern(near))
	}
}

// otherSystemNames are Wolfram functions this REPL does not implement: using one is not a
// typo, so it gets no hint (Plot is not a misspelt Part).
var otherSystemNames = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`Plot ListPlot Plot3D Graphics Show Manipulate Dynamic Prime
		PrimeQ Short Shallow Mean Median Variance StandardDeviation Sinh Cosh Tanh Tan ArcTan ArcSin
		ArcCos Sec Csc Cot Solve NSolve Reduce Integrate NIntegrate D Dt Simplify FullSimplify Expand
		Factor Together Apart Series Limit Sum Product Det Inverse Eigenvalues Dot Cross Norm Import
		Export Get Put Needs BeginPackage EndPackage Begin End Definition Names Context
		Contexts Interpretation Style Row Column Grid TableForm MatrixForm StringForm Framed Panel
		Button Slider Entity Quantity UnitConvert Interval Root Roots Conjugate Re Im Arg Complex
		FromDigits IntegerDigits Divisors PrimePi FactorInteger Binomial Fibonacci Gamma Erf Zeta
		Compile Parallelize ParallelTable ParallelMap Map Thread Outer Inner Array SparseArray
		Normalize Accumulate Differences Ratios MinMax Clip Rescale Threshold Nearest Interpolation
		Fit FindFit LinearModelFit RandomSample RandomVariate Histogram BarChart PieChart URLRead
		URLExecute URLFetch HTTPRequest HTTPResponse WebExecute CloudDeploy Databin SendMail
		FileNames FileExistsQ DirectoryQ CreateFile DeleteFile OpenRead OpenWrite ReadList
		Streams Run RunProcess StartProcess Environment SystemInformation MemoryInUse Share`) {
		otherSystemNames[n] = true
	}
}

func nearestBuiltin(name string) string {
	if otherSystemNames[name] {
		return ""
	}
	best, bestD := "", 2
	lower := strings.ToLower(name)
	for n, sym := range systemSymbols {
		// a typo rarely changes the first letter: myFunction is not a misspelt Function
		if sym.builtin == nil || n == name || !strings.EqualFold(n[:1], name[:1]) {
			continue
		}
		if d := editDistance(lower, strings.ToLower(n), bestD); d < bestD || d == bestD && (best == "" || n < best) {
			best, bestD = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, giving up (returning limit+1)
// once it must exceed limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// typeError is a helper for the common "X expected at position n in call" messages.
func (s *Session) typeError(fn, tag string, pos int, c *Normal) Expr {
	switch tag {
	case "string", "strs":
		s.Message(fn, tag, Int(pos), c)
	default:
		s.Message(fn, tag, c, Int(pos))
	}
	return nil
}
