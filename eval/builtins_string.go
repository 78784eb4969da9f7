package eval

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/socketrepl/socketrepl/grammar"
)

// The string family: joining, measuring, cutting and searching strings, case, conversion to
// and from text and character codes, and the clock (Now, DateString, AbsoluteTime, UnixTime).
// Wolfram strings are sequences of characters, so every position and length here counts runes.
var stringBuiltins = []*Builtin{
	{Name: "StringJoin", Usage: "s1 <> s2 <> …, StringJoin[s1, s2, …] joins strings (and lists of strings).", Attrs: Flat | OneIdentity, Min: 0, Max: -1, Fn: fnStringJoin,
		Messages: strMsgs(nil)},
	{Name: "StringLength", Usage: "StringLength[s] gives the number of characters in s.", Attrs: Listable, Min: 1, Max: 1, Fn: fnStringLength},
	{Name: "StringSplit", Usage: "StringSplit[s] splits s at runs of whitespace.\nStringSplit[s, sep] splits at the string sep (or any of a list of strings).\nStringSplit[s, sep, n] gives at most n pieces.", Min: 1, Max: 3, Fn: fnStringSplit,
		Options: []Option{{"IgnoreCase", SymFalse}}, Messages: strMsgs(map[string]string{"innf": strInnfText})},
	{Name: "StringReplace", Usage: "StringReplace[s, a -> b] replaces each a in s by b.\nStringReplace[s, {a1 -> b1, …}] tries the rules in order at each position, in one pass.\nStringReplace[s, rules, n] makes at most n replacements.\nStringReplace[rules] is the operator form.", Min: 1, Max: 4, Fn: fnStringReplace, Sub: strOperatorForm,
		Messages: strMsgs(map[string]string{"srep": "`1` is not a valid string replacement rule.", "innf": strInnfText})},
	{Name: "StringTake", Usage: "StringTake[s, n] gives the first n characters of s.\nStringTake[s, -n] gives the last n.\nStringTake[s, {m, n}] gives characters m through n.\nStringTake[s, {m}] gives character m.", Min: 2, Max: 2, Fn: fnStringTake,
		Messages: strMsgs(map[string]string{"take": "Cannot take positions `1` through `2` in `3`.", "mseqs": strMseqsText})},
	{Name: "StringDrop", Usage: "StringDrop[s, n] drops the first n characters of s.\nStringDrop[s, -n] drops the last n.\nStringDrop[s, {m, n}] drops characters m through n.\nStringDrop[s, {m}] drops character m.", Min: 2, Max: 2, Fn: fnStringDrop,
		Messages: strMsgs(map[string]string{"drop": "Cannot drop positions `1` through `2` in `3`.", "mseqs": strMseqsText})},
	{Name: "StringTrim", Usage: "StringTrim[s] removes whitespace from the beginning and end of s.\nStringTrim[s, t] removes the string t from the beginning and end.", Min: 1, Max: 2, Fn: fnStringTrim,
		Messages: strMsgs(nil)},
	{Name: "StringRiffle", Usage: "StringRiffle[{s1, s2, …}] joins the elements with spaces.\nStringRiffle[list, sep] joins them with sep.\nStringRiffle[list, {left, sep, right}] also puts left before and right after.\nStringRiffle[{{…}, …}] puts spaces within sublists and newlines between them.", Min: 1, Max: 3, Fn: fnStringRiffle,
		Messages: strMsgs(nil)},
	{Name: "StringRepeat", Usage: "StringRepeat[s, n] gives n copies of s joined.\nStringRepeat[s, n, max] gives at most max characters.", Min: 2, Max: 3, Fn: fnStringRepeat,
		Messages: strMsgs(nil)},
	{Name: "StringContainsQ", Usage: "StringContainsQ[s, t] is True when s contains the string t (or any of a list of strings).\nStringContainsQ[t] is the operator form.", Min: 1, Max: 2, Fn: strSearchQ("StringContainsQ"), Sub: strOperatorForm,
		Options: []Option{{"IgnoreCase", SymFalse}}, Messages: strMsgs(nil)},
	{Name: "StringStartsQ", Usage: "StringStartsQ[s, t] is True when s starts with the string t.\nStringStartsQ[t] is the operator form.", Min: 1, Max: 2, Fn: strSearchQ("StringStartsQ"), Sub: strOperatorForm,
		Options: []Option{{"IgnoreCase", SymFalse}}, Messages: strMsgs(nil)},
	{Name: "StringEndsQ", Usage: "StringEndsQ[s, t] is True when s ends with the string t.\nStringEndsQ[t] is the operator form.", Min: 1, Max: 2, Fn: strSearchQ("StringEndsQ"), Sub: strOperatorForm,
		Options: []Option{{"IgnoreCase", SymFalse}}, Messages: strMsgs(nil)},
	{Name: "StringReverse", Usage: "StringReverse[s] reverses the characters of s.", Attrs: Listable, Min: 1, Max: 1, Fn: fnStringReverse},
	{Name: "StringPosition", Usage: "StringPosition[s, t] lists the {start, end} positions where t occurs in s (overlapping).\nStringPosition[s, t, n] gives the first n.", Min: 2, Max: 3, Fn: fnStringPosition,
		Options: []Option{{"IgnoreCase", SymFalse}, {"Overlaps", SymTrue}}, Messages: strMsgs(map[string]string{"innf": strInnfText, "ovls": strOvlsText})},
	{Name: "StringCount", Usage: "StringCount[s, t] counts the (non-overlapping) occurrences of t in s.", Min: 2, Max: 2, Fn: fnStringCount,
		Options: []Option{{"IgnoreCase", SymFalse}, {"Overlaps", SymFalse}}, Messages: strMsgs(map[string]string{"ovls": strOvlsText})},
	{Name: "Characters", Usage: "Characters[s] lists the characters of s as strings.", Attrs: Listable, Min: 1, Max: 1, Fn: fnCharacters},
	{Name: "StringQ", Usage: "StringQ[x] is True when x is a string.", Min: 1, Max: 1, Fn: func(s *Session, c *Normal) Expr {
		_, ok := c.Args[0].(String)
		return Bool(ok)
	}},
	{Name: "ToUpperCase", Usage: "ToUpperCase[s] puts the letters of s in upper case.", Attrs: Listable, Min: 1, Max: 1, Fn: strCaseFn(strings.ToUpper)},
	{Name: "ToLowerCase", Usage: "ToLowerCase[s] puts the letters of s in lower case.", Attrs: Listable, Min: 1, Max: 1, Fn: strCaseFn(strings.ToLower)},
	{Name: "ToString", Usage: "ToString[x] gives the text of x as it is shown (OutputForm).\nToString[x, InputForm] gives text that reads back as x.\nToString[x, FullForm] gives its FullForm.", Min: 1, Max: 2, Fn: fnToString},
	{Name: "TextString", Usage: "TextString[x] gives the text of x as it is shown.", Min: 1, Max: 1, Fn: func(s *Session, c *Normal) Expr {
		return String(OutputForm(c.Args[0]))
	}},
	{Name: "ToExpression", Usage: "ToExpression[s] parses the string s and evaluates it; with several lines, each in turn, giving the last.\nToExpression[s, InputForm, h] wraps the parsed expression in h before evaluating it.", Min: 1, Max: 3, Fn: fnToExpression,
		Messages: map[string]string{
			"sntx":      "Invalid syntax in or before `1`.",
			"sntxi":     "Incomplete expression; more input is needed.",
			"interpfmt": "`1` is not a valid interpretation format. Valid interpretation formats include InputForm and any member of $BoxForms.",
		}},
	{Name: "IntegerString", Usage: "IntegerString[n] gives the decimal digits of n (without its sign) as a string.\nIntegerString[n, b] gives the base-b digits.\nIntegerString[n, b, len] pads with zeros on the left (or keeps the last digits) to len digits.", Attrs: Listable, Min: 1, Max: 3, Fn: fnIntegerString,
		Messages: strMsgs(map[string]string{
			"basf":  "Requested base `1` in `2` should be an integer between 2 and 36.",
			"intnn": "Non-negative integer expected at position `2` in `1`.",
		})},
	{Name: "FromCharacterCode", Usage: "FromCharacterCode[n] gives the character with code point n.\nFromCharacterCode[{n1, n2, …}] gives the string of those characters.\nFromCharacterCode[{{…}, …}] gives a list of strings.\nFromCharacterCode[codes, \"UTF8\"] decodes UTF-8 bytes.", Min: 1, Max: 2, Fn: fnFromCharacterCode,
		Messages: strMsgs(map[string]string{
			"notunicode": "A character code, which should be a non-negative integer less than 1114112, is expected at position `2` in `1`.",
			"utf8":       "The byte sequence `1` could not be interpreted as a character in the UTF-8 character encoding.",
		})},
	{Name: "ToCharacterCode", Usage: "ToCharacterCode[s] lists the code points of the characters of s.\nToCharacterCode[{s1, s2, …}] gives a list for each.\nToCharacterCode[s, \"UTF8\"] gives its UTF-8 bytes.", Min: 1, Max: 2, Fn: fnToCharacterCode,
		Messages: strMsgs(nil)},
	{Name: "StringPadLeft", Usage: "StringPadLeft[s, n] pads s on the left with spaces to n characters (or keeps its last n).\nStringPadLeft[s, n, pad] pads with copies of the string pad.\nStringPadLeft[{s1, s2, …}] pads them all to the longest.", Min: 1, Max: 3, Fn: strPadFn(true),
		Messages: strMsgs(nil)},
	{Name: "StringPadRight", Usage: "StringPadRight[s, n] pads s on the right with spaces to n characters (or keeps its first n).\nStringPadRight[s, n, pad] pads with copies of the string pad.\nStringPadRight[{s1, s2, …}] pads them all to the longest.", Min: 1, Max: 3, Fn: strPadFn(false),
		Messages: strMsgs(nil)},
	{Name: "DateString", Usage: "DateString[] gives the date and time now, as \"Wed 25 Nov 2026 15:04:05\".\nDateString[fmt] formats now: \"ISODateTime\", \"ISODate\", \"Time\", \"DateTime\", \"Date\", … or a list of elements such as {\"Year\", \"-\", \"Month\"}.\nDateString[date] and DateString[date, fmt] format a DateObject, a date list {y, m, d, h, m, s} or an absolute time.", Min: 0, Max: 2, Fn: fnDateString,
		Messages: map[string]string{
			"fmt": "`1` is not a valid date format.",
			"arg": "Argument `1` cannot be interpreted as a date or time input.",
		}},
	{Name: "AbsoluteTime", Usage: "AbsoluteTime[] gives the seconds since 1 January 1900, in the local time zone.\nAbsoluteTime[date] gives them for a DateObject or date list.", Min: 0, Max: 1, Fn: fnAbsoluteTime,
		Messages: map[string]string{"arg": "Argument `1` cannot be interpreted as a date or time input."}},
	{Name: "UnixTime", Usage: "UnixTime[] gives the seconds since 1 January 1970 UTC.\nUnixTime[date] gives them for a DateObject or date list.", Min: 0, Max: 1, Fn: fnUnixTime,
		Messages: map[string]string{"arg": "Argument `1` cannot be interpreted as a date or time input."}},
}

// The symbols this family names at run time, made at start-up: sys creates a symbol it does
// not find, which must not happen once sessions run.
var (
	strSymStringReplace    = sys("StringReplace")
	strSymUpTo             = sys("UpTo")
	strSymStringExpression = sys("StringExpression")
	strSymIgnoreCase       = sys("IgnoreCase")
	strSymOverlaps         = sys("Overlaps")
)

// maxStringResult caps the characters (and list elements) a string function may build, so that
// StringRepeat["x", 10^12] gives a message instead of exhausting memory.
const maxStringResult = 1 << 31

const (
	strStrseText = "String or list of strings expected at position `1` in `2`."
	strInnfText  = "Non-negative integer or Infinity expected at position `2` in `1`."
	strOvlsText  = "Value of option `1` -> `2` should be True, False, or All."
	strMseqsText = "Sequence specification (+n, -n, {+n}, {-n}, {m, n}, or {m, n, s}) or a list of sequence specifications expected at position `2` in `1`."
	strBigText   = "The result would have `1` characters, more than the limit of `2`."
)

// strMsgs adds the texts most string functions share (strse, and the result-size limit) to a
// row's own messages.
func strMsgs(m map[string]string) map[string]string {
	out := map[string]string{"strse": strStrseText, "toolong": strBigText}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func strHead(c *Normal) string {
	if h, ok := c.Head.(*Symbol); ok {
		return h.Name
	}
	return InputForm(c.Head)
}

// strTooLong issues fn::toolong when a result of n characters would pass the limit.
func (s *Session) strTooLong(fn string, n int64) bool {
	if n <= maxStringResult {
		return false
	}
	s.Message(fn, "toolong", Int(n), Int(maxStringResult))
	return true
}

// strTooLongBig is strTooLong for a size beyond 64 bits.
func (s *Session) strTooLongBig(fn string, n *big.Int) {
	s.Message(fn, "toolong", BigOrInt(n), Int(maxStringResult))
}

// strList builds a list, marking it inert when its elements are literals.
func strList(out []Expr) *Normal {
	if allLiteral(out) {
		return inertList(out)
	}
	return List(out...)
}

// strMap applies f to a string, or to each string of a list (giving the list of results).
// Anything else gets fn::strse at position pos; f returns nil (after its own message) to
// leave the call unevaluated.
func (s *Session) strMap(c *Normal, x Expr, pos int, f func(string) Expr) Expr {
	switch v := x.(type) {
	case String:
		return f(string(v))
	case *Normal:
		if v.Head == SymList {
			out := make([]Expr, len(v.Args))
			for i, e := range v.Args {
				str, ok := e.(String)
				if !ok {
					s.Message(strHead(c), "strse", Int(pos), c)
					return nil
				}
				if out[i] = f(string(str)); out[i] == nil {
					return nil
				}
			}
			return strList(out)
		}
	}
	s.Message(strHead(c), "strse", Int(pos), c)
	return nil
}

// strOperatorForm evaluates f[p][x] as f[x, p]: StringReplace[rules]["abc"],
// StringContainsQ["b"]["abc"]. Only a head with exactly one positional argument is an operator.
func strOperatorForm(s *Session, obj *Normal, args []Expr) Expr {
	if len(args) != 1 || len(obj.Args) == 0 {
		return nil
	}
	if obj.Head == strSymStringReplace {
		// its one argument is a rule, which would look like an option below
		if len(obj.Args) != 1 {
			return nil
		}
	} else {
		positional := 0
		for _, a := range obj.Args {
			if !isOptionRule(a) {
				positional++
			}
		}
		if positional != 1 || isOptionRule(obj.Args[0]) {
			return nil
		}
	}
	return s.Eval(&Normal{Head: obj.Head, Args: append([]Expr{args[0]}, obj.Args...)})
}

// strBoolOpt reads the IgnoreCase option; a value other than True or False gets fn::opttf.
func (s *Session) strBoolOpt(fn string, opts map[string]Expr) (bool, bool) {
	const name = "IgnoreCase"
	switch opts[name] {
	case SymTrue:
		return true, true
	case SymFalse:
		return false, true
	}
	s.Message(fn, "opttf", strSymIgnoreCase, opts[name])
	return false, false
}

// --- joining and measuring ---

func fnStringJoin(s *Session, c *Normal) Expr {
	// first pass: check every argument and add up the length, so nothing is built for a call
	// that fails
	var total int64
	var walk func(e Expr) bool
	walk = func(e Expr) bool {
		switch x := e.(type) {
		case String:
			total += int64(len(x))
			return true
		case *Normal:
			if x.Head == SymList {
				for _, a := range x.Args {
					if !walk(a) {
						return false
					}
				}
				return true
			}
		}
		return false
	}
	for i, a := range c.Args {
		if !walk(a) {
			s.Message("StringJoin", "string", Int(i+1), c)
			return nil
		}
	}
	if s.strTooLong("StringJoin", total) {
		return nil
	}
	if len(c.Args) == 1 {
		if str, ok := c.Args[0].(String); ok {
			return str
		}
	}
	var b strings.Builder
	b.Grow(int(total))
	var write func(e Expr)
	write = func(e Expr) {
		if str, ok := e.(String); ok {
			b.WriteString(string(str))
			return
		}
		for _, a := range e.(*Normal).Args {
			write(a)
		}
	}
	for _, a := range c.Args {
		write(a)
	}
	return String(b.String())
}

func fnStringLength(s *Session, c *Normal) Expr {
	str, ok := c.Args[0].(String)
	if !ok {
		return s.typeError("StringLength", "string", 1, c)
	}
	return Int(utf8.RuneCountInString(string(str)))
}

func fnCharacters(s *Session, c *Normal) Expr {
	str, ok := c.Args[0].(String)
	if !ok {
		return s.typeError("Characters", "string", 1, c)
	}
	n := utf8.RuneCountInString(string(str))
	if n > listMaxLen {
		s.Message("Characters", "nomem")
		return nil
	}
	out := make([]Expr, 0, n)
	for i := 0; i < len(str); {
		_, w := utf8.DecodeRuneInString(string(str[i:]))
		out = append(out, str[i:i+w])
		i += w
		if len(out)&4095 == 0 {
			s.checkAbort()
		}
	}
	return inertList(out)
}

func fnStringReverse(s *Session, c *Normal) Expr {
	str, ok := c.Args[0].(String)
	if !ok {
		return s.typeError("StringReverse", "string", 1, c)
	}
	b := make([]byte, len(str))
	// copy each character's bytes to the mirrored place, keeping multi-byte characters whole
	for i, j := 0, len(str); i < len(str); {
		_, w := utf8.DecodeRuneInString(string(str[i:]))
		j -= w
		copy(b[j:], str[i:i+w])
		i += w
	}
	return String(b)
}

func strCaseFn(f func(string) string) func(*Session, *Normal) Expr {
	return func(s *Session, c *Normal) Expr {
		str, ok := c.Args[0].(String)
		if !ok {
			return s.typeError(strHead(c), "string", 1, c)
		}
		return String(f(string(str)))
	}
}

// --- character positions ---

// strByteOffsets gives the byte offset of each character of str, with len(str) appended, so
// that characters i..j (0-based, exclusive) are str[off[i]:off[j]].
func strByteOffsets(str string) []int {
	off := make([]int, 0, len(str)+1)
	for i := 0; i < len(str); {
		off = append(off, i)
		_, w := utf8.DecodeRuneInString(str[i:])
		i += w
	}
	return append(off, len(str))
}

func strIsASCII(str string) bool {
	for i := 0; i < len(str); i++ {
		if str[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// strChars indexes a string by character, without copying it for ASCII text.
type strChars struct {
	s   string
	off []int // nil for ASCII
	n   int
}

func newStrChars(str string) strChars {
	if strIsASCII(str) {
		return strChars{s: str, n: len(str)}
	}
	off := strByteOffsets(str)
	return strChars{s: str, off: off, n: len(off) - 1}
}

// slice gives characters i..j, 0-based, j exclusive.
func (c strChars) slice(i, j int) string {
	if c.off == nil {
		return c.s[i:j]
	}
	return c.s[c.off[i]:c.off[j]]
}

// --- StringTake, StringDrop ---

// strSeq is a resolved sequence specification: 1-based positions from, from+step, … to.
type strSeq struct {
	from, to, step int
	// lo, hi are the positions as written, for the take/drop message
	lo, hi Expr
}

// strSmallInt reads a machine integer in a range where arithmetic on it cannot overflow.
func strSmallInt(e Expr) (int, bool) {
	switch x := e.(type) {
	case Int:
		if x > -(1<<40) && x < 1<<40 {
			return int(x), true
		}
		// an absurd position is simply out of range
		if x > 0 {
			return 1 << 41, true
		}
		return -(1 << 41), true
	case *BigInt:
		if x.V.Sign() > 0 {
			return 1 << 41, true
		}
		return -(1 << 41), true
	}
	return 0, false
}

// strParseSeq reads n, -n, {n}, {m, n}, {m, n, s}, All, None or UpTo[n] against a length. It
// reports ok=false when the spec is malformed and inRange=false when it names positions that
// do not exist.
func strParseSeq(spec Expr, length int) (sp strSeq, ok, inRange bool) {
	pos := func(k int) int {
		if k < 0 {
			return length + k + 1
		}
		return k
	}
	switch x := spec.(type) {
	case Int, *BigInt:
		n, _ := strSmallInt(x)
		if n >= 0 {
			return strSeq{1, n, 1, Int(1), x}, true, n <= length
		}
		return strSeq{length + n + 1, length, 1, x, Int(-1)}, true, -n <= length
	case *Symbol:
		switch x {
		case SymAll:
			return strSeq{1, length, 1, Int(1), Int(length)}, true, true
		case SymNone:
			return strSeq{1, 0, 1, Int(1), Int(0)}, true, true
		}
	case *Normal:
		if x.Head == strSymUpTo && len(x.Args) == 1 {
			n, ok := strSmallInt(x.Args[0])
			if !ok || n < 0 {
				return sp, false, false
			}
			return strSeq{1, min(n, length), 1, Int(1), x.Args[0]}, true, true
		}
		if x.Head != SymList || len(x.Args) < 1 || len(x.Args) > 3 {
			return sp, false, false
		}
		var v [3]int
		for i, a := range x.Args {
			k, ok := strSmallInt(a)
			if !ok {
				return sp, false, false
			}
			v[i] = k
		}
		switch len(x.Args) {
		case 1:
			p := pos(v[0])
			return strSeq{p, p, 1, x.Args[0], x.Args[0]}, true, v[0] != 0 && p >= 1 && p <= length
		case 2:
			a, b := pos(v[0]), pos(v[1])
			sp = strSeq{a, b, 1, x.Args[0], x.Args[1]}
			// {m, m-1} is an empty run and fine anywhere from 1 to length+1
			return sp, true, a >= 1 && b <= length && b >= a-1 && a <= length+1 && b >= 0
		case 3:
			if v[2] == 0 {
				return sp, false, false
			}
			a, b := pos(v[0]), pos(v[1])
			sp = strSeq{a, b, v[2], x.Args[0], x.Args[1]}
			if (v[2] > 0 && b < a) || (v[2] < 0 && b > a) {
				return sp, true, a >= 1 && a <= length+1 && b >= 0 && b <= length
			}
			return sp, true, a >= 1 && a <= length && b >= 1 && b <= length
		}
	}
	return sp, false, false
}

// indices lists the 0-based character indices a resolved spec selects.
func (sp strSeq) indices() []int {
	var out []int
	if sp.step > 0 {
		for i := sp.from; i <= sp.to; i += sp.step {
			out = append(out, i-1)
		}
	} else {
		for i := sp.from; i >= sp.to; i += sp.step {
			out = append(out, i-1)
		}
	}
	return out
}

// strIsSpecList tells a list of sequence specs ({{1, 2}, {4}}) from one spec ({1, 2}).
func strIsSpecList(e Expr) bool {
	l, ok := e.(*Normal)
	if !ok || l.Head != SymList || len(l.Args) == 0 {
		return false
	}
	for _, a := range l.Args {
		if !IsList(a) {
			return false
		}
	}
	return true
}

func fnStringTake(s *Session, c *Normal) Expr { return strTakeDrop(s, c, true) }
func fnStringDrop(s *Session, c *Normal) Expr { return strTakeDrop(s, c, false) }

func strTakeDrop(s *Session, c *Normal, take bool) Expr {
	fn, tag := "StringTake", "take"
	if !take {
		fn, tag = "StringDrop", "drop"
	}
	one := func(str string, spec Expr) Expr {
		cs := newStrChars(str)
		sp, ok, inRange := strParseSeq(spec, cs.n)
		if !ok {
			s.Message(fn, "mseqs", c, Int(2))
			return nil
		}
		if !inRange {
			s.Message(fn, tag, sp.lo, sp.hi, String(str))
			return nil
		}
		if sp.step == 1 {
			if sp.to < sp.from {
				if take {
					return String("")
				}
				return String(str)
			}
			if take {
				return String(cs.slice(sp.from-1, sp.to))
			}
			return String(cs.slice(0, sp.from-1) + cs.slice(sp.to, cs.n))
		}
		idx := sp.indices()
		var b strings.Builder
		if take {
			for _, i := range idx {
				b.WriteString(cs.slice(i, i+1))
			}
			return String(b.String())
		}
		drop := make([]bool, cs.n)
		for _, i := range idx {
			drop[i] = true
		}
		for i := 0; i < cs.n; i++ {
			if !drop[i] {
				b.WriteString(cs.slice(i, i+1))
			}
		}
		return String(b.String())
	}
	spec := c.Args[1]
	return s.strMap(c, c.Args[0], 1, func(str string) Expr {
		if take && strIsSpecList(spec) {
			specs := spec.(*Normal).Args
			out := make([]Expr, len(specs))
			for i, sp := range specs {
				if out[i] = one(str, sp); out[i] == nil {
					return nil
				}
			}
			return inertList(out)
		}
		return one(str, spec)
	})
}

// --- matching plain strings ---

// strMatcher finds any of a list of literal strings, optionally ignoring case.
type strMatcher struct {
	pats []string
	fold bool
}

// strPatterns reads a string or a list of strings (alternatives, as are p1 | p2). ok is
// false for anything else: string patterns such as DigitCharacter are not supported.
func strPatterns(e Expr) ([]string, bool) {
	switch x := e.(type) {
	case String:
		return []string{string(x)}, true
	case *Normal:
		if x.Head == SymList || x.Head == SymAlternatives {
			var out []string
			for _, a := range x.Args {
				p, ok := strPatterns(a)
				if !ok {
					return nil, false
				}
				out = append(out, p...)
			}
			return out, true
		}
	}
	return nil, false
}

func strFoldEq(a, b rune) bool {
	return a == b || unicode.ToLower(a) == unicode.ToLower(b) || unicode.ToUpper(a) == unicode.ToUpper(b)
}

// prefixLen reports whether pat occurs in str at byte offset i, and its length there in bytes.
func (m *strMatcher) prefixLen(str string, i int, pat string) (int, bool) {
	if !m.fold {
		if strings.HasPrefix(str[i:], pat) {
			return len(pat), true
		}
		return 0, false
	}
	j := i
	for _, pr := range pat {
		if j >= len(str) {
			return 0, false
		}
		r, w := utf8.DecodeRuneInString(str[j:])
		if !strFoldEq(r, pr) {
			return 0, false
		}
		j += w
	}
	return j - i, true
}

// at gives the length of the first pattern (in list order) matching at byte offset i; empty
// patterns are skipped.
func (m *strMatcher) at(str string, i int) (int, bool) {
	for _, p := range m.pats {
		if p == "" {
			continue
		}
		if n, ok := m.prefixLen(str, i, p); ok {
			return n, true
		}
	}
	return 0, false
}

// strSpan is a match: character positions (0-based start, exclusive end) and bytes.
type strSpan struct{ c0, c1, b0, b1 int }

// strFind lists the matches of m in str, left to right. overlaps: 0 none (continue after each
// match), 1 one per starting position, 2 every pattern at every position. limit < 0: all.
func (s *Session) strFind(str string, m *strMatcher, overlaps int, limit int) []strSpan {
	var out []strSpan
	ci := 0
	for i, steps := 0, 0; i < len(str) && (limit < 0 || len(out) < limit); steps++ {
		if steps&0xffff == 0 {
			s.checkAbort()
		}
		matched := false
		for _, p := range m.pats {
			if p == "" {
				continue
			}
			n, ok := m.prefixLen(str, i, p)
			if !ok {
				continue
			}
			out = append(out, strSpan{ci, ci + utf8.RuneCountInString(str[i:i+n]), i, i + n})
			matched = true
			if overlaps != 2 || (limit >= 0 && len(out) >= limit) {
				break
			}
		}
		if matched && overlaps == 0 {
			last := out[len(out)-1]
			ci, i = last.c1, last.b1
			continue
		}
		_, w := utf8.DecodeRuneInString(str[i:])
		i += w
		ci++
	}
	return out
}

// --- StringSplit ---

func fnStringSplit(s *Session, c *Normal) Expr {
	pos, opts, ok := s.Options(c.Head.(*Symbol).builtin, c)
	if !ok {
		return nil
	}
	fold, ok := s.strBoolOpt(strHead(c), opts)
	if !ok {
		return nil
	}
	var m *strMatcher // nil: whitespace
	if len(pos) >= 2 && !strIsWhitespace(pos[1]) {
		pats, ok := strPatterns(pos[1])
		if !ok {
			return nil
		}
		m = &strMatcher{pats: pats, fold: fold}
	}
	limit := -1
	if len(pos) == 3 {
		switch n := pos[2].(type) {
		case Int:
			if n < 1 {
				return s.typeError("StringSplit", "intp", 3, c)
			}
			limit = int(min(n, 1<<40))
		case *BigInt:
			limit = 1 << 40
		default:
			if n != SymInfinity {
				return s.typeError("StringSplit", "intp", 3, c)
			}
		}
	}
	return s.strMap(c, pos[0], 1, func(str string) Expr {
		return inertList(s.strSplit(str, m, limit))
	})
}

func strIsWhitespace(e Expr) bool {
	sym, ok := e.(*Symbol)
	return ok && sym.Name == "Whitespace"
}

// strSplit cuts str at the matches of m (or at runs of whitespace for nil), into at most limit
// pieces, dropping an empty piece at the beginning and at the end, as Wolfram does.
func (s *Session) strSplit(str string, m *strMatcher, limit int) []Expr {
	var pieces []string
	start := 0
	addPiece := func(end int) { pieces = append(pieces, str[start:end]) }
	steps := 0
	full := func() bool {
		if steps++; steps&0xffff == 0 {
			s.checkAbort()
		}
		return limit >= 0 && len(pieces) >= limit-1
	}
	switch {
	case m == nil:
		for i := 0; i < len(str) && !full(); {
			r, w := utf8.DecodeRuneInString(str[i:])
			if !unicode.IsSpace(r) {
				i += w
				continue
			}
			j := i
			for j < len(str) {
				r, w := utf8.DecodeRuneInString(str[j:])
				if !unicode.IsSpace(r) {
					break
				}
				j += w
			}
			addPiece(i)
			start, i = j, j
		}
	case strAllEmpty(m.pats):
		// an empty separator splits between every character
		for i := 0; i < len(str) && !full(); {
			_, w := utf8.DecodeRuneInString(str[i:])
			if i > 0 {
				addPiece(i)
				start = i
			}
			i += w
		}
	default:
		for i := 0; i < len(str) && !full(); {
			if n, ok := m.at(str, i); ok {
				addPiece(i)
				start, i = i+n, i+n
				continue
			}
			_, w := utf8.DecodeRuneInString(str[i:])
			i += w
		}
	}
	addPiece(len(str))
	if len(pieces) > 0 && pieces[0] == "" {
		pieces = pieces[1:]
	}
	if len(pieces) > 0 && pieces[len(pieces)-1] == "" {
		pieces = pieces[:len(pieces)-1]
	}
	out := make([]Expr, len(pieces))
	for i, p := range pieces {
		out[i] = String(p)
	}
	return out
}

func strAllEmpty(pats []string) bool {
	for _, p := range pats {
		if p != "" {
			return false
		}
	}
	return true
}

// --- StringReplace ---

type strRule struct {
	lhs     string
	rhs     Expr
	delayed bool
}

// strRules reads a rule or list of rules whose left sides are strings (or
// alternatives of strings). bad is the offending element when one is not a rule at all;
// unsupported left sides (string patterns) give ok=false with bad nil.
func strRules(e Expr) (rules []strRule, bad Expr, ok bool) {
	var items []Expr
	if l, isList := e.(*Normal); isList && l.Head == SymList {
		items = l.Args
	} else {
		items = []Expr{e}
	}
	for _, it := range items {
		r, isRule := it.(*Normal)
		if !isRule || (r.Head != SymRule && r.Head != SymRuleDelayed) || len(r.Args) != 2 {
			return nil, it, false
		}
		pats, isPat := strPatterns(r.Args[0])
		if !isPat || HasHead(r.Args[0], SymList) {
			if _, sub := r.Args[0].(*Normal); sub {
				return nil, nil, false
			}
			if _, sym := r.Args[0].(*Symbol); sym {
				return nil, nil, false
			}
			return nil, it, false
		}
		for _, p := range pats {
			rules = append(rules, strRule{p, r.Args[1], r.Head == SymRuleDelayed})
		}
	}
	return rules, nil, true
}

func fnStringReplace(s *Session, c *Normal) Expr {
	args := c.Args
	fold := false
	// IgnoreCase is read by hand: the rules themselves look like options to the generic reader
	if n := len(args); n >= 2 {
		if r, ok := args[n-1].(*Normal); ok && r.Head == SymRule && len(r.Args) == 2 {
			if sym, ok := r.Args[0].(*Symbol); ok && sym.Name == "IgnoreCase" {
				switch r.Args[1] {
				case SymTrue:
					fold = true
				case SymFalse:
				default:
					s.Message("StringReplace", "opttf", sym, r.Args[1])
					return nil
				}
				args = args[:n-1]
			}
		}
	}
	if len(args) > 3 {
		s.argCountMessage("StringReplace", len(c.Args), 1, 3)
		return nil
	}
	if len(args) < 2 {
		return nil // StringReplace[rules] is an operator waiting for its string
	}
	rules, bad, ok := strRules(args[1])
	if !ok {
		if bad != nil {
			s.Message("StringReplace", "srep", bad)
		}
		return nil
	}
	limit, ok := s.strLimit("StringReplace", args, c)
	if !ok {
		return nil
	}
	return s.strMap(c, args[0], 1, func(str string) Expr {
		return s.strReplace(str, rules, fold, limit)
	})
}

// strReplace makes one left-to-right pass: at each position the first rule whose string
// occurs there is applied and the scan moves past it. A right side that is not a string makes
// the result a StringExpression, as in Wolfram.
func (s *Session) strReplace(str string, rules []strRule, fold bool, limit int) Expr {
	// When the result could pass the cap, a dry pass (no building, no evaluating) sizes it
	// first, so StringReplace[big, "a" -> big] fails at once instead of after building 2 GB.
	maxRHS := 0
	for _, r := range rules {
		if t, ok := r.rhs.(String); ok && !r.delayed {
			maxRHS = max(maxRHS, len(t))
		}
	}
	if int64(len(str)+1)*int64(1+maxRHS) > maxStringResult {
		if size := s.strReplacedSize(str, rules, fold, limit); s.strTooLong("StringReplace", size) {
			return nil
		}
	}
	var parts []Expr
	var b strings.Builder
	var size int64
	emit := func(r strRule) bool {
		v := r.rhs
		if r.delayed {
			v = s.Eval(v)
		}
		if t, ok := v.(String); ok {
			size += int64(len(t))
			if size > maxStringResult {
				return false
			}
			b.WriteString(string(t))
			return true
		}
		if b.Len() > 0 {
			parts = append(parts, String(b.String()))
			b.Reset()
		}
		parts = append(parts, v)
		return true
	}
	kept := func(c string) bool {
		b.WriteString(c)
		size += int64(len(c))
		return true
	}
	if !s.strReplaceScan(str, rules, fold, limit, emit, kept) {
		s.strTooLong("StringReplace", size)
		return nil
	}
	if s.strTooLong("StringReplace", size) {
		return nil
	}
	if len(parts) == 0 {
		return String(b.String())
	}
	if b.Len() > 0 {
		parts = append(parts, String(b.String()))
	}
	return NewNormal(strSymStringExpression, parts...)
}

// strReplacedSize is the byte length strReplace would give, counting right sides that are
// not plain strings (or are evaluated later) as empty.
func (s *Session) strReplacedSize(str string, rules []strRule, fold bool, limit int) int64 {
	var size int64
	s.strReplaceScan(str, rules, fold, limit, func(r strRule) bool {
		if t, isStr := r.rhs.(String); isStr && !r.delayed {
			size += int64(len(t))
		}
		return true
	}, func(c string) bool {
		size += int64(len(c))
		return true
	})
	return size
}

// strReplaceScan walks str as StringReplace does: at each position the first rule whose left
// side matches there is applied (an empty left side matches anywhere), up to limit rules in
// all; where none applies, one character is kept. It calls apply for each rule applied and
// keep for each character kept; either returning false stops the scan, which reports false.
func (s *Session) strReplaceScan(str string, rules []strRule, fold bool, limit int,
	apply func(strRule) bool, keep func(string) bool) bool {
	m := &strMatcher{fold: fold}
	count := 0
	for i, steps := 0, 0; i <= len(str); steps++ {
		if steps&0xffff == 0 {
			s.checkAbort()
		}
		n, matched := 0, false
		if limit < 0 || count < limit {
			for _, r := range rules {
				ok := r.lhs == ""
				if !ok {
					n, ok = m.prefixLen(str, i, r.lhs)
				}
				if ok {
					matched = true
					count++
					if !apply(r) {
						return false
					}
					break
				}
			}
		}
		if matched && n > 0 {
			i += n
			continue
		}
		if i == len(str) {
			break
		}
		_, w := utf8.DecodeRuneInString(str[i:])
		if !keep(str[i : i+w]) {
			return false
		}
		i += w
	}
	return true
}

// --- StringTrim ---

func fnStringTrim(s *Session, c *Normal) Expr {
	var m *strMatcher
	if len(c.Args) == 2 && !strIsWhitespace(c.Args[1]) {
		pats, ok := strPatterns(c.Args[1])
		if !ok {
			return nil
		}
		m = &strMatcher{pats: pats}
	}
	return s.strMap(c, c.Args[0], 1, func(str string) Expr {
		if m == nil {
			return String(strings.TrimFunc(str, unicode.IsSpace))
		}
		// one occurrence at each end, as StringTrim["aaxaa", "a"] gives "axa"
		if n, ok := m.at(str, 0); ok {
			str = str[n:]
		}
		for _, p := range m.pats {
			if p != "" && strings.HasSuffix(str, p) {
				str = str[:len(str)-len(p)]
				break
			}
		}
		return String(str)
	})
}

// --- StringRiffle ---

func fnStringRiffle(s *Session, c *Normal) Expr {
	l, ok := c.Args[0].(*Normal)
	if !ok || l.Head != SymList {
		return s.typeError("StringRiffle", "list", 1, c)
	}
	// a separator is sep or {left, sep, right}
	readSep := func(e Expr) ([3]string, bool) {
		switch x := e.(type) {
		case String:
			return [3]string{"", string(x), ""}, true
		case *Normal:
			if x.Head == SymList && len(x.Args) == 3 {
				var t [3]string
				for i, a := range x.Args {
					str, ok := a.(String)
					if !ok {
						return t, false
					}
					t[i] = string(str)
				}
				return t, true
			}
		}
		return [3]string{}, false
	}
	nested := len(l.Args) > 0
	for _, a := range l.Args {
		if !IsList(a) {
			nested = false
		}
	}
	outer, inner := [3]string{"", " ", ""}, [3]string{"", " ", ""}
	if nested {
		outer[1] = "\n"
	}
	if len(c.Args) >= 2 {
		if outer, ok = readSep(c.Args[1]); !ok {
			return s.typeError("StringRiffle", "string", 2, c)
		}
	}
	if len(c.Args) == 3 {
		if inner, ok = readSep(c.Args[2]); !ok {
			return s.typeError("StringRiffle", "string", 3, c)
		}
	}
	text := func(e Expr) string {
		if str, ok := e.(String); ok {
			return string(str)
		}
		return OutputForm(e) // non-strings are shown as TextString shows them
	}
	// the pieces and their total size come first, so an oversized result is never built
	var pieces []string
	var size int64
	add := func(p string) {
		pieces = append(pieces, p)
		size += int64(len(p))
	}
	riffle := func(items []Expr, sep [3]string, elem func(Expr)) {
		add(sep[0])
		for i, a := range items {
			if i > 0 {
				add(sep[1])
			}
			elem(a)
		}
		add(sep[2])
	}
	if nested {
		riffle(l.Args, outer, func(e Expr) {
			riffle(e.(*Normal).Args, inner, func(x Expr) { add(text(x)) })
		})
	} else {
		riffle(l.Args, outer, func(x Expr) { add(text(x)) })
	}
	if s.strTooLong("StringRiffle", size) {
		return nil
	}
	var b strings.Builder
	b.Grow(int(size))
	for _, p := range pieces {
		b.WriteString(p)
	}
	return String(b.String())
}

// --- StringRepeat ---

func fnStringRepeat(s *Session, c *Normal) Expr {
	str, ok := c.Args[0].(String)
	if !ok {
		return s.typeError("StringRepeat", "string", 1, c)
	}
	var count *big.Int
	switch x := c.Args[1].(type) {
	case Int:
		count = big.NewInt(int64(x))
	case *BigInt:
		count = x.V
	}
	if count == nil || count.Sign() < 1 {
		return s.typeError("StringRepeat", "intp", 2, c)
	}
	maxChars := int64(-1)
	if len(c.Args) == 3 {
		switch m := c.Args[2].(type) {
		case Int:
			if m < 1 {
				return s.typeError("StringRepeat", "intp", 3, c)
			}
			maxChars = int64(m)
		case *BigInt:
			if m.V.Sign() < 1 {
				return s.typeError("StringRepeat", "intp", 3, c)
			}
			maxChars = math.MaxInt64
		default:
			return s.typeError("StringRepeat", "intp", 3, c)
		}
	}
	if len(str) == 0 {
		return String("")
	}
	// copies needed: all of them, or only as many as max characters take
	n := int64(math.MaxInt64)
	if count.IsInt64() {
		n = count.Int64()
	}
	if maxChars >= 0 {
		n = min(n, maxChars/int64(utf8.RuneCountInString(string(str)))+1)
	}
	if n > maxStringResult/int64(len(str)) {
		size := new(big.Int).Mul(count, big.NewInt(int64(len(str))))
		if maxChars >= 0 && maxChars < math.MaxInt64 {
			size = big.NewInt(maxChars)
		}
		s.strTooLongBig("StringRepeat", size)
		return nil
	}
	out := strings.Repeat(string(str), int(n))
	if maxChars >= 0 {
		if cs := newStrChars(out); int64(cs.n) > maxChars {
			out = cs.slice(0, int(maxChars))
		}
	}
	return String(out)
}

// --- searching ---

// strSearchQ builds StringContainsQ, StringStartsQ and StringEndsQ.
func strSearchQ(name string) func(*Session, *Normal) Expr {
	return func(s *Session, c *Normal) Expr {
		pos, opts, ok := s.Options(c.Head.(*Symbol).builtin, c)
		if !ok || len(pos) < 2 {
			return nil // one argument: an operator form, applied by strOperatorForm
		}
		fold, ok := s.strBoolOpt(strHead(c), opts)
		if !ok {
			return nil
		}
		pats, ok := strPatterns(pos[1])
		if !ok {
			return nil
		}
		m := &strMatcher{pats: pats, fold: fold}
		return s.strMap(c, pos[0], 1, func(str string) Expr {
			switch name {
			case "StringStartsQ":
				for _, p := range pats {
					if _, ok := m.prefixLen(str, 0, p); ok {
						return SymTrue
					}
				}
				return SymFalse
			case "StringEndsQ":
				for _, p := range pats {
					if strHasSuffixFold(str, p, fold) {
						return SymTrue
					}
				}
				return SymFalse
			}
			for _, p := range pats {
				if p == "" {
					return SymTrue
				}
			}
			return Bool(len(s.strFind(str, m, 0, 1)) > 0)
		})
	}
}

func strHasSuffixFold(str, suf string, fold bool) bool {
	if !fold {
		return strings.HasSuffix(str, suf)
	}
	for len(suf) > 0 {
		if len(str) == 0 {
			return false
		}
		a, wa := utf8.DecodeLastRuneInString(str)
		b, wb := utf8.DecodeLastRuneInString(suf)
		if !strFoldEq(a, b) {
			return false
		}
		str, suf = str[:len(str)-wa], suf[:len(suf)-wb]
	}
	return true
}

// strOverlapsOpt reads Overlaps: False 0, True 1, All 2.
func (s *Session) strOverlapsOpt(fn string, opts map[string]Expr) (int, bool) {
	switch opts["Overlaps"] {
	case SymFalse:
		return 0, true
	case SymTrue:
		return 1, true
	case SymAll:
		return 2, true
	}
	s.Message(fn, "ovls", strSymOverlaps, opts["Overlaps"])
	return 0, false
}

func (s *Session) strSearchArgs(c *Normal) (pos []Expr, m *strMatcher, overlaps int, ok bool) {
	pos, opts, ok := s.Options(c.Head.(*Symbol).builtin, c)
	if !ok {
		return nil, nil, 0, false
	}
	fold, ok := s.strBoolOpt(strHead(c), opts)
	if !ok {
		return nil, nil, 0, false
	}
	if overlaps, ok = s.strOverlapsOpt(strHead(c), opts); !ok {
		return nil, nil, 0, false
	}
	pats, ok := strPatterns(pos[1])
	if !ok {
		return nil, nil, 0, false
	}
	return pos, &strMatcher{pats: pats, fold: fold}, overlaps, true
}

func fnStringPosition(s *Session, c *Normal) Expr {
	pos, m, overlaps, ok := s.strSearchArgs(c)
	if !ok {
		return nil
	}
	limit, ok := s.strLimit("StringPosition", pos, c)
	if !ok {
		return nil
	}
	return s.strMap(c, pos[0], 1, func(str string) Expr {
		found := s.strFind(str, m, overlaps, limit)
		out := make([]Expr, len(found))
		for i, sp := range found {
			out[i] = inertList([]Expr{Int(sp.c0 + 1), Int(sp.c1)})
		}
		return inertList(out)
	})
}

func fnStringCount(s *Session, c *Normal) Expr {
	pos, m, overlaps, ok := s.strSearchArgs(c)
	if !ok {
		return nil
	}
	return s.strMap(c, pos[0], 1, func(str string) Expr {
		return Int(len(s.strFind(str, m, overlaps, -1)))
	})
}

// --- padding ---

func strPadFn(left bool) func(*Session, *Normal) Expr {
	return func(s *Session, c *Normal) Expr {
		fn := strHead(c)
		width := -1
		if len(c.Args) >= 2 {
			n, ok := c.Args[1].(Int)
			if !ok || n < 0 {
				return s.typeError(fn, "intnm", 2, c)
			}
			if s.strTooLong(fn, int64(n)) {
				return nil
			}
			width = int(n)
		} else {
			// StringPadLeft[{s1, s2, …}] pads to the longest
			l, ok := c.Args[0].(*Normal)
			if !ok || l.Head != SymList {
				s.Message(fn, "strse", Int(1), c)
				return nil
			}
			width = 0
			for _, a := range l.Args {
				if str, ok := a.(String); ok {
					width = max(width, utf8.RuneCountInString(string(str)))
				}
			}
		}
		pad := " "
		if len(c.Args) == 3 {
			p, ok := c.Args[2].(String)
			if !ok {
				return s.typeError(fn, "string", 3, c)
			}
			pad = string(p)
		}
		padRunes := []rune(pad)
		return s.strMap(c, c.Args[0], 1, func(str string) Expr {
			cs := newStrChars(str)
			if cs.n >= width {
				if left {
					return String(cs.slice(cs.n-width, cs.n))
				}
				return String(cs.slice(0, width))
			}
			if len(padRunes) == 0 {
				return String(str)
			}
			// copies of pad laid down beside str, cut to width: on the left the last copy
			// touches str, on the right the first one does
			need := width - cs.n
			k := len(padRunes)
			fill := newStrChars(strings.Repeat(pad, need/k+1))
			var b strings.Builder
			if left {
				b.WriteString(fill.slice(fill.n-need, fill.n))
				b.WriteString(str)
			} else {
				b.WriteString(str)
				b.WriteString(fill.slice(0, need))
			}
			return String(b.String())
		})
	}
}

// --- conversion to and from text ---

// strFormOf reads a form argument: InputForm, FullForm, or an output-like form.
func strFormOf(e Expr) (Form, bool) {
	if r, ok := e.(*Normal); ok && r.Head == SymRule && len(r.Args) == 2 {
		if sym, ok := r.Args[0].(*Symbol); ok && sym.Name == "FormatType" {
			e = r.Args[1]
		}
	}
	sym, ok := e.(*Symbol)
	if !ok {
		return 0, false
	}
	switch sym.Name {
	case "InputForm":
		return InputFormat, true
	case "FullForm":
		return FullFormat, true
	case "OutputForm", "StandardForm", "TraditionalForm", "TextForm":
		return OutputFormat, true
	}
	return 0, false
}

func fnToString(s *Session, c *Normal) Expr {
	form := OutputFormat
	if len(c.Args) == 2 {
		f, ok := strFormOf(c.Args[1])
		if !ok {
			return nil
		}
		form = f
	}
	return String(format(c.Args[0], form))
}

func fnToExpression(s *Session, c *Normal) Expr {
	var head Expr
	if len(c.Args) >= 2 {
		sym, ok := c.Args[1].(*Symbol)
		if !ok || (sym.Name != "InputForm" && sym.Name != "StandardForm" && sym.Name != "TraditionalForm" && sym.Name != "OutputForm") {
			s.Message("ToExpression", "interpfmt", c.Args[1])
			return SymFailed
		}
	}
	if len(c.Args) == 3 {
		head = c.Args[2]
	}
	var conv func(e Expr) Expr
	conv = func(e Expr) Expr {
		switch x := e.(type) {
		case String:
			return s.toExprParseEval(string(x), head)
		case *Normal:
			if x.Head == SymList {
				out := make([]Expr, len(x.Args))
				for i, a := range x.Args {
					out[i] = conv(a)
				}
				return List(out...)
			}
		}
		if head != nil {
			return s.Apply(head, e)
		}
		return e
	}
	return conv(c.Args[0])
}

// toExprParseEval reads src as the REPL reads a file: each complete line (or group of lines with
// an open bracket or a trailing operator) is one input. All of them are parsed before any is
// evaluated, so a syntax error anywhere runs nothing.
func (s *Session) toExprParseEval(src string, head Expr) Expr {
	var exprs []Expr
	var chunk strings.Builder
	flush := func() bool {
		text := chunk.String()
		chunk.Reset()
		if strings.TrimSpace(text) == "" {
			return true
		}
		n, err := grammar.Parse(text)
		if err != nil {
			return false
		}
		if n != nil {
			exprs = append(exprs, s.Lower(n))
		}
		return true
	}
	lines := strings.Split(src, "\n")
	var open strOpenTracker
	for i, line := range lines {
		if chunk.Len() > 0 {
			chunk.WriteByte('\n')
			open.feed("\n")
		}
		chunk.WriteString(line)
		open.feed(line)
		// the cheap tracker settles most lines; the grammar decides the rest (a trailing operator)
		if i < len(lines)-1 && (open.isOpen() || grammar.NeedsMore(chunk.String())) {
			continue
		}
		open = strOpenTracker{}
		if i == len(lines)-1 && grammar.NeedsMore(chunk.String()) {
			// the text ends in the middle of an expression
			s.Message("ToExpression", "sntxi")
			return SymFailed
		}
		if !flush() {
			s.Message("ToExpression", "sntx", String(src))
			return SymFailed
		}
	}
	if head != nil {
		switch len(exprs) {
		case 0:
			return s.Apply(head, SymNull)
		case 1:
			return s.Apply(head, exprs[0])
		}
		return s.Apply(head, NewNormal(SymCompound, exprs...))
	}
	var v Expr = SymNull
	for _, e := range exprs {
		v = s.Eval(e)
	}
	return v
}

// strOpenTracker follows brackets, strings and comments across lines, so that a long bracketed
// input spread over many lines is not rescanned from its start at every line.
type strOpenTracker struct {
	depth    int  // ( [ { <| minus their closers
	comment  int  // nesting of (* *)
	inString bool // inside "…"
	escape   bool // the last character in a string was a backslash
}

func (t *strOpenTracker) feed(text string) {
	for i := 0; i < len(text); i++ {
		ch := text[i]
		next := byte(0)
		if i+1 < len(text) {
			next = text[i+1]
		}
		switch {
		case t.inString:
			switch {
			case t.escape:
				t.escape = false
			case ch == '\\':
				t.escape = true
			case ch == '"':
				t.inString = false
			}
		case t.comment > 0:
			if ch == '(' && next == '*' {
				t.comment++
				i++
			} else if ch == '*' && next == ')' {
				t.comment--
				i++
			}
		case ch == '"':
			t.inString = true
		case ch == '(' && next == '*':
			t.comment++
			i++
		case ch == '<' && next == '|':
			t.depth++
			i++
		case ch == '|' && next == '>':
			t.depth--
			i++
		case ch == '(' || ch == '[' || ch == '{':
			t.depth++
		case ch == ')' || ch == ']' || ch == '}':
			t.depth--
		}
	}
}

func (t *strOpenTracker) isOpen() bool { return t.depth > 0 || t.comment > 0 || t.inString }

func fnIntegerString(s *Session, c *Normal) Expr {
	var n *big.Int
	switch x := c.Args[0].(type) {
	case Int:
		n = big.NewInt(int64(x))
	case *BigInt:
		n = x.V
	default:
		return s.typeError("IntegerString", "int", 1, c)
	}
	base := 10
	if len(c.Args) >= 2 {
		b, ok := c.Args[1].(Int)
		if !ok || b < 2 || b > 36 {
			s.Message("IntegerString", "basf", c.Args[1], c)
			return nil
		}
		base = int(b)
	}
	digits := new(big.Int).Abs(n).Text(base)
	if len(c.Args) == 3 {
		var l Int
		switch x := c.Args[2].(type) {
		case Int:
			l = x
		case *BigInt:
			if x.V.Sign() > 0 {
				s.strTooLongBig("IntegerString", x.V)
				return nil
			}
			l = -1
		default:
			l = -1
		}
		if l < 0 {
			s.Message("IntegerString", "intnn", c, Int(3))
			return nil
		}
		if s.strTooLong("IntegerString", int64(l)) {
			return nil
		}
		if int(l) < len(digits) {
			digits = digits[len(digits)-int(l):]
		} else {
			digits = strings.Repeat("0", int(l)-len(digits)) + digits
		}
	}
	return String(digits)
}

// strCodePoints reads a list of character codes (or one code) into a string.
func (s *Session) strCodePoints(list Expr, items []Expr, utf8Bytes bool) (string, bool) {
	if utf8Bytes {
		bs := make([]byte, len(items))
		for i, a := range items {
			k, ok := a.(Int)
			if !ok || k < 0 || k > 255 {
				s.Message("FromCharacterCode", "notunicode", list, Int(i+1))
				return "", false
			}
			bs[i] = byte(k)
		}
		if !utf8.Valid(bs) {
			s.Message("FromCharacterCode", "utf8", list)
			return "", false
		}
		return string(bs), true
	}
	var b strings.Builder
	for i, a := range items {
		k, ok := a.(Int)
		if !ok || k < 0 || k > unicode.MaxRune {
			s.Message("FromCharacterCode", "notunicode", list, Int(i+1))
			return "", false
		}
		b.WriteRune(rune(k))
	}
	return b.String(), true
}

// strEncodingArg reads an encoding name: "Unicode" (code points) or UTF-8 (bytes).
func (s *Session) strEncodingArg(c *Normal) (utf8Bytes, ok bool) {
	if len(c.Args) < 2 {
		return false, true
	}
	name, isStr := c.Args[1].(String)
	switch {
	case isStr && (name == "UTF8" || name == "UTF-8"):
		return true, true
	case isStr && name == "Unicode":
		return false, true
	}
	s.Message(strHead(c), "charcode", c.Args[1])
	return false, false
}

func fnFromCharacterCode(s *Session, c *Normal) Expr {
	utf8Bytes, ok := s.strEncodingArg(c)
	if !ok {
		return nil
	}
	x := c.Args[0]
	l, isList := x.(*Normal)
	if !isList || l.Head != SymList {
		str, ok := s.strCodePoints(List(x), []Expr{x}, utf8Bytes)
		if !ok {
			return nil
		}
		return String(str)
	}
	if len(l.Args) > 0 && IsList(l.Args[0]) {
		out := make([]Expr, len(l.Args))
		for i, a := range l.Args {
			sub, ok := a.(*Normal)
			if !ok || sub.Head != SymList {
				s.Message("FromCharacterCode", "notunicode", x, Int(i+1))
				return nil
			}
			str, ok := s.strCodePoints(sub, sub.Args, utf8Bytes)
			if !ok {
				return nil
			}
			out[i] = String(str)
		}
		return inertList(out)
	}
	str, ok := s.strCodePoints(x, l.Args, utf8Bytes)
	if !ok {
		return nil
	}
	return String(str)
}

func fnToCharacterCode(s *Session, c *Normal) Expr {
	utf8Bytes, ok := s.strEncodingArg(c)
	if !ok {
		return nil
	}
	return s.strMap(c, c.Args[0], 1, func(str string) Expr {
		if len(str) > listMaxLen {
			s.Message("ToCharacterCode", "nomem")
			return SymFailed
		}
		s.checkAbort()
		if utf8Bytes {
			out := make([]Expr, len(str))
			for i := 0; i < len(str); i++ {
				out[i] = Int(str[i])
			}
			return inertList(out)
		}
		out := make([]Expr, 0, utf8.RuneCountInString(str))
		for _, r := range str {
			out = append(out, Int(r))
		}
		return inertList(out)
	})
}

// --- dates ---

// Wolfram counts absolute time from 1 January 1900; Unix time from 1 January 1970.
const dateUnixFrom1900 = 2208988800

// dateWall is a date as its wall-clock fields in a zone offset, as DateObject holds it.
type dateWall struct {
	t     time.Time // wall clock, in a fixed zone of tz hours
	n     int       // how many of year, month, day, hour, minute, second were given
	exact bool      // no field was a real number
	tz    float64
}

func dateZoneOf(t time.Time) float64 {
	_, off := t.Zone()
	return float64(off) / 3600
}

func dateFixedZone(tz float64) *time.Location {
	return time.FixedZone("", int(math.Round(tz*3600)))
}

// fnNow gives the session clock as DateObject[{y, m, d, h, min, s}, "Instant", "Gregorian", tz].
// The lead wires it as the value of the symbol Now.
func fnNow(s *Session, c *Normal) Expr { return dateNowObject(s.Now()) }

func dateNowObject(t time.Time) Expr {
	sec := float64(t.Second()) + float64(t.Nanosecond())/1e9
	return NewNormal(SymDateObject,
		inertList([]Expr{Int(t.Year()), Int(t.Month()), Int(t.Day()), Int(t.Hour()), Int(t.Minute()), Real(sec)}),
		String("Instant"), String("Gregorian"), Real(dateZoneOf(t)))
}

// dateOf reads a DateObject, a date list {y, m, d, h, min, s} (1 to 6 fields, in the
// session's zone) or an absolute time in seconds.
func (s *Session) dateOf(e Expr) (dateWall, bool) {
	local := dateZoneOf(s.Now())
	switch x := e.(type) {
	case Int, *BigInt, *Rat, Real:
		f, _ := ToFloat(x)
		if math.IsNaN(f) || math.Abs(f) > 1e13 {
			return dateWall{}, false
		}
		whole := math.Floor(f)
		t := time.Unix(int64(whole)-dateUnixFrom1900, int64((f-whole)*1e9)).UTC()
		// the seconds count wall-clock time in the local zone
		t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), dateFixedZone(local))
		_, isReal := x.(Real)
		return dateWall{t: t, n: 6, exact: !isReal, tz: local}, true
	case *Normal:
		if x.Head == SymList {
			return dateFromList(x.Args, local)
		}
		if x.Head == SymDateObject && len(x.Args) >= 1 {
			l, ok := x.Args[0].(*Normal)
			if !ok || l.Head != SymList {
				return dateWall{}, false
			}
			tz := local
			if len(x.Args) >= 4 {
				f, ok := ToFloat(x.Args[3])
				if !ok || math.Abs(f) > 24 {
					return dateWall{}, false
				}
				tz = f
			}
			return dateFromList(l.Args, tz)
		}
	}
	return dateWall{}, false
}

func dateFromList(fields []Expr, tz float64) (dateWall, bool) {
	if len(fields) < 1 || len(fields) > 6 {
		return dateWall{}, false
	}
	v := [6]int{0, 1, 1, 0, 0, 0}
	nsec := 0
	exact := true
	for i, f := range fields {
		switch x := f.(type) {
		case Int:
			if x < -1e6 || x > 1e6 {
				return dateWall{}, false
			}
			v[i] = int(x)
		case Real:
			if i != 5 || math.IsNaN(float64(x)) || math.Abs(float64(x)) > 1e9 {
				return dateWall{}, false
			}
			whole := math.Floor(float64(x))
			v[i], nsec = int(whole), int((float64(x)-whole)*1e9)
			exact = false
		default:
			return dateWall{}, false
		}
	}
	t := time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], nsec, dateFixedZone(tz))
	return dateWall{t: t, n: len(fields), exact: exact, tz: tz}, true
}

// dateFormats are the named formats, as lists of elements and literal text.
var dateFormats = map[string][]string{
	"DateTimeShort":  {"DayNameShort", " ", "DayShort", " ", "MonthNameShort", " ", "Year", " ", "Hour", ":", "Minute", ":", "Second"},
	"DateTime":       {"DayName", " ", "DayShort", " ", "MonthName", " ", "Year", " ", "Hour", ":", "Minute", ":", "Second"},
	"DateShort":      {"DayNameShort", " ", "DayShort", " ", "MonthNameShort", " ", "Year"},
	"Date":           {"DayName", " ", "DayShort", " ", "MonthName", " ", "Year"},
	"Time":           {"Hour", ":", "Minute", ":", "Second"},
	"ISODate":        {"Year4", "-", "Month", "-", "Day"},
	"ISODateTime":    {"Year4", "-", "Month", "-", "Day", "T", "Hour", ":", "Minute", ":", "Second"},
	"ISOOrdinalDate": {"Year4", "-", "DayOfYear3"},
	"ISOWeekDate":    {"ISOYear", "-W", "Week", "-", "ISOWeekDay"},
}

func datePad2(n int) string {
	if n >= 0 && n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// dateElement renders one date element, reporting false for a name that is not one.
func dateElement(t time.Time, name string) (string, bool) {
	h12 := t.Hour() % 12
	if h12 == 0 {
		h12 = 12
	}
	isoYear, week := t.ISOWeek()
	switch name {
	case "Year":
		return strconv.Itoa(t.Year()), true
	case "Year4":
		y := strconv.Itoa(t.Year())
		if t.Year() >= 0 && len(y) < 4 {
			y = strings.Repeat("0", 4-len(y)) + y
		}
		return y, true
	case "YearShort":
		return datePad2(((t.Year() % 100) + 100) % 100), true
	case "ISOYear":
		return strconv.Itoa(isoYear), true
	case "Quarter":
		return strconv.Itoa((int(t.Month())-1)/3 + 1), true
	case "QuarterName":
		return "Quarter " + strconv.Itoa((int(t.Month())-1)/3+1), true
	case "QuarterNameShort":
		return "Q" + strconv.Itoa((int(t.Month())-1)/3+1), true
	case "Month":
		return datePad2(int(t.Month())), true
	case "MonthShort":
		return strconv.Itoa(int(t.Month())), true
	case "MonthName":
		return t.Month().String(), true
	case "MonthNameShort":
		return t.Month().String()[:3], true
	case "MonthNameInitial":
		return t.Month().String()[:1], true
	case "Week":
		return datePad2(week), true
	case "WeekShort":
		return strconv.Itoa(week), true
	case "Day":
		return datePad2(t.Day()), true
	case "DayShort":
		return strconv.Itoa(t.Day()), true
	case "DayOfYear3":
		return strconv.Itoa(1000 + t.YearDay())[1:], true
	case "DayName":
		return t.Weekday().String(), true
	case "DayNameShort":
		return t.Weekday().String()[:3], true
	case "DayNameInitial":
		return t.Weekday().String()[:1], true
	case "ISOWeekDay":
		return strconv.Itoa((int(t.Weekday())+6)%7 + 1), true
	case "Hour", "Hour24":
		return datePad2(t.Hour()), true
	case "HourShort", "Hour24Short":
		return strconv.Itoa(t.Hour()), true
	case "Hour12":
		return datePad2(h12), true
	case "Hour12Short":
		return strconv.Itoa(h12), true
	case "AMPM", "AMPMLowerCase":
		ap := "AM"
		if t.Hour() >= 12 {
			ap = "PM"
		}
		if name == "AMPMLowerCase" {
			ap = strings.ToLower(ap)
		}
		return ap, true
	case "Minute":
		return datePad2(t.Minute()), true
	case "MinuteShort":
		return strconv.Itoa(t.Minute()), true
	case "Second":
		return datePad2(t.Second()), true
	case "SecondShort":
		return strconv.Itoa(t.Second()), true
	case "Millisecond":
		return strconv.Itoa(1000 + t.Nanosecond()/1e6)[1:], true
	case "MillisecondShort":
		return strconv.Itoa(t.Nanosecond() / 1e6), true
	}
	return "", false
}

// dateUserElement is an element a user may name: the internal Year4 and DayOfYear3 only serve
// the ISO formats.
func dateUserElement(t time.Time, name string) (string, bool) {
	if name == "Year4" || name == "DayOfYear3" {
		return "", false
	}
	return dateElement(t, name)
}

// dateFormat renders t by a named format, an element name, or a list of them with literal
// text between.
func dateFormat(t time.Time, f Expr) (string, bool) {
	var b strings.Builder
	expand := func(name string) bool {
		if parts, ok := dateFormats[name]; ok {
			for _, p := range parts {
				if v, ok := dateElement(t, p); ok {
					b.WriteString(v)
				} else {
					b.WriteString(p)
				}
			}
			return true
		}
		if v, ok := dateUserElement(t, name); ok {
			b.WriteString(v)
			return true
		}
		return false
	}
	switch x := f.(type) {
	case String:
		if !expand(string(x)) {
			return "", false
		}
		return b.String(), true
	case *Normal:
		if x.Head != SymList {
			return "", false
		}
		for _, e := range x.Args {
			str, ok := e.(String)
			if !ok {
				return "", false
			}
			if !expand(string(str)) {
				b.WriteString(string(str)) // anything else is literal text
			}
		}
		return b.String(), true
	}
	return "", false
}

// isDateFormat reports whether a lone argument is a format rather than a date.
func isDateFormat(e Expr) bool {
	switch x := e.(type) {
	case String:
		if _, ok := dateFormats[string(x)]; ok {
			return true
		}
		_, ok := dateUserElement(time.Time{}, string(x))
		return ok
	case *Normal:
		if x.Head != SymList || len(x.Args) == 0 {
			return false
		}
		for _, a := range x.Args {
			if _, ok := a.(String); !ok {
				return false
			}
		}
		return true
	}
	return false
}

func fnDateString(s *Session, c *Normal) Expr {
	now := func() dateWall {
		t := s.Now()
		return dateWall{t: t, n: 6, tz: dateZoneOf(t)}
	}
	var d dateWall
	var f Expr = String("DateTimeShort")
	switch len(c.Args) {
	case 0:
		d = now()
	case 1:
		if isDateFormat(c.Args[0]) {
			d, f = now(), c.Args[0]
			break
		}
		var ok bool
		if d, ok = s.dateOf(c.Args[0]); !ok {
			s.Message("DateString", "arg", c.Args[0])
			return nil
		}
		// a DateObject of a day, month or year shows only that much
		if HasHead(c.Args[0], SymDateObject) {
			switch d.n {
			case 1:
				f = String("Year")
			case 2:
				f = List(String("MonthName"), String(" "), String("Year"))
			case 3:
				f = String("DateShort")
			}
		}
	case 2:
		var ok bool
		if d, ok = s.dateOf(c.Args[0]); !ok {
			s.Message("DateString", "arg", c.Args[0])
			return nil
		}
		f = c.Args[1]
	}
	out, ok := dateFormat(d.t, f)
	if !ok {
		s.Message("DateString", "fmt", f)
		return nil
	}
	return String(out)
}

// dateSeconds1900 counts the seconds from 1900 to d's wall clock moved to the zone tz.
func dateSeconds1900(d dateWall, tz float64) (whole int64, frac float64) {
	t := d.t.In(dateFixedZone(tz))
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	return wall.Unix() + dateUnixFrom1900, float64(t.Nanosecond()) / 1e9
}

func fnAbsoluteTime(s *Session, c *Normal) Expr {
	now := s.Now()
	if len(c.Args) == 0 {
		whole, frac := dateSeconds1900(dateWall{t: now}, dateZoneOf(now))
		return Real(float64(whole) + frac)
	}
	d, ok := s.dateOf(c.Args[0])
	if !ok {
		s.Message("AbsoluteTime", "arg", c.Args[0])
		return nil
	}
	whole, frac := dateSeconds1900(d, dateZoneOf(now))
	if d.exact {
		return Int(whole)
	}
	return Real(float64(whole) + frac)
}

func fnUnixTime(s *Session, c *Normal) Expr {
	if len(c.Args) == 0 {
		return Int(s.Now().Unix())
	}
	d, ok := s.dateOf(c.Args[0])
	if !ok {
		s.Message("UnixTime", "arg", c.Args[0])
		return nil
	}
	return Int(d.t.Unix())
}

// strLimit reads the optional third argument of StringReplace and StringPosition, how many
// matches to use: a non-negative integer or Infinity (-1 here: no limit).
func (s *Session) strLimit(fn string, args []Expr, c *Normal) (int, bool) {
	if len(args) != 3 {
		return -1, true
	}
	switch n := args[2].(type) {
	case Int:
		if n >= 0 {
			return int(min(n, 1<<40)), true
		}
	case *BigInt:
		if n.V.Sign() >= 0 {
			return -1, true
		}
	default:
		if n == SymInfinity {
			return -1, true
		}
	}
	s.Message(fn, "innf", c, Int(3))
	return 0, false
}
