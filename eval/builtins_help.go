package eval

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The help family: Information, which the REPL also runs for ?Name and ??Name, as Wolfram's
// text-mode kernel reads them.

var helpBuiltins = []*Builtin{
	{Name: "Information", Attrs: HoldAll, Min: 1, Max: 1, Fn: fnInformation,
		Options: []Option{{"LongForm", SymTrue}},
		Usage: "Information[sym] or ??sym gives the usage of a builtin with its attributes and options, or the usage and definitions of a symbol of yours (and a ByteArray's first bytes).\n" +
			"Information[sym, LongForm -> False] or ?sym gives the usage alone (a symbol of yours without a usage: its definitions).\n" +
			"Information[\"Socket*\"] or ?Socket* lists the names that match: * is any characters, @ any characters but capital letters.",
		Messages: map[string]string{
			"notfound": "Symbol `1` not found.",
			"nomatch":  "No symbol matching `1` found.",
		}},
}

// definitionLimit is how much of each definition Information shows: the whole of a function,
// the start of a value that holds a million elements.
const definitionLimit = 1000

func fnInformation(s *Session, c *Normal) Expr {
	pos, opts, ok := s.Options(c.Head.(*Symbol).builtin, c)
	if !ok {
		return nil
	}
	long := s.Eval(opts["LongForm"]) == SymTrue
	var name string
	switch x := pos[0].(type) {
	case *Symbol:
		name = x.Name
	case String:
		name = string(x)
	default:
		s.Message("Information", "notfound", pos[0])
		return SymNull
	}
	if !strings.ContainsAny(name, "*@") {
		sym := s.lookupName(name)
		if sym == nil {
			s.Message("Information", "notfound", bareName(name))
			return SymNull
		}
		s.printLines(s.information(sym, long))
		return SymNull
	}
	system, user := s.matchingNames(name)
	switch {
	case len(system)+len(user) == 0:
		s.Message("Information", "nomatch", bareName(name))
	case len(system)+len(user) == 1:
		// one match is as good as its name, as in Wolfram
		s.printLines(s.information(s.lookupName(append(system, user...)[0]), long))
	case len(user) == 0:
		s.printLines(columns(system, 80))
	case len(system) == 0:
		s.printLines(columns(user, 80))
	default:
		s.printLines(append([]string{"System`"}, columns(system, 80)...))
		s.printLines(append([]string{"Global`"}, columns(user, 80)...))
	}
	return SymNull
}

// bareName is a name as a message shows it: without quotes, as Wolfram's does.
func bareName(name string) Expr { return newSymbol(name) }

func (s *Session) printLines(lines []string) {
	for _, l := range lines {
		s.printLine(l)
	}
}

// lookupName finds a symbol without creating one: ?x must not make x.
func (s *Session) lookupName(name string) *Symbol {
	if sym := s.lookup(name); sym != nil {
		return sym
	}
	if s.zmqLink {
		return systemSymbols["ZeroMQLink`"+name]
	}
	return nil
}

// matchingNames gives the system names and the user's names that match a pattern, sorted.
// A name in a context (ZeroMQLink`…) matches by its full name or the part after the context.
func (s *Session) matchingNames(pattern string) (system, user []string) {
	for name := range systemSymbols {
		short := name[strings.LastIndexByte(name, '`')+1:]
		if matchName(pattern, name) || matchName(pattern, short) {
			system = append(system, name)
		}
	}
	for name, sym := range s.symbols {
		if sym.attrs&Temporary == 0 && matchName(pattern, name) {
			user = append(user, name)
		}
	}
	sort.Strings(system)
	sort.Strings(user)
	return system, user
}

// matchName matches a name against a Names-style pattern: * is any characters, @ one or more
// characters that are not capital letters.
func matchName(pattern, name string) bool {
	if pattern == "" {
		return name == ""
	}
	p, size := utf8.DecodeRuneInString(pattern)
	rest := pattern[size:]
	switch p {
	case '*':
		for i := 0; ; {
			if matchName(rest, name[i:]) {
				return true
			}
			if i == len(name) {
				return false
			}
			_, n := utf8.DecodeRuneInString(name[i:])
			i += n
		}
	case '@':
		for i := 0; i < len(name); {
			r, n := utf8.DecodeRuneInString(name[i:])
			if unicode.IsUpper(r) {
				return false
			}
			i += n
			if matchName(rest, name[i:]) {
				return true
			}
		}
		return false
	}
	r, n := utf8.DecodeRuneInString(name)
	return n > 0 && r == p && matchName(rest, name[n:])
}

// information gives the lines ?sym (long: ??sym) prints.
func (s *Session) information(sym *Symbol, long bool) []string {
	if sym.system {
		return systemInformation(sym, long)
	}
	var out []string
	usage, hasUsage := s.userMsgs[sym.Name+"::usage"]
	if hasUsage {
		out = strings.Split(usage, "\n")
		if !long {
			return out
		}
	}
	out = append(out, definitions(sym)...)
	if long && sym.own != nil {
		for _, detail := range valueDetails {
			out = append(out, detail(s, sym.own)...)
		}
	}
	if len(out) == 0 {
		return []string{"Global`" + sym.Name} // it exists, and holds nothing: Wolfram says so this way
	}
	return out
}

// systemInformation is a builtin's usage, and with long its attributes and options; a system
// symbol that is no function says what it is.
func systemInformation(sym *Symbol, long bool) []string {
	var out []string
	b := sym.builtin
	switch {
	case b != nil && b.Usage != "":
		out = strings.Split(b.Usage, "\n")
	default:
		var of []string
		for _, other := range systemSymbols {
			if other.builtin == nil {
				continue
			}
			for _, o := range other.builtin.Options {
				if o.Name == sym.Name {
					of = append(of, other.Name)
				}
			}
		}
		sort.Strings(of)
		if len(of) > 0 {
			out = []string{sym.Name + " is an option of " + strings.Join(of, ", ") + "."}
		} else {
			out = []string{sym.Name + " is a system symbol."}
		}
	}
	if !long {
		return out
	}
	if sym.attrs != 0 {
		out = append(out, "Attributes["+sym.Name+"] = "+InputForm(attrList(sym.attrs)))
	}
	if b != nil && len(b.Options) > 0 {
		rules := make([]Expr, len(b.Options))
		for i, o := range b.Options {
			var name Expr = String(o.Name)
			if osym, ok := systemSymbols[o.Name]; ok {
				name = osym // a symbol option (TimeConstraint) is written as a symbol
			}
			rules[i] = NewNormal(SymRule, name, o.Default)
		}
		out = append(out, "Options["+sym.Name+"] = "+InputForm(List(rules...)))
	}
	return out
}

// definitions lists a user's symbol as Wolfram's Definition does: attributes, value,
// definitions with the specific ones (no patterns) first, then f[a][b] := … ones.
func definitions(sym *Symbol) []string {
	var out []string
	if a := sym.attrs &^ Temporary; a != 0 {
		out = append(out, "Attributes["+sym.Name+"] = "+InputForm(attrList(a)))
	}
	if sym.own != nil {
		out = append(out, definitionText(NewNormal(SymSet, sym, sym.own)))
	}
	for _, rs := range []*ruleSet{sym.down, sym.sub} {
		for _, r := range rs.all() {
			head := SymSet
			if r.delayed {
				head = SymSetDelayed
			}
			out = append(out, definitionText(NewNormal(head, r.lhs, r.rhs)))
		}
	}
	return out
}

// definitionText prints a definition as input, ByteArrays by their length, cut short when
// long.
func definitionText(e Expr) string {
	text, cut := formatLimited(e, messageFormat, definitionLimit)
	if cut {
		for len(text) > 0 && !utf8.ValidString(text) {
			text = text[:len(text)-1]
		}
		text += " …"
	}
	return text
}

// all gives the definitions in the order they are tried: the specific ones in canonical order
// (they are kept by hash, in no order), then the others, most specific first.
func (rs *ruleSet) all() []rule {
	if rs == nil {
		return nil
	}
	var exact []rule
	for _, bucket := range rs.exact {
		exact = append(exact, bucket...)
	}
	sort.SliceStable(exact, func(i, j int) bool { return Order(exact[i].lhs, exact[j].lhs) < 0 })
	return append(exact, rs.rules...)
}

// valueDetails show more of a value than its definition line, for ??x: the families add
// theirs (a ByteArray's bytes here). Each gives no lines for a value not of its kind.
var valueDetails = []func(s *Session, v Expr) []string{byteArrayPreview, socketDetails}

// previewBytes is how many bytes ??x shows of a ByteArray.
const previewBytes = 256

// byteArrayPreview shows a ByteArray's bytes as hexdump -C does: the offset, 16 bytes in hex,
// the same as text (printable ASCII, else '.'), at most previewBytes of them.
func byteArrayPreview(_ *Session, v Expr) []string {
	ba, ok := v.(*ByteArray)
	if !ok {
		return nil
	}
	b := ba.B
	shown := min(len(b), previewBytes)
	var out []string
	for off := 0; off < shown; off += 16 {
		row := b[off:min(off+16, shown)]
		var line strings.Builder
		hex := strconv.FormatInt(int64(off), 16)
		line.WriteString(strings.Repeat("0", max(0, 8-len(hex))) + hex + "  ")
		for i := 0; i < 16; i++ {
			if i == 8 {
				line.WriteByte(' ')
			}
			if i < len(row) {
				line.WriteString(hexByte(row[i]) + " ")
			} else {
				line.WriteString("   ")
			}
		}
		line.WriteString(" |")
		for _, c := range row {
			if c >= 0x20 && c < 0x7f {
				line.WriteByte(c)
			} else {
				line.WriteByte('.')
			}
		}
		line.WriteString("|")
		out = append(out, line.String())
	}
	if rest := len(b) - shown; rest > 0 {
		out = append(out, "… "+strconv.Itoa(rest)+" more bytes not shown ("+strconv.Itoa(len(b))+" in all).")
	}
	return out
}

func hexByte(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}

// columns lays names out in columns down the page, as ls does, within width characters.
func columns(names []string, width int) []string {
	w := 0
	for _, n := range names {
		w = max(w, utf8.RuneCountInString(n))
	}
	w += 2
	cols := max(1, width/w)
	rows := (len(names) + cols - 1) / cols
	out := make([]string, rows)
	for r := range rows {
		var line strings.Builder
		for c := range cols {
			i := c*rows + r
			if i >= len(names) {
				break
			}
			line.WriteString(names[i])
			line.WriteString(strings.Repeat(" ", w-utf8.RuneCountInString(names[i])))
		}
		out[r] = strings.TrimRight(line.String(), " ")
	}
	return out
}
