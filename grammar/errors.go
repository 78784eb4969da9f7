package grammar

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// SyntaxError is a parse failure at a position. Tag is Wolfram's message tag (sntxf: cannot be
// followed by; sntxi: incomplete; sntx: invalid syntax), Msg the message text. Src is the source
// of the input, for rendering the line and the caret.
type SyntaxError struct {
	Pos  Position
	Tag  string
	Msg  string
	Src  string
	kind errKind
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Column, e.Msg)
}

// Incomplete reports whether the input ended in the middle of an expression, string or comment.
func (e *SyntaxError) Incomplete() bool { return e.kind == errIncomplete }

// Render gives the message as the REPL prints it: Syntax::tag: text at place:line:col, then the
// source line and a caret under the column.
func (e *SyntaxError) Render(place string) string {
	tag := e.Tag
	if tag == "" {
		tag = "sntx"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Syntax::%s: %s at %s:%d:%d.\n", tag, e.Msg, place, e.Pos.Line, e.Pos.Column)
	line := sourceLine(e.Src, e.Pos.Offset)
	if len(line) > 200 {
		// a 10 MB line gets a window around the column, not the whole line
		lo := max(0, e.Pos.Column-1-100)
		hi := min(len(line), lo+200)
		b.WriteString("…" + line[lo:hi] + "…\n")
		b.WriteString(strings.Repeat(" ", e.Pos.Column-1-lo+1) + "^")
	} else {
		b.WriteString(line + "\n")
		b.WriteString(strings.Repeat(" ", caretColumn(line, e.Pos.Column)) + "^")
	}
	return b.String()
}

// sourceLine returns the line of src that holds byte offset off, tabs kept.
func sourceLine(src string, off int) string {
	off = min(max(off, 0), len(src))
	start := strings.LastIndexByte(src[:off], '\n') + 1
	end := strings.IndexByte(src[off:], '\n')
	if end < 0 {
		end = len(src)
	} else {
		end += off
	}
	return strings.TrimRight(src[start:end], "\r")
}

// caretColumn is the number of runes before column col (1-based, counted in runes).
func caretColumn(line string, col int) int {
	return min(col-1, utf8.RuneCountInString(line))
}
