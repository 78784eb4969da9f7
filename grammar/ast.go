package grammar

import "github.com/alecthomas/participle/v2/lexer"

// The participle grammar reads an input as a flat sequence of operands and operators; fold.go
// then builds the tree with the precedence table in ops.go. Keeping precedence out of the
// grammar keeps the operators in one reviewable table and the grammar free of deep lookahead.
//
// Literals are typed (":Punct") so that a string token can never be taken for an operator.

type pInput struct {
	Seq *pSeq `parser:"@@?"`
}

type pSeq struct {
	Head  *pOperand `parser:"@@"`
	Steps []*pStep  `parser:"@@*"`
}

type pStep struct {
	Pos     lexer.Position
	Postfix string     `parser:"(  @(\"&\":Punct | \"++\":Punct | \"--\":Punct | \"=.\":Punct | \"!\":Punct)"`
	PSuffix []*pSuffix `parser:"   @@*"`
	Infix   string     `parser:"| @(\"?\":Punct | \"@@@\":Punct | \"@@\":Punct | \"@\":Punct | \"/@\":Punct | \"<>\":Punct | \"^:=\":Punct | \"^=\":Punct | \"^\":Punct | \".\":Punct | \"*=\":Punct | \"*\":Punct | \"/;\":Punct | \"/.\":Punct | \"//.\":Punct | \"//\":Punct | \"/=\":Punct | \"/\":Punct | \"+=\":Punct | \"+\":Punct | \"-=\":Punct | \"->\":Punct | \"-\":Punct | \"==\":Punct | \"!=\":Punct | \"<=\":Punct | \">=\":Punct | \"<\":Punct | \">\":Punct | \"===\":Punct | \"=!=\":Punct | \"&&\":Punct | \"||\":Punct | \"|\":Punct | \":>\":Punct | \":=\":Punct | \":\":Punct | \"=\":Punct)"`
	Operand *pOperand  `parser:"  @@"`
	Opt     string     `parser:"| @(\";;\":Punct | \";\":Punct)"`
	OptOp   *pOperand  `parser:"  @@?"`
	Juxt    *pOperand  `parser:"| @@ )"`
}

// pASeq is a sequence inside <a, b>: like pSeq, but comparisons cannot appear at its top level,
// so the closing ">" ends it.
type pASeq struct {
	Head  *pOperand `parser:"@@"`
	Steps []*pAStep `parser:"@@*"`
}

type pAStep struct {
	Pos     lexer.Position
	Postfix string     `parser:"(  @(\"&\":Punct | \"++\":Punct | \"--\":Punct | \"!\":Punct)"`
	PSuffix []*pSuffix `parser:"   @@*"`
	Infix   string     `parser:"| @(\"?\":Punct | \"@@@\":Punct | \"@@\":Punct | \"@\":Punct | \"/@\":Punct | \"<>\":Punct | \"^\":Punct | \".\":Punct | \"*\":Punct | \"/;\":Punct | \"/.\":Punct | \"//.\":Punct | \"//\":Punct | \"/\":Punct | \"+\":Punct | \"-\":Punct | \"->\":Punct | \"===\":Punct | \"=!=\":Punct | \"&&\":Punct | \"||\":Punct | \"|\":Punct | \":>\":Punct | \":\":Punct)"`
	Operand *pOperand  `parser:"  @@"`
	Juxt    *pOperand  `parser:"| @@ )"`
}

type pOperand struct {
	Pos     lexer.Position
	Prefix  []string   `parser:"@(\"-\":Punct | \"+\":Punct | \"!\":Punct | \"++\":Punct | \"--\":Punct | \";;\":Punct)*"`
	Primary *pPrimary  `parser:"@@"`
	Suffix  []*pSuffix `parser:"@@*"`
}

type pPrimary struct {
	Pos   lexer.Position
	Int   string `parser:"(  @Int"`
	Real  string `parser:"| @Real"`
	Str   string `parser:"| @String"`
	Ident string `parser:"| @Ident"`
	Msg   string `parser:"| @MsgName"`
	Blank string `parser:"| @Blank"`
	Slot  string `parser:"| @Slot"`
	Out   string `parser:"| @Out"`
	Paren *pSeq  `parser:"| \"(\":Punct @@ \")\":Punct"`
	List  bool   `parser:"| @\"{\":Punct"`
	LArgs *pArgs `parser:"  @@? \"}\":Punct"`
	Assoc bool   `parser:"| @\"<|\":Punct"`
	AArgs *pArgs `parser:"  @@? \"|>\":Punct )"`
}

type pSuffix struct {
	Pos   lexer.Position
	Part  bool   `parser:"(  @\"[[\":Punct"`
	PArgs *pArgs `parser:"   @@ \"]\":Punct \"]\":Punct"`
	Call  bool   `parser:"| @\"[\":Punct"`
	CArgs *pArgs `parser:"   @@? \"]\":Punct )"`
}

type pArgs struct {
	Items []*pArg `parser:"@@ (\",\" @@)*"`
}

type pArg struct {
	Angle *pAngle `parser:"  @@"`
	Seq   *pSeq   `parser:"| @@"`
	Span  bool    `parser:"| @\";;\":Punct"`
}

// pAngle is the form <a, b> in argument position, read as the list {a, b}: this project's users
// write SocketOpen[<"127.0.0.1", 8080>, <"ZMQ", "Push">].
type pAngle struct {
	Pos   lexer.Position
	Items []*pASeq `parser:"\"<\":Punct @@ (\",\" @@)* \">\":Punct"`
}
