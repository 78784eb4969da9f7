package grammar

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types. The lexer is hand-written rather than a regular-expression table because Wolfram
// comments nest, names carry contexts (ZeroMQLink`ZMQSocketWriteMessage) and patterns (x_Integer)
// are single tokens; participle receives these types through lexerDef.Symbols.
const (
	tokIdent   lexer.TokenType = iota + 1 // x, $Failed, ZeroMQLink`ZMQSocketWriteMessage
	tokMsgName                            // General::argx, f::"tag"
	tokBlank                              // x_, x__Integer, _, ___, x_.
	tokString                             // "text" (value already unescaped)
	tokInt                                // 123, 16^^ff, 2*^3
	tokReal                               // 1.5, .5, 1.5*^3, 2.`
	tokSlot                               // #, #2, #name, ##, ##2
	tokOut                                // %, %%, %7
	tokPunct                              // operators and brackets
)

var symbols = map[string]lexer.TokenType{
	"EOF":     lexer.EOF,
	"Ident":   tokIdent,
	"MsgName": tokMsgName,
	"Blank":   tokBlank,
	"String":  tokString,
	"Int":     tokInt,
	"Real":    tokReal,
	"Slot":    tokSlot,
	"Out":     tokOut,
	"Punct":   tokPunct,
}

// puncts lists the operator tokens, longest first so that "===" wins over "==" over "=".
// "]]" is deliberately absent: Part closes with two "]" tokens so that f[g[x]] still parses.
var puncts = []string{
	"===", "=!=", "@@@", "//.", "^:=",
	":=", "->", ":>", "/.", "//", "/@", "@@", "<>", "==", "!=", "<=", ">=", "&&", "||",
	"++", "--", "+=", "-=", "*=", "/=", ";;", "/;", "[[", "<|", "|>", "=.", "^=",
	"+", "-", "*", "/", "^", "=", "<", ">", "!", "&", ";", ",", "[", "]", "{", "}", "(", ")",
	"|", "?", ":", "@", ".", "'", "~",
}

type lexerDef struct{}

func (lexerDef) Symbols() map[string]lexer.TokenType { return symbols }

func (lexerDef) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return newScanner(filename, string(b), 1), nil
}

func (lexerDef) LexString(filename string, src string) (lexer.Lexer, error) {
	return newScanner(filename, src, 1), nil
}

// scanner turns source text into tokens. It never panics and never allocates more than the
// source it is given; every malformed construct becomes a *SyntaxError at its position.
type scanner struct {
	src  string
	off  int
	line int
	col  int
	name string
	// last is the previous token (for NeedsMore's trailing-operator rule).
	last lexer.Token
	// strValue is the decoded value of the last string read; the token itself carries the raw
	// text, quotes included, so that no string can ever match an operator literal.
	strValue string
}

func newScanner(name, src string, firstLine int) *scanner {
	return &scanner{src: src, line: firstLine, col: 1, name: name}
}

func (s *scanner) pos() lexer.Position {
	return lexer.Position{Filename: s.name, Offset: s.off, Line: s.line, Column: s.col}
}

func (s *scanner) advance(n int) {
	for i := 0; i < n && s.off < len(s.src); {
		_, size := utf8.DecodeRuneInString(s.src[s.off:])
		if s.src[s.off] == '\n' {
			s.line++
			s.col = 1
		} else {
			s.col++
		}
		s.off += size
		i += size
	}
}

func (s *scanner) peek(k int) byte {
	if s.off+k < len(s.src) {
		return s.src[s.off+k]
	}
	return 0
}

// errIncomplete marks an error caused by input that ended too early (an open string or comment),
// which the REPL answers by reading another line rather than by reporting it.
type errKind int

const (
	errSyntax errKind = iota
	errIncomplete
)

// Next returns the next token, skipping white space and comments.
func (s *scanner) Next() (lexer.Token, error) {
	t, err := s.next()
	if err != nil {
		// a typed nil would make a non-nil error interface
		return t, err
	}
	return t, nil
}

func (s *scanner) next() (lexer.Token, *SyntaxError) {
	if err := s.skipSpace(); err != nil {
		return lexer.Token{}, err
	}
	if s.off >= len(s.src) {
		return lexer.EOFToken(s.pos()), nil
	}
	start := s.pos()
	c := s.src[s.off]
	switch {
	case c == '"':
		return s.scanString(start)
	case isDigit(c) || (c == '.' && isDigit(s.peek(1))):
		return s.scanNumber(start)
	case isLetter(c) || c == '$' || c == '`' || c == '_' || c >= utf8.RuneSelf:
		return s.scanName(start)
	case c == '#':
		return s.scanRun(start, tokSlot, '#')
	case c == '%':
		return s.scanRun(start, tokOut, '%')
	}
	for _, p := range puncts {
		if strings.HasPrefix(s.src[s.off:], p) {
			// "=." is Unset only when not the start of a number: x=.5 is x = .5
			if p == "=." && isDigit(s.peek(2)) {
				continue
			}
			s.advance(len(p))
			return s.tok(tokPunct, p, start), nil
		}
	}
	if c == 0 {
		return lexer.Token{}, s.errorf(start, errSyntax, "a NUL byte is not allowed in input")
	}
	return lexer.Token{}, s.errorf(start, errSyntax, "the character %q is not part of the language", c)
}

func (s *scanner) tok(t lexer.TokenType, v string, pos lexer.Position) lexer.Token {
	tk := lexer.Token{Type: t, Value: v, Pos: pos}
	s.last = tk
	return tk
}

func (s *scanner) errorf(pos lexer.Position, kind errKind, format string, args ...any) *SyntaxError {
	tag := "sntx"
	if kind == errIncomplete {
		tag = "sntxi"
	}
	return &SyntaxError{Pos: pos, Tag: tag, Msg: fmt.Sprintf(format, args...), kind: kind, Src: s.src}
}

func (s *scanner) skipSpace() *SyntaxError {
	for s.off < len(s.src) {
		c := s.src[s.off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			s.advance(1)
		case c == '(' && s.peek(1) == '*':
			if err := s.skipComment(); err != nil {
				return err
			}
		default:
			return nil
		}
	}
	return nil
}

// skipComment consumes a (* … *) comment; comments nest, as in Wolfram.
func (s *scanner) skipComment() *SyntaxError {
	start := s.pos()
	depth := 0
	for s.off < len(s.src) {
		switch {
		case s.src[s.off] == '(' && s.peek(1) == '*':
			depth++
			s.advance(2)
		case s.src[s.off] == '*' && s.peek(1) == ')':
			depth--
			s.advance(2)
			if depth == 0 {
				return nil
			}
		default:
			s.advance(1)
		}
	}
	return s.errorf(start, errIncomplete, "the comment is not closed")
}

func (s *scanner) scanString(start lexer.Position) (lexer.Token, *SyntaxError) {
	s.advance(1)
	var b strings.Builder
	for s.off < len(s.src) {
		c := s.src[s.off]
		switch c {
		case '"':
			s.advance(1)
			s.strValue = b.String()
			return s.tok(tokString, s.src[start.Offset:s.off], start), nil
		case '\\':
			if s.off+1 >= len(s.src) {
				s.advance(1)
				continue
			}
			e := s.src[s.off+1]
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'f':
				b.WriteByte('\f')
			case 'b':
				b.WriteByte('\b')
			case '"', '\\':
				b.WriteByte(e)
			case '\n':
				// a backslash at the end of a line continues the string on the next line
			case ':':
				// \:xxxx, a 16-bit character code
				if r, ok := hexRune(s.src[s.off+2:], 4); ok {
					b.WriteRune(r)
					s.advance(6)
					continue
				}
				return lexer.Token{}, s.errorf(s.pos(), errSyntax, `\: must be followed by four hexadecimal digits`)
			case '.':
				if r, ok := hexRune(s.src[s.off+2:], 2); ok {
					b.WriteRune(r)
					s.advance(4)
					continue
				}
				return lexer.Token{}, s.errorf(s.pos(), errSyntax, `\. must be followed by two hexadecimal digits`)
			case '|':
				if r, ok := hexRune(s.src[s.off+2:], 6); ok && r <= unicode.MaxRune {
					b.WriteRune(r)
					s.advance(8)
					continue
				}
				return lexer.Token{}, s.errorf(s.pos(), errSyntax, `\| must be followed by six hexadecimal digits`)
			default:
				if e >= '0' && e <= '7' {
					if r, ok := octRune(s.src[s.off+1:]); ok {
						b.WriteRune(r)
						s.advance(4)
						continue
					}
				}
				// Unknown escapes keep the backslash, as Wolfram does with "\q".
				r, size := utf8.DecodeRuneInString(s.src[s.off+1:])
				if r == utf8.RuneError && size == 1 {
					return lexer.Token{}, s.errorf(s.pos(), errSyntax, "the input is not valid UTF-8 (byte 0x%02x)", e)
				}
				b.WriteByte('\\')
				b.WriteString(s.src[s.off+1 : s.off+1+size])
				s.advance(1 + size)
				continue
			}
			s.advance(2)
		default:
			r, size := utf8.DecodeRuneInString(s.src[s.off:])
			if r == utf8.RuneError && size == 1 {
				return lexer.Token{}, s.errorf(s.pos(), errSyntax, "the input is not valid UTF-8 (byte 0x%02x)", c)
			}
			b.WriteString(s.src[s.off : s.off+size])
			s.advance(size)
		}
	}
	return lexer.Token{}, s.errorf(start, errIncomplete, "the string is not closed")
}

func hexRune(s string, n int) (rune, bool) {
	if len(s) < n {
		return 0, false
	}
	var r rune
	for i := 0; i < n; i++ {
		d := hexDigit(s[i])
		if d < 0 {
			return 0, false
		}
		r = r*16 + rune(d)
	}
	return r, true
}

func octRune(s string) (rune, bool) {
	if len(s) < 3 {
		return 0, false
	}
	var r rune
	for i := 0; i < 3; i++ {
		if s[i] < '0' || s[i] > '7' {
			return 0, false
		}
		r = r*8 + rune(s[i]-'0')
	}
	return r, true
}

func hexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// scanNumber reads 12, 1.5, .5, 1., 1.5*^-3, 16^^ff, 1.5`20 (precision marks are read and dropped:
// every real is a machine real here).
func (s *scanner) scanNumber(start lexer.Position) (lexer.Token, *SyntaxError) {
	begin := s.off
	for isDigit(s.peek(0)) {
		s.advance(1)
	}
	// base^^digits
	if s.peek(0) == '^' && s.peek(1) == '^' {
		base := s.src[begin:s.off]
		s.advance(2)
		ds := s.off
		for isAlnum(s.peek(0)) {
			s.advance(1)
		}
		return s.tok(tokInt, base+"^^"+s.src[ds:s.off], start), nil
	}
	real := false
	// a '.' followed by another '.' is not a decimal point (1..2 would be Repeated)
	if s.peek(0) == '.' && s.peek(1) != '.' {
		real = true
		s.advance(1)
		for isDigit(s.peek(0)) {
			s.advance(1)
		}
	}
	text := s.src[begin:s.off]
	// precision and accuracy marks: 1.5`, 1.5`20, 1.5``10
	if s.peek(0) == '`' {
		real = true
		s.advance(1)
		if s.peek(0) == '`' {
			s.advance(1)
		}
		for isDigit(s.peek(0)) || s.peek(0) == '.' {
			s.advance(1)
		}
	}
	if s.peek(0) == '*' && s.peek(1) == '^' {
		e := s.off + 2
		if e < len(s.src) && (s.src[e] == '-' || s.src[e] == '+') {
			e++
		}
		if e < len(s.src) && isDigit(s.src[e]) {
			expBegin := s.off + 2
			s.advance(e - s.off)
			for isDigit(s.peek(0)) {
				s.advance(1)
			}
			text += "*^" + s.src[expBegin:s.off]
		}
	}
	if real {
		return s.tok(tokReal, text, start), nil
	}
	return s.tok(tokInt, text, start), nil
}

// scanName reads a symbol (with contexts), a pattern (x_, x__h, _, x_.), or a message name.
func (s *scanner) scanName(start lexer.Position) (lexer.Token, *SyntaxError) {
	begin := s.off
	s.scanSymbolChars()
	name := s.src[begin:s.off]
	if s.peek(0) == '_' {
		for n := 0; n < 3 && s.peek(0) == '_'; n++ {
			s.advance(1)
		}
		if s.peek(0) == '.' && !isDigit(s.peek(1)) {
			s.advance(1)
		} else if isLetter(s.peek(0)) || s.peek(0) == '$' || s.peek(0) == '`' {
			s.scanSymbolChars()
		}
		return s.tok(tokBlank, s.src[begin:s.off], start), nil
	}
	if name == "" {
		r, _ := utf8.DecodeRuneInString(s.src[s.off:])
		if r == utf8.RuneError {
			return lexer.Token{}, s.errorf(start, errSyntax, "the input is not valid UTF-8 (byte 0x%02x)", s.src[s.off])
		}
		return lexer.Token{}, s.errorf(start, errSyntax, "the character %q is not part of the language", r)
	}
	if s.peek(0) == ':' && s.peek(1) == ':' {
		save := *s
		s.advance(2)
		if s.peek(0) == '"' {
			if _, err := s.scanString(s.pos()); err != nil {
				return lexer.Token{}, err
			}
			return s.tok(tokMsgName, name+"::"+s.strValue, start), nil
		}
		tb := s.off
		s.scanSymbolChars()
		if s.off > tb {
			return s.tok(tokMsgName, name+"::"+s.src[tb:s.off], start), nil
		}
		*s = save
	}
	return s.tok(tokIdent, name, start), nil
}

func (s *scanner) scanSymbolChars() {
	for s.off < len(s.src) {
		c := s.src[s.off]
		if isAlnum(c) || c == '$' || c == '`' {
			s.advance(1)
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s.src[s.off:])
			if r != utf8.RuneError && unicode.IsLetter(r) {
				s.advance(size)
				continue
			}
		}
		return
	}
}

// scanRun reads #, ##, #3, #name, #"name", %, %%, %3.
func (s *scanner) scanRun(start lexer.Position, t lexer.TokenType, c byte) (lexer.Token, *SyntaxError) {
	begin := s.off
	for s.peek(0) == c {
		s.advance(1)
	}
	for isDigit(s.peek(0)) {
		s.advance(1)
	}
	if t == tokSlot && s.off-begin == 1 {
		if isLetter(s.peek(0)) {
			s.scanSymbolChars()
		} else if s.peek(0) == '"' {
			if _, err := s.scanString(s.pos()); err != nil {
				return lexer.Token{}, err
			}
			return s.tok(t, "#"+s.strValue, start), nil
		}
	}
	return s.tok(t, s.src[begin:s.off], start), nil
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }

// unquote decodes a string token's raw text (quotes included), which the lexer already checked.
func unquote(raw string) string {
	sc := newScanner("", raw, 1)
	if _, err := sc.scanString(sc.pos()); err != nil {
		return raw
	}
	return sc.strValue
}
