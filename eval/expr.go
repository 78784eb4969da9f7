// Package eval turns syntax trees into expressions and evaluates them with the Wolfram
// Language's rules: the expression model, the evaluator, the session (symbols, In/Out, %),
// builtins, messages, and the OutputForm/InputForm printers.
package eval

import (
	"math"
	"math/big"
)

// Expr is a Wolfram expression. The atoms are Int, *BigInt, *Rat, Real, String, *Symbol,
// *ByteArray and *Assoc; everything else is a *Normal, head[args...].
type Expr interface{ exprNode() }

// Int is a machine integer; arithmetic that overflows moves to *BigInt, and results that fit are
// brought back, so the common case costs no allocation beyond the interface.
type Int int64

// BigInt is an integer beyond 64 bits. It is never used for a value that fits an Int.
type BigInt struct{ V *big.Int }

// Rat is an exact rational with a denominator other than 1 (1/2 stays exact, as in Wolfram).
type Rat struct{ V *big.Rat }

// Real is a machine real.
type Real float64

// String is a string of text. Wolfram strings are sequences of characters; they are kept as
// UTF-8 here, and the string builtins count characters, not bytes.
type String string

// Normal is head[args...].
type Normal struct {
	Head Expr
	Args []Expr
	// inert is set when evaluating the expression is known to give it back unchanged (a list of
	// numbers and strings, say), so that a 10^6-element list is not walked on every reference.
	inert bool
	// epoch is the session epoch at which this call evaluated to itself (0: not known).
	epoch uint64
	// growable is set on lists made by Append, whose backing array has room they own: the
	// next append from this list may use it (once) instead of copying, which makes a loop
	// of AppendTo linear. Lists whose Args are slices of another's never have it.
	growable bool
	// slots, on a pure function Function[body], says whether body has slots of its own
	// (slotFree), found the first time it is applied.
	slots slotsKnown
}

type slotsKnown uint8

const (
	slotsUnknown slotsKnown = iota
	slotsNone
	slotsSome
)

// ByteArray is Wolfram's ByteArray: bytes, printed as ByteArray[<n>].
type ByteArray struct{ B []byte }

func (Int) exprNode()        {}
func (*BigInt) exprNode()    {}
func (*Rat) exprNode()       {}
func (Real) exprNode()       {}
func (String) exprNode()     {}
func (*Normal) exprNode()    {}
func (*Symbol) exprNode()    {}
func (*ByteArray) exprNode() {}
func (*Assoc) exprNode()     {}

// NewNormal builds head[args...].
func NewNormal(head Expr, args ...Expr) *Normal { return &Normal{Head: head, Args: args} }

// List builds {args...}.
func List(args ...Expr) *Normal { return &Normal{Head: SymList, Args: args} }

// inertList builds a list whose elements are already evaluated atoms or inert lists.
func inertList(args []Expr) *Normal { return &Normal{Head: SymList, Args: args, inert: true} }

// BigOrInt returns the integer v as an Int when it fits, else a *BigInt.
func BigOrInt(v *big.Int) Expr {
	if v.IsInt64() {
		return Int(v.Int64())
	}
	return &BigInt{V: v}
}

// RatOrInt returns v as an integer when its denominator is 1.
func RatOrInt(v *big.Rat) Expr {
	if v.IsInt() {
		return BigOrInt(new(big.Int).Set(v.Num()))
	}
	return &Rat{V: v}
}

// HeadOf gives the head of an expression, as Head[] does.
func HeadOf(e Expr) Expr {
	switch x := e.(type) {
	case Int, *BigInt:
		return SymInteger
	case *Rat:
		return SymRational
	case Real:
		return SymReal
	case String:
		return SymString
	case *Symbol:
		return SymSymbol
	case *Normal:
		return x.Head
	case *ByteArray:
		return SymByteArray
	case *Assoc:
		return SymAssociation
	}
	return SymNull
}

// HasHead reports whether e is a Normal whose head is the symbol h.
func HasHead(e Expr, h *Symbol) bool {
	n, ok := e.(*Normal)
	return ok && n.Head == h
}

// IsList reports whether e is {…}.
func IsList(e Expr) bool { return HasHead(e, SymList) }

// AtomQ reports whether e has no parts.
func AtomQ(e Expr) bool {
	_, ok := e.(*Normal)
	return !ok
}

// isNumber reports whether e is an exact or machine number.
func isNumber(e Expr) bool {
	switch e.(type) {
	case Int, *BigInt, *Rat, Real:
		return true
	}
	return false
}

// literal reports whether e evaluates to itself without looking anything up: numbers, strings,
// byte arrays and inert lists.
func literal(e Expr) bool {
	switch x := e.(type) {
	case Int, *BigInt, *Rat, Real, String, *ByteArray:
		return true
	case *Normal:
		return x.inert
	}
	return false
}

// maxWalkDepth bounds how deep the recursive walks over an expression go (SameQ, hash,
// Order, Depth, Flatten): deeper data (Nest[{#} &, x, 10^7]) aborts the input with
// General::deep instead of exhausting the Go stack, which would end the process.
const maxWalkDepth = 100000

// tooDeepSignal aborts an evaluation whose data is nested deeper than maxWalkDepth.
type tooDeepSignal struct{}

// walkDeeper is called on each level of a recursive walk.
func walkDeeper(depth int) {
	if depth > maxWalkDepth {
		panic(tooDeepSignal{})
	}
}

// SameQ is structural identity, Wolfram's ===.
func SameQ(a, b Expr) bool { return sameQ(a, b, 0) }

func sameQ(a, b Expr, depth int) bool {
	switch x := a.(type) {
	case Int:
		y, ok := b.(Int)
		return ok && x == y
	case *BigInt:
		y, ok := b.(*BigInt)
		return ok && x.V.Cmp(y.V) == 0
	case *Rat:
		y, ok := b.(*Rat)
		return ok && x.V.Cmp(y.V) == 0
	case Real:
		y, ok := b.(Real)
		return ok && (x == y || math.IsNaN(float64(x)) && math.IsNaN(float64(y)))
	case String:
		y, ok := b.(String)
		return ok && x == y
	case *Symbol:
		return a == b
	case *ByteArray:
		y, ok := b.(*ByteArray)
		return ok && string(x.B) == string(y.B)
	case *Assoc:
		y, ok := b.(*Assoc)
		if !ok || len(x.keys) != len(y.keys) {
			return false
		}
		walkDeeper(depth)
		for i := range x.keys {
			if !sameQ(x.keys[i], y.keys[i], depth+1) || !sameQ(x.vals[i], y.vals[i], depth+1) {
				return false
			}
		}
		return true
	case *Normal:
		y, ok := b.(*Normal)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		walkDeeper(depth)
		if len(x.Args) != len(y.Args) || !sameQ(x.Head, y.Head, depth+1) {
			return false
		}
		for i := range x.Args {
			if !sameQ(x.Args[i], y.Args[i], depth+1) {
				return false
			}
		}
		return true
	}
	return false
}

// hash is a structural hash consistent with SameQ, for exact-match definitions and keys.
func hash(e Expr) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	mix := func(v uint64) { h = (h ^ v) * prime }
	var walk func(Expr, int)
	walk = func(e Expr, depth int) {
		switch x := e.(type) {
		case Int:
			mix(1)
			mix(uint64(x))
		case *BigInt:
			mix(2)
			for _, w := range x.V.Bits() {
				mix(uint64(w))
			}
		case *Rat:
			mix(3)
			for _, w := range x.V.Num().Bits() {
				mix(uint64(w))
			}
		case Real:
			mix(4)
			mix(math.Float64bits(float64(x)))
		case String:
			mix(5)
			for i := 0; i < len(x); i++ {
				mix(uint64(x[i]))
			}
		case *Symbol:
			mix(6)
			mix(x.id)
		case *ByteArray:
			mix(7)
			for _, c := range x.B {
				mix(uint64(c))
			}
		case *Assoc:
			walkDeeper(depth)
			mix(8)
			for i := range x.keys {
				walk(x.keys[i], depth+1)
				walk(x.vals[i], depth+1)
			}
		case *Normal:
			walkDeeper(depth)
			mix(9)
			walk(x.Head, depth+1)
			mix(uint64(len(x.Args)))
			for _, a := range x.Args {
				walk(a, depth+1)
			}
		}
	}
	walk(e, 0)
	return h
}
