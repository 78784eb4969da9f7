package grammar

// The one table of operators: precedence (higher binds tighter, Wolfram's own numbers where it
// has them), associativity and the head each builds. Prefix and postfix forms have tables of
// their own below.

type assoc uint8

const (
	left assoc = iota
	right
	flat  // a op b op c is one call with three arguments
	chain // comparisons: a < b < c is Less[a, b, c]; mixed chains are Inequality
)

type infixOp struct {
	prec  int
	assoc assoc
	head  string
}

var infixOps = map[string]infixOp{
	"?":   {680, left, "PatternTest"},
	"@":   {640, right, ""}, // f @ x is f[x]
	"/@":  {620, right, "Map"},
	"@@":  {620, right, "Apply"},
	"@@@": {620, right, "MapApply"},
	"<>":  {600, flat, "StringJoin"},
	"^":   {590, right, "Power"},
	".":   {490, flat, "Dot"},
	"*":   {400, flat, "Times"},
	"/":   {400, flat, "Times"}, // a/b is Times[a, Power[b, -1]]
	"+":   {310, flat, "Plus"},
	"-":   {310, flat, "Plus"}, // a-b is Plus[a, Times[-1, b]]
	";;":  {305, flat, "Span"},
	"==":  {290, chain, "Equal"},
	"!=":  {290, chain, "Unequal"},
	"<":   {290, chain, "Less"},
	">":   {290, chain, "Greater"},
	"<=":  {290, chain, "LessEqual"},
	">=":  {290, chain, "GreaterEqual"},
	"===": {290, flat, "SameQ"},
	"=!=": {290, flat, "UnsameQ"},
	"&&":  {216, flat, "And"},
	"||":  {215, flat, "Or"},
	"|":   {160, flat, "Alternatives"},
	":":   {150, left, "Pattern"},
	"/;":  {130, left, "Condition"},
	"->":  {120, right, "Rule"},
	":>":  {120, right, "RuleDelayed"},
	"/.":  {110, left, "ReplaceAll"},
	"//.": {110, left, "ReplaceRepeated"},
	"+=":  {100, right, "AddTo"},
	"-=":  {100, right, "SubtractFrom"},
	"*=":  {100, right, "TimesBy"},
	"/=":  {100, right, "DivideBy"},
	"//":  {70, left, ""}, // x // f is f[x]
	"=":   {40, right, "Set"},
	":=":  {40, right, "SetDelayed"},
	"^=":  {40, right, "UpSet"},
	"^:=": {40, right, "UpSetDelayed"},
	";":   {10, flat, "CompoundExpression"},
}

// implicitTimes is the operator between two juxtaposed operands: 2 x is Times[2, x].
const implicitTimes = "*"

type affixOp struct {
	prec int
	head string
}

var prefixOps = map[string]affixOp{
	"++": {660, "PreIncrement"},
	"--": {660, "PreDecrement"},
	"-":  {480, "Times"}, // -x is Times[-1, x]; -5 is the integer -5
	"+":  {480, ""},      // +x is x
	"!":  {230, "Not"},
	";;": {305, "Span"}, // ;;j is Span[1, j]
}

var postfixOps = map[string]affixOp{
	"++": {660, "Increment"},
	"--": {660, "Decrement"},
	"&":  {90, "Function"},
	"!":  {610, "Factorial"}, // n! after an operand; !x before one is Not
	"=.": {40, "Unset"},
}

// trailingNeedsMore lists the tokens after which a line cannot end an input: Enter continues the
// input, as Wolfram does after an infix operator. ";" (a; gives Null), "&", "++", "--" and "=."
// end an expression and are absent.
var trailingNeedsMore = func() map[string]bool {
	m := map[string]bool{}
	for op := range infixOps {
		if op != ";" && op != ";;" {
			m[op] = true
		}
	}
	return m
}()
