package grammar

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

var (
	parserOnce sync.Once
	parser     *participle.Parser[pInput]
)

// theParser builds the participle parser on first use, so that start-up pays for it only when
// there is something to parse.
func theParser() *participle.Parser[pInput] {
	parserOnce.Do(func() {
		parser = participle.MustBuild[pInput](
			participle.Lexer(lexerDef{}),
			participle.UseLookahead(4),
		)
	})
	return parser
}

// EBNF is the grammar in participle's EBNF, for the README and the grammar's golden file.
func EBNF() string { return theParser().String() }

// Parse reads one complete input (which may span lines) into a FullForm tree. Empty input (white
// space and comments only) gives nil and no error.
func Parse(src string) (*Node, error) { return ParseChunk("", 1, src) }

// ParseChunk is Parse for an input that starts on line firstLine of the file or session called
// name, so that positions in errors point into the whole file.
func ParseChunk(name string, firstLine int, src string) (*Node, error) {
	n, err := parse(name, src)
	if err != nil {
		// positions are counted from the chunk's first line; make them the file's
		err.Pos.Line += firstLine - 1
		return nil, err
	}
	return n, nil
}

func parse(name, src string) (*Node, *SyntaxError) {
	if err := checkNesting(name, src); err != nil {
		return nil, err
	}
	in, err := theParser().ParseString(name, src)
	if err != nil {
		return nil, convertError(err, src)
	}
	if in.Seq == nil {
		return nil, nil
	}
	f := &folder{src: src}
	n := f.seq(in.Seq)
	if f.err != nil {
		return nil, f.err
	}
	return n, nil
}

// maxTokens bounds the tokens in one input: participle keeps every token in memory and gives
// up on longer sequences anyway, so a runaway line is refused early with a clear message.
const maxTokens = 500000

// checkNesting refuses input nested deeper than maxDepth, or longer than maxTokens tokens,
// before the parser recurses into it.
func checkNesting(name string, src string) *SyntaxError {
	sc := newScanner(name, src, 1)
	depth, count := 0, 0
	for {
		if count++; count > maxTokens {
			return &SyntaxError{Pos: sc.pos(), Tag: "sntx", Src: src,
				Msg: fmt.Sprintf("the input is too long to parse (more than %d tokens in one expression)", maxTokens)}
		}
		t, err := sc.next()
		if err != nil {
			return err
		}
		if t.Type == lexer.EOF {
			return nil
		}
		if depth += bracketDelta(t); depth > maxDepth/2 {
			return &SyntaxError{Pos: t.Pos, Tag: "sntx", Msg: "the input is nested too deeply", Src: src}
		}
	}
}

// convertError turns participle's errors into SyntaxErrors with Wolfram's wording:
// Syntax::sntxf "f[1 +" cannot be followed by "]", or Syntax::sntxi for input that ended early.
func convertError(err error, src string) *SyntaxError {
	var se *SyntaxError
	if errors.As(err, &se) {
		return se
	}
	var ut *participle.UnexpectedTokenError
	if errors.As(err, &ut) {
		pos := ut.Unexpected.Pos
		if ut.Unexpected.EOF() {
			return &SyntaxError{Pos: pos, Tag: "sntxi", Msg: "Incomplete expression; more input is needed", Src: src, kind: errIncomplete}
		}
		before := strings.TrimSpace(src[:min(pos.Offset, len(src))])
		if i := strings.LastIndexByte(before, '\n'); i >= 0 {
			before = strings.TrimSpace(before[i+1:])
		}
		if len(before) > 60 {
			before = "…" + before[len(before)-60:]
		}
		tok := ut.Unexpected.Value
		if len(tok) > 40 {
			tok = tok[:40] + "…"
		}
		if before == "" {
			return &SyntaxError{Pos: pos, Tag: "sntx", Msg: fmt.Sprintf("Invalid syntax in or before %s", Quote(tok)), Src: src}
		}
		return &SyntaxError{Pos: pos, Tag: "sntxf", Msg: fmt.Sprintf("%s cannot be followed by %s", Quote(before), Quote(tok)), Src: src}
	}
	var pe participle.Error
	if errors.As(err, &pe) {
		return &SyntaxError{Pos: pe.Position(), Tag: "sntx", Msg: pe.Message(), Src: src}
	}
	return &SyntaxError{Tag: "sntx", Msg: err.Error(), Src: src, Pos: lexer.Position{Line: 1, Column: 1}}
}
