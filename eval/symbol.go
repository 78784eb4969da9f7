package eval

import (
	"strings"
	"sync/atomic"
)

// Attr is a set of Wolfram attributes.
type Attr uint32

const (
	HoldFirst Attr = 1 << iota
	HoldRest
	HoldAllComplete
	Flat
	Orderless
	Listable
	Protected
	SequenceHold
	NumericFunction
	OneIdentity
	Locked
	ReadProtected
	Temporary
	Constant

	HoldAll = HoldFirst | HoldRest
)

var attrNames = []struct {
	a    Attr
	name string
}{
	{Constant, "Constant"}, {Flat, "Flat"}, {HoldAll, "HoldAll"}, {HoldAllComplete, "HoldAllComplete"},
	{HoldFirst, "HoldFirst"}, {HoldRest, "HoldRest"}, {Listable, "Listable"}, {Locked, "Locked"},
	{NumericFunction, "NumericFunction"}, {OneIdentity, "OneIdentity"}, {Orderless, "Orderless"},
	{Protected, "Protected"}, {ReadProtected, "ReadProtected"}, {SequenceHold, "SequenceHold"},
	{Temporary, "Temporary"},
}

// Symbol is a Wolfram symbol with its definitions. System symbols (the builtins and the
// constants) are shared by every session and never change after start-up; every other symbol
// belongs to one session and is touched only by that session's evaluator goroutine.
type Symbol struct {
	Name    string
	id      uint64
	attrs   Attr
	own     Expr     // x = value
	down    *ruleSet // f[x_] := …
	sub     *ruleSet // f[a][b] := …
	builtin *Builtin
	system  bool
	// hinted is set once a near-miss hint has been given for this (session) symbol.
	hinted bool
}

var symbolIDs atomic.Uint64

func newSymbol(name string) *Symbol {
	return &Symbol{Name: name, id: symbolIDs.Add(1)}
}

// Attrs gives the symbol's attributes.
func (s *Symbol) Attrs() Attr { return s.attrs }

// systemSymbols holds the builtins and constants, built once at start-up from the builtin
// tables and never written afterwards, so sessions may share it across goroutines.
var systemSymbols = map[string]*Symbol{}

func sys(name string) *Symbol {
	if s, ok := systemSymbols[name]; ok {
		return s
	}
	s := newSymbol(name)
	s.system = true
	s.attrs = Protected
	systemSymbols[name] = s
	return s
}

// The symbols Go code refers to directly.
var (
	SymList             = sys("List")
	SymNull             = sys("Null")
	SymTrue             = sys("True")
	SymFalse            = sys("False")
	SymFailed           = sys("$Failed")
	SymAborted          = sys("$Aborted")
	SymInteger          = sys("Integer")
	SymRational         = sys("Rational")
	SymReal             = sys("Real")
	SymString           = sys("String")
	SymSymbol           = sys("Symbol")
	SymByteArray        = sys("ByteArray")
	SymAssociation      = sys("Association")
	SymRule             = sys("Rule")
	SymRuleDelayed      = sys("RuleDelayed")
	SymSequence         = sys("Sequence")
	SymPlus             = sys("Plus")
	SymTimes            = sys("Times")
	SymPower            = sys("Power")
	SymFunction         = sys("Function")
	SymSlot             = sys("Slot")
	SymSlotSequence     = sys("SlotSequence")
	SymPattern          = sys("Pattern")
	SymBlank            = sys("Blank")
	SymBlankSeq         = sys("BlankSequence")
	SymBlankNullSeq     = sys("BlankNullSequence")
	SymCondition        = sys("Condition")
	SymAlternatives     = sys("Alternatives")
	SymPatternTest      = sys("PatternTest")
	SymOptional         = sys("Optional")
	SymHold             = sys("Hold")
	SymHoldForm         = sys("HoldForm")
	SymHoldPattern      = sys("HoldPattern")
	SymUnevaluated      = sys("Unevaluated")
	SymAll              = sys("All")
	SymNone             = sys("None")
	SymAutomatic        = sys("Automatic")
	SymSet              = sys("Set")
	SymSetDelayed       = sys("SetDelayed")
	SymPart             = sys("Part")
	SymSpan             = sys("Span")
	SymMessageName      = sys("MessageName")
	SymMissing          = sys("Missing")
	SymInfinity         = sys("Infinity")
	SymIndeterminate    = sys("Indeterminate")
	SymComplexInfinity  = sys("ComplexInfinity")
	SymDirectedInfinity = sys("DirectedInfinity")
	SymEndOfFile        = sys("EndOfFile")
	SymInputForm        = sys("InputForm")
	SymOutputForm       = sys("OutputForm")
	SymFullForm         = sys("FullForm")
	SymCompound         = sys("CompoundExpression")
	SymEqual            = sys("Equal")
	SymInequality       = sys("Inequality")
	SymOut              = sys("Out")
	SymIn               = sys("In")
	SymNot              = sys("Not")
	SymAnd              = sys("And")
	SymOr               = sys("Or")
	SymStringJoin       = sys("StringJoin")
	SymDateObject       = sys("DateObject")
	SymQuantity         = sys("Quantity")
)

// Bool converts a Go bool to True or False.
func Bool(b bool) Expr {
	if b {
		return SymTrue
	}
	return SymFalse
}

// canonicalName strips the System` and Global` contexts: System`Plus is Plus, Global`x is x.
func canonicalName(name string) string {
	if strings.HasPrefix(name, "System`") {
		return name[len("System`"):]
	}
	if strings.HasPrefix(name, "Global`") {
		return name[len("Global`"):]
	}
	return name
}
