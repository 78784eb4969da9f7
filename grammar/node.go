package grammar

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// Position is a place in the source: file (or In[n]), line and column, both from 1.
type Position = lexer.Position

// Kind says what a Node is. The parser's output is already the Wolfram FullForm tree: every
// operator has become a call of its head (a + b is Plus[a, b]), so the evaluator only lowers
// atoms and calls.
type Kind uint8

const (
	Symbol  Kind = iota // Text is the name, with its context if one was written
	Integer             // Text is decimal digits, perhaps with a leading '-'
	Real                // Text is the literal as written (1.5, .5, 1.5*^3, -2.)
	String              // Text is the decoded value
	Call                // Head[Args...]
)

// Node is one node of the syntax tree.
type Node struct {
	Kind Kind
	Text string
	Head *Node
	Args []*Node
	Pos  Position
	// paren is set on a node that was written in parentheses, so that (a + b) + c stays nested
	// while a + b + c becomes one Plus, as Wolfram's parser does.
	paren bool
	// chained is set on comparisons the folder built, so that a < b < c extends one chain.
	chained bool
	// stepOnly marks the Span[1, k] that ";; k" builds, so that ";; ;; k" and "a ;; ;; k"
	// read as Span[1, All, k] and Span[a, All, k].
	stepOnly bool
}

// Sym, Int, Str and Apply build nodes; the parser and tests use them.
func Sym(name string) *Node     { return &Node{Kind: Symbol, Text: name} }
func Int(digits string) *Node   { return &Node{Kind: Integer, Text: digits} }
func Str(value string) *Node    { return &Node{Kind: String, Text: value} }
func RealNum(text string) *Node { return &Node{Kind: Real, Text: text} }
func Apply(head string, args ...*Node) *Node {
	return &Node{Kind: Call, Head: Sym(head), Args: args}
}

// IsCall reports whether n is a call whose head is the symbol head.
func (n *Node) IsCall(head string) bool {
	return n != nil && n.Kind == Call && n.Head.Kind == Symbol && n.Head.Text == head
}

// FullForm renders the tree as Wolfram's FullForm: Plus[1, Times[2, x]], strings quoted.
func (n *Node) FullForm() string {
	var b strings.Builder
	n.fullForm(&b)
	return b.String()
}

func (n *Node) fullForm(b *strings.Builder) {
	switch n.Kind {
	case Symbol, Integer, Real:
		b.WriteString(n.Text)
	case String:
		b.WriteString(Quote(n.Text))
	case Call:
		n.Head.fullForm(b)
		b.WriteByte('[')
		for i, a := range n.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			a.fullForm(b)
		}
		b.WriteByte(']')
	}
}

// Quote writes s as a Wolfram string literal that the lexer reads back to s.
func Quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if c < 0x20 || c == 0x7f {
				b.WriteString(`\.`)
				b.WriteByte("0123456789abcdef"[c>>4])
				b.WriteByte("0123456789abcdef"[c&15])
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
