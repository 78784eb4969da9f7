package eval

import (
	"sort"
	"strings"
	"sync"
	"unicode"
)

// Tab completion. The terminal asks on readline's goroutine while the evaluator may be busy
// on its own, so Complete reads nothing of the session but the snapshot of the user's names
// that the evaluator publishes after each input (publishNames), and tables fixed at start-up.

// publishNames stores, sorted, the names of the user's symbols that hold something — a
// value, definitions, attributes — for Complete. Only the evaluator goroutine calls it.
func (s *Session) publishNames() {
	names := make([]string, 0, len(s.symbols))
	for name, sym := range s.symbols {
		if sym.own != nil || !sym.down.empty() || !sym.sub.empty() || sym.attrs&^Temporary != 0 {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	s.names.Store(&names)
}

// empty reports whether a symbol has no definitions in the set (nil: none ever made).
func (rs *ruleSet) empty() bool {
	if rs == nil {
		return true
	}
	for _, bucket := range rs.exact {
		if len(bucket) > 0 {
			return false
		}
	}
	return len(rs.rules) == 0
}

// completion holds the fixed tables Complete draws on, built at the first completion, when
// start-up has registered every builtin.
var completion struct {
	once sync.Once
	// names are the builtin and constant names.
	names []string
	// properties are what sock["…"] takes: the socket properties and the ZeroMQ options.
	properties []string
	// zmqOptions are the ZeroMQ option names as sock["ZMQ_LINGER"] and SetOptions take them.
	zmqOptions []string
	// zmqTypes are Wolfram's type names ({"ZMQ", "Push"}); zmqTypeStrings libzmq's
	// ("ZMQ_PUSH"), which SocketOpen and Sockets take as well.
	zmqTypes, zmqTypeStrings []string
	// options are the option names of each builtin that has some.
	options map[string][]string
}

func completionTables() {
	c := &completion
	c.names = BuiltinNames()
	for _, o := range zmqOptions {
		c.zmqOptions = append(c.zmqOptions, "ZMQ_"+o.name)
	}
	sort.Strings(c.zmqOptions)
	c.properties = append(c.properties, socketPropertyNames...)
	c.properties = append(c.properties, zmqPropertyNames...)
	c.properties = append(c.properties, "Properties")
	sort.Strings(c.properties)
	c.properties = append(c.properties, c.zmqOptions...)
	for _, t := range zmqTypes {
		c.zmqTypes = append(c.zmqTypes, t.wolfram)
		c.zmqTypeStrings = append(c.zmqTypeStrings, "ZMQ_"+t.zmq)
	}
	sort.Strings(c.zmqTypes)
	sort.Strings(c.zmqTypeStrings)
	c.options = map[string][]string{}
	for _, b := range Builtins() {
		for _, o := range b.Options {
			c.options[b.Name] = append(c.options[b.Name], o.Name)
		}
	}
}

// Complete gives the completions of the word that ends at rune offset pos of line (readline
// counts runes), and how many runes of the line that word takes: every candidate begins with
// it. Outside strings the word is a name: builtins and the user's own symbols. Inside a string
// it is what the string so far says: a property after sock[", a ZeroMQ type after {"ZMQ", ",
// an option name in a call that takes options, a ZeroMQ option after "ZMQ_. It is safe to call
// from any goroutine while the session evaluates.
func (s *Session) Complete(line string, pos int) (candidates []string, replaceLen int) {
	completion.once.Do(completionTables)
	rs := []rune(line)
	pos = max(0, min(pos, len(rs)))
	ctx := scanCompletion(rs[:pos])
	if ctx.inComment {
		return nil, 0
	}
	if ctx.inString {
		prefix := string(rs[ctx.stringStart:pos])
		return withPrefix(prefix, ctx.stringCandidates(prefix)), pos - ctx.stringStart
	}
	start := pos
	for start > 0 && isNameRune(rs[start-1]) {
		start--
	}
	for start < pos && unicode.IsDigit(rs[start]) {
		start++ // 2x is 2 times x: the name starts after the digits
	}
	if start == pos {
		return nil, 0 // Tab on no word at all lists nothing rather than every name there is
	}
	word := string(rs[start:pos])
	var user []string
	if p := s.names.Load(); p != nil {
		user = *p
	}
	return withPrefix(word, completion.names, user), pos - start
}

// withPrefix gives the names of the lists that begin with prefix, sorted, each once.
func withPrefix(prefix string, lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, n := range l {
			if strings.HasPrefix(n, prefix) {
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	k := 0
	for i, n := range out {
		if i == 0 || n != out[k-1] {
			out[k] = n
			k++
		}
	}
	return out[:k]
}

func isNameRune(r rune) bool {
	return r == '$' || r == '`' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// completionFrame is a bracket open before the cursor.
type completionFrame struct {
	open byte // '[' a call or a property, 'P' a part [[, '{' and '<' lists, '|' <|, '(' a group
	// head is the name before a call's [ (f in f[…]); exprHead says the head was an
	// expression, as in x[[1]]["…"] or First[list]["…"]
	head     string
	exprHead bool
	arg      int      // the argument or element the cursor is in, from 0
	strs     []string // each earlier element that is a lone string: its text, else ""
	// cur is what the element under way holds so far: 0 nothing, 1 a lone string (curStr),
	// 2 something else
	cur    int
	curStr string
}

// completionContext is where the cursor is.
type completionContext struct {
	inString, inComment bool
	stringStart         int               // the offset of the open string's first character
	stringAlone         bool              // the open string is all its element holds so far
	frames              []completionFrame // the brackets open around the cursor, outermost first
}

// scanCompletion reads the text before the cursor as far as completion needs: strings,
// comments, brackets and commas. It never fails: text that does not parse reads as well as it
// can.
func scanCompletion(rs []rune) completionContext {
	var c completionContext
	top := func() *completionFrame {
		if len(c.frames) == 0 {
			return nil
		}
		return &c.frames[len(c.frames)-1]
	}
	// taint marks the element under way as holding more than a lone string
	taint := func() {
		if f := top(); f != nil {
			f.cur = 2
		}
	}
	push := func(f completionFrame) {
		taint()
		c.frames = append(c.frames, f)
	}
	pop := func(open ...byte) {
		if f := top(); f != nil {
			for _, o := range open {
				if f.open == o {
					c.frames = c.frames[:len(c.frames)-1]
					return
				}
			}
		}
	}
	last := byte(0) // the last token: 'n' a name, 's' a string, 'c' a closing bracket, 'v' a number, 'o' other
	lastName := ""
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		next := rune(0)
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		switch {
		case unicode.IsSpace(r):
			continue
		case r == '"':
			start := i + 1
			j := start
			for j < len(rs) && rs[j] != '"' {
				if rs[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(rs) {
				c.inString, c.stringStart = true, start
				c.stringAlone = top() == nil || top().cur == 0
				return c
			}
			if f := top(); f != nil {
				if f.cur == 0 {
					f.cur, f.curStr = 1, string(rs[start:j])
				} else {
					f.cur = 2
				}
			}
			i = j
			last = 's'
			continue
		case r == '(' && next == '*':
			depth := 0
			j := i
			for j < len(rs) {
				if rs[j] == '(' && j+1 < len(rs) && rs[j+1] == '*' {
					depth++
					j += 2
					continue
				}
				if rs[j] == '*' && j+1 < len(rs) && rs[j+1] == ')' {
					depth--
					j += 2
					if depth == 0 {
						break
					}
					continue
				}
				j++
			}
			if depth > 0 {
				c.inComment = true
				return c
			}
			i = j - 1
			continue
		case isNameRune(r) && !unicode.IsDigit(r):
			j := i
			for j < len(rs) && isNameRune(rs[j]) {
				j++
			}
			taint()
			last, lastName = 'n', string(rs[i:j])
			i = j - 1
			continue
		case unicode.IsDigit(r):
			for i+1 < len(rs) && (unicode.IsDigit(rs[i+1]) || rs[i+1] == '.') {
				i++
			}
			taint()
			last = 'v'
			continue
		case r == '[' && next == '[':
			push(completionFrame{open: 'P'})
			i++
		case r == '[':
			f := completionFrame{open: '['}
			switch last {
			case 'n':
				f.head = lastName
			case 's', 'c':
				f.exprHead = true
			}
			push(f)
		case r == '{':
			push(completionFrame{open: '{'})
		case r == '<' && next == '|':
			push(completionFrame{open: '|'})
			i++
		case r == '<' && (last == 0 || last == 'o'):
			// <a, b> in argument position is the list {a, b} (DESIGN.md); elsewhere < compares
			push(completionFrame{open: '<'})
		case r == '(':
			push(completionFrame{open: '('})
		case r == ']':
			if f := top(); f != nil && f.open == 'P' && next == ']' {
				i++
			}
			pop('[', 'P')
			last = 'c'
			continue
		case r == '}':
			pop('{')
			last = 'c'
			continue
		case r == '|' && next == '>':
			pop('|')
			i++
			last = 'c'
			continue
		case r == '>' && last != 'o' && top() != nil && top().open == '<':
			pop('<')
			last = 'c'
			continue
		case r == ')':
			pop('(')
			last = 'c'
			continue
		case r == ',':
			if f := top(); f != nil {
				s := ""
				if f.cur == 1 {
					s = f.curStr
				}
				f.strs = append(f.strs, s)
				f.arg++
				f.cur, f.curStr = 0, ""
			}
		default:
			taint()
		}
		last = 'o'
	}
	return c
}

// stringCandidates are the texts that make sense in the string the cursor is in.
func (c completionContext) stringCandidates(prefix string) []string {
	t := &completion
	var out []string
	if strings.HasPrefix(prefix, "ZMQ_") {
		out = append(out, t.zmqOptions...)
		for _, f := range c.frames {
			if f.head == "SocketOpen" || f.head == "SocketConnect" || f.head == "Sockets" {
				out = append(out, t.zmqTypeStrings...)
				break
			}
		}
	}
	if len(c.frames) == 0 || !c.stringAlone {
		return out
	}
	f := c.frames[len(c.frames)-1]
	switch f.open {
	case '{', '<':
		if f.arg == 1 && strings.EqualFold(f.strs[0], "ZMQ") {
			out = append(out, t.zmqTypes...)
		}
	case '[':
		if f.exprHead || f.head != "" && systemSymbols[f.head] == nil {
			// sock["…"]: a property of whatever the user's name or expression turns out to be
			return append(out, t.properties...)
		}
		switch {
		case f.head == "Options" && f.arg == 1:
			out = append(out, t.properties...)
		case f.head == "SetOptions" && f.arg >= 1:
			out = append(out, t.zmqOptions...)
		case f.head == "Sockets" && f.arg == 0:
			out = append(out, socketSpecs...)
			out = append(out, t.zmqTypeStrings...)
		case (f.head == "SocketOpen" || f.head == "SocketConnect") && f.arg == 1:
			out = append(out, "TCP", "ZMQ")
			out = append(out, t.zmqTypeStrings...)
		case (f.head == "SocketOpen" || f.head == "SocketConnect") && f.arg >= 2:
			out = append(out, t.zmqOptions...)
		case f.arg >= 1:
			out = append(out, t.options[f.head]...)
		}
	}
	return out
}
