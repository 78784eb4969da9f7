package grammar

import "github.com/alecthomas/participle/v2/lexer"

// NeedsMore reports whether src is an unfinished input that the next line should continue: a
// bracket, brace, parenthesis, "[[" or "<|" is open, a string or comment is open, or the last
// token is an infix or prefix operator. It is decided from the tokens, never from parser errors,
// and serves both the terminal (Enter continues) and scripts (where one input ends).
// Input that is malformed in any other way is complete: the parser will report it.
func NeedsMore(src string) bool {
	sc := newScanner("", src, 1)
	depth := 0
	var last, beforeLast lexer.Token
	for {
		t, err := sc.next()
		if err != nil {
			return err.Incomplete()
		}
		if t.Type == lexer.EOF {
			break
		}
		beforeLast, last = last, t
		depth += bracketDelta(t)
	}
	if depth > 0 {
		return true
	}
	if last.Type == tokPunct && last.Value == "!" {
		// n! is complete (Factorial); a lone ! or one after an operator (!x, a && !) is Not
		// waiting for its operand
		return !endsOperand(beforeLast)
	}
	return last.Type == tokPunct && trailingNeedsMore[last.Value]
}

// endsOperand reports whether a token can end an operand, so that a "!" after it is postfix.
func endsOperand(t lexer.Token) bool {
	switch t.Type {
	case tokIdent, tokMsgName, tokBlank, tokString, tokInt, tokReal, tokSlot, tokOut:
		return true
	case tokPunct:
		switch t.Value {
		case "]", ")", "}", "|>", "!", "++", "--", "&":
			return true
		}
	}
	return false
}

// Blank reports whether src holds no input at all: only white space and comments.
func Blank(src string) bool {
	sc := newScanner("", src, 1)
	t, err := sc.next()
	return err == nil && t.Type == lexer.EOF
}

// bracketDelta is how a token changes the bracket depth: [[ opens two, ]] closes with two ].
func bracketDelta(t lexer.Token) int {
	if t.Type != tokPunct {
		return 0
	}
	switch t.Value {
	case "[", "{", "(", "<|":
		return 1
	case "[[":
		return 2
	case "]", "}", ")", "|>":
		return -1
	}
	return 0
}
