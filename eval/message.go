package eval

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// generalMessages are Wolfram's General:: templates, used by any symbol that has no text of
// its own for the tag (Length::argx prints General::argx's text).
var generalMessages = map[string]string{
	"argx":     "`1` called with `2` arguments; 1 argument is expected.",
	"argr":     "`1` called with 1 argument; `2` arguments are expected.",
	"argrx":    "`1` called with `2` arguments; `3` arguments are expected.",
	"argt":     "`1` called with `2` arguments; `3` or `4` arguments are expected.",
	"argb":     "`1` called with `2` arguments; between `3` and `4` arguments are expected.",
	"argbu":    "`1` called with 1 argument; between `2` and `3` arguments are expected.",
	"argm":     "`1` called with `2` arguments; `3` or more arguments are expected.",
	"argmu":    "`1` called with 1 argument; `2` or more arguments are expected.",
	"stop":     "Further output of `1` will be suppressed during this calculation.",
	"string":   "String expected at position `1` in `2`.",
	"strs":     "String or list of strings expected at position `1` in `2`.",
	"int":      "Integer expected at position `2` in `1`.",
	"intp":     "Positive integer expected at position `2` in `1`.",
	"intnm":    "Non-negative machine-sized integer expected at position `2` in `1`.",
	"list":     "List expected at position `2` in `1`.",
	"normal":   "Nonatomic expression expected at position `1` in `2`.",
	"nonopt":   "Options expected (instead of `1`) beyond position `2` in `3`. An option must be a rule or a list of rules.",
	"optx":     "Unknown option `1` in `2`.",
	"iterb":    "Iterator `1` does not have appropriate bounds.",
	"itform":   "Argument `1` at position `2` does not have the correct form for an iterator.",
	"write":    "Tag `1` in `2` is Protected.",
	"wrsym":    "Symbol `1` is Protected.",
	"setraw":   "Cannot assign to raw object `1`.",
	"partw":    "Part `1` of `2` does not exist.",
	"partd":    "Part specification `1` is longer than depth of object.",
	"pkspec1":  "The expression `1` cannot be used as a part specification.",
	"noval":    "Symbol `1` in part assignment does not have an immediate value.",
	"rvalue":   "`1` is not a variable with a value, so its value cannot be changed.",
	"infy":     "Infinite expression `1` encountered.",
	"indet":    "Indeterminate expression `1` encountered.",
	"tdlen":    "Objects of unequal length in `1` cannot be combined.",
	"nocatch":  "Uncaught `1` returned to top level.",
	"nofwd":    "No enclosing For, While, or Do found for `1`.",
	"reclim":   "Recursion depth of `1` exceeded.",
	"deep":     "The expression is nested more than `1` levels deep; the evaluation was aborted.",
	"lvset":    "Local variable specification `1` contains `2`, which is an assignment to `3`; only assignments to symbols are allowed.",
	"lvsym":    "Local variable specification `1` contains `2`, which is not a symbol or an assignment to a symbol.",
	"lvlist":   "Local variable specification `1` is not a List.",
	"lvw":      "Local variable specification `1` contains `2`, which is not an assignment to a symbol.",
	"shape":    "Lists `1` and `2` are not the same shape.",
	"rrlim":    "Exiting after `1` scanned `2` times.",
	"argctu":   "`1` called with 1 argument.",
	"fpct":     "Too many parameters in `1` to be filled from `2`.",
	"invrl":    "The argument `1` is not a valid Association or a list of rules.",
	"reps":     "`1` is neither a list of replacement rules nor a valid dispatch table, and so cannot be used for replacing.",
	"sntx":     "Invalid syntax in or before `1`.",
	"timc":     "Time limit `1` is not a positive number or Infinity.",
	"unknown":  "`1` is not a known function; did you mean `2`?",
	"keyw":     "The key `1` does not exist in `2`.",
	"level":    "Level specification `1` is not of the form n, {n}, or {m, n}.",
	"seqs":     "Sequence specification `1` is not of the correct form.",
	"ilsmn":    "Single or list of non-negative machine-sized integers expected at position `1` of `2`.",
	"notfound": "`1` was not found.",
	"zero":     "Zero is not a valid argument for `1`.",
	"pilist":   "A positive integer or a list of positive integers is expected at position `2` of `1`.",
	"ovfl":     "Overflow occurred in computation.",
	"nomem":    "The current computation was aborted because there was insufficient memory available to complete the computation.",
	"abort":    "The evaluation was aborted.",
	"opttf":    "Value of option `1` -> `2` should be True or False.",
	"charcode": "The character encoding `1` is not supported. Use $CharacterEncodings to list the supported encodings.",
}

// messageTexts are the texts particular to one symbol, "Sym::tag" -> template, filled from the
// builtin tables at start-up.
var messageTexts = map[string]string{
	"Power::infy":        "Infinite expression `1` encountered.",
	"Throw::nocatch":     "Uncaught `1` returned to top level.",
	"Thread::tdlen":      "Objects of unequal length in `1` cannot be combined.",
	"ToExpression::sntx": "Invalid syntax in or before `1`.",
	"Set::setps":         "`1` in the part assignment is not a symbol.",
	"Part::partw":        "Part `1` of `2` does not exist.",
}

// Message issues sym::tag with the template's `n` slots filled by args (in InputForm), and
// prints it unless Quiet or General::stop says otherwise. Messages are ordinary output: they go
// to the session's stream, in order with results.
func (s *Session) Message(sym, tag string, args ...Expr) {
	s.msgSerial++
	name := sym + "::" + tag
	template, ok := s.template(sym, tag)
	if !ok {
		// an unknown message name still prints, with its arguments, as Wolfram does
		template = "-- Message text not found --"
		for i := range args {
			template += fmt.Sprintf(" (`%d`)", i+1)
		}
	}
	if s.quiet > 0 {
		return
	}
	s.msgCounts[name]++
	switch c := s.msgCounts[name]; {
	case c > 3:
		return
	case c == 3:
		defer func() {
			s.printLine("General::stop: " + fill(generalMessages["stop"], []Expr{NewNormal(SymMessageName, s.Intern(sym), String(tag))}))
		}()
	}
	s.printLine(name + ": " + fill(template, args))
}

// MessageText issues sym::tag with a text of its own: for messages whose wording the caller
// builds (syntax errors, the socket runtime's reasons).
func (s *Session) MessageText(sym, tag, text string) {
	s.msgSerial++
	if s.quiet > 0 {
		return
	}
	s.printLine(sym + "::" + tag + ": " + text)
}

func (s *Session) template(sym, tag string) (string, bool) {
	name := sym + "::" + tag
	if t, ok := s.userMsgs[name]; ok {
		return t, true
	}
	if t, ok := messageTexts[name]; ok {
		return t, true
	}
	if t, ok := generalMessages[tag]; ok {
		return t, true
	}
	return "", false
}

// fill puts the arguments into a template's `1`, `2`, … slots.
func fill(template string, args []Expr) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(template, '`')
		if i < 0 {
			b.WriteString(template)
			return b.String()
		}
		j := strings.IndexByte(template[i+1:], '`')
		if j < 0 {
			b.WriteString(template)
			return b.String()
		}
		b.WriteString(template[:i])
		slot := template[i+1 : i+1+j]
		var k int
		if _, err := fmt.Sscanf(slot, "%d", &k); err == nil && k >= 1 && k <= len(args) {
			b.WriteString(messageArg(args[k-1]))
		} else if slot == "" {
			b.WriteString("`")
		}
		template = template[i+j+2:]
	}
}

// messageArg renders a message argument as Wolfram does: InputForm, cut short when long.
func messageArg(e Expr) string {
	if h, ok := e.(*Normal); ok && h.Head == SymHoldForm && len(h.Args) == 1 {
		e = h.Args[0]
	}
	text, cut := formatLimited(e, messageFormat, 300)
	if cut {
		// keep whole characters
		for len(text) > 0 && !utf8.ValidString(text) {
			text = text[:len(text)-1]
		}
		text = strings.TrimRight(text, ", ") + " …"
	}
	return text
}

// argCountMessage issues the General::arg* message for a call with the wrong number of
// arguments, worded for the builtin's range, as Wolfram words it.
func (s *Session) argCountMessage(name string, got, lo, hi int) {
	n := Int(got)
	sym := s.Intern(name)
	switch {
	case lo == hi && lo == 1:
		s.Message(name, "argx", sym, n)
	case lo == hi && got == 1:
		s.Message(name, "argr", sym, Int(lo))
	case lo == hi:
		s.Message(name, "argrx", sym, n, Int(lo))
	case hi < 0 && got == 1:
		s.Message(name, "argmu", sym, Int(lo))
	case hi < 0:
		s.Message(name, "argm", sym, n, Int(lo))
	case hi == lo+1:
		s.Message(name, "argt", sym, n, Int(lo), Int(hi))
	case got == 1:
		s.Message(name, "argbu", sym, Int(lo), Int(hi))
	default:
		s.Message(name, "argb", sym, n, Int(lo), Int(hi))
	}
}
