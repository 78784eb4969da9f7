package eval

import (
	"cmp"
	"math"
	"math/big"
	"slices"
)

// The list family: building and taking apart lists (Range, Part, Take, Join, …), reordering
// and set operations, mapping and selecting (Map, Apply, Select, Cases, …), associations
// (Keys, Lookup, AssociateTo, …), iteration (Nest, Fold, FixedPoint, Sum) and shape (Transpose,
// Dimensions). Most of them work on any head, not only List, and on the values of an
// association, as Wolfram's do.
var listBuiltins = []*Builtin{
	{Name: "Range", Usage: "Range[n] gives {1, 2, …, n}.\nRange[a, b] gives {a, a + 1, …, b}.\nRange[a, b, d] steps by d.", Attrs: Listable, Min: 1, Max: 3, Fn: fnRange,
		Messages: map[string]string{"range": "Range specification in `1` does not have appropriate bounds."}},
	{Name: "Length", Usage: "Length[expr] gives the number of elements of expr (0 for an atom).", Transient: true, Min: 1, Max: 1, Fn: fnLength},
	{Name: "Part", Usage: "expr[[i]] or Part[expr, i] gives the i-th part of expr; negative i count from the end, 0 is the head.\nexpr[[i, j, …]] goes deeper; expr[[{i1, i2, …}]] picks several parts; expr[[m ;; n ;; s]] a span; expr[[All]] every part.\nassoc[[\"key\"]] and assoc[[Key[k]]] look up keys.", Min: 1, Max: -1, Fn: fnPart,
		Messages: map[string]string{"take": "Cannot take positions `1` through `2` in `3`."}},
	{Name: "Span", Usage: "m ;; n is Span[m, n], positions m through n in Part, Take and Drop; m ;; n ;; s steps by s.", Min: 0, Max: -1},
	{Name: "Key", Usage: "Key[k] is the key k of an association: assoc[[Key[k]]], Key[k][assoc].", Min: 1, Max: 1, Sub: keySub},
	{Name: "Take", Usage: "Take[list, n] gives the first n elements.\nTake[list, -n] gives the last n.\nTake[list, {m, n}] gives elements m through n; Take[list, {m, n, s}] steps by s; Take[list, m ;; n] likewise.\nTake[list, spec1, spec2, …] takes at successive levels.", Min: 1, Max: -1, Fn: fnTake,
		Messages: map[string]string{"take": "Cannot take positions `1` through `2` in `3`.", "seqs": seqsText}},
	{Name: "Drop", Usage: "Drop[list, n] drops the first n elements.\nDrop[list, -n] drops the last n.\nDrop[list, {n}] drops the n-th; Drop[list, {m, n}] elements m through n; Drop[list, {m, n, s}] steps by s.", Min: 1, Max: -1, Fn: fnDrop,
		Messages: map[string]string{"drop": "Cannot drop positions `1` through `2` in `3`.", "seqs": seqsText}},
	{Name: "First", Usage: "First[expr] gives the first element.\nFirst[expr, def] gives def when expr has no elements.", Min: 1, Max: 2, Fn: fnFirst,
		Messages: map[string]string{"nofirst": "`1` has zero length and no first element."}},
	{Name: "Last", Usage: "Last[expr] gives the last element.\nLast[expr, def] gives def when expr has no elements.", Min: 1, Max: 2, Fn: fnLast,
		Messages: map[string]string{"nolast": "`1` has zero length and no last element."}},
	{Name: "Rest", Usage: "Rest[expr] gives expr without its first element.", Min: 1, Max: 1, Fn: fnRest,
		Messages: map[string]string{"norest": "Cannot take Rest of expression `1` with length zero."}},
	{Name: "Most", Usage: "Most[expr] gives expr without its last element.", Min: 1, Max: 1, Fn: fnMost,
		Messages: map[string]string{"nomost": "Cannot take Most of expression `1` with length zero."}},
	{Name: "Append", Usage: "Append[expr, elem] gives expr with elem added at the end.\nAppend[elem] is the operator form.", Min: 1, Max: 2, Fn: fnAppend, Sub: opAfter},
	{Name: "Prepend", Usage: "Prepend[expr, elem] gives expr with elem added at the start.\nPrepend[elem] is the operator form.", Min: 1, Max: 2, Fn: fnPrepend, Sub: opAfter},
	{Name: "AppendTo", Usage: "AppendTo[x, elem] appends elem to the value of x and assigns the result to x.", Attrs: HoldFirst, Min: 2, Max: 2, Fn: fnAppendTo},
	{Name: "PrependTo", Usage: "PrependTo[x, elem] prepends elem to the value of x and assigns the result to x.", Attrs: HoldFirst, Min: 2, Max: 2, Fn: fnPrependTo},
	{Name: "Join", Usage: "Join[list1, list2, …] concatenates lists (or expressions with one head, associations, byte arrays).\nJoin[list1, list2, …, n] joins the elements at level n.", Attrs: Flat | OneIdentity, Min: 0, Max: -1, Fn: fnJoin,
		Messages: map[string]string{"heads": "Heads `1` and `2` at positions `3` and `4` are expected to be the same."}},
	{Name: "Flatten", Usage: "Flatten[list] flattens out nested lists.\nFlatten[list, n] flattens to level n.\nFlatten[list, n, h] flattens subexpressions with head h.", Min: 1, Max: 3, Fn: fnFlatten,
		Messages: map[string]string{"flpi": "Levels to be flattened together in `1` should be lists of positive integers."}},
	{Name: "Partition", Usage: "Partition[list, n] splits list into pieces of length n, dropping what is left over.\nPartition[list, n, d] uses offset d.\nPartition[list, UpTo[n]] keeps a shorter last piece.", Min: 2, Max: 3, Fn: fnPartition,
		Messages: map[string]string{"ilsmp": "Single or list of positive machine-sized integers expected at position `1` of `2`."}},
	{Name: "Riffle", Usage: "Riffle[{e1, e2, …}, x] gives {e1, x, e2, x, …}.\nRiffle[{e1, e2, …}, {s1, s2, …}] gives {e1, s1, e2, s2, …}.\nRiffle[list, x, n] puts x at every n-th position.", Min: 2, Max: 3, Fn: fnRiffle},
	{Name: "Total", Usage: "Total[list] gives the sum of the elements of list (column sums of a matrix).\nTotal[list, n] totals down to level n; Total[list, {n}] at level n; Total[list, Infinity] everything.", Min: 1, Max: 2, Fn: fnTotal},
	{Name: "Accumulate", Usage: "Accumulate[list] gives the running totals {e1, e1 + e2, …}.", Min: 1, Max: 1, Fn: fnAccumulate},
	{Name: "Sort", Usage: "Sort[list] sorts into canonical order.\nSort[list, p] sorts with the ordering function p.", Min: 1, Max: 2, Fn: fnSort},
	{Name: "SortBy", Usage: "SortBy[list, f] sorts by the values f[e] (ties in canonical order).\nSortBy[list, {f1, f2, …}] breaks ties with f2, ….\nSortBy[f] is the operator form.", Min: 1, Max: 2, Fn: fnSortBy, Sub: opAfter},
	{Name: "Reverse", Usage: "Reverse[expr] reverses the order of the elements.", Min: 1, Max: 1, Fn: fnReverse},
	{Name: "Union", Usage: "Union[list1, list2, …] gives the sorted distinct elements of all the lists.", Attrs: Flat | OneIdentity, Min: 0, Max: -1, Fn: setOpFn("Union"),
		Messages: map[string]string{"heads": "Heads `1` and `2` at positions `3` and `4` are expected to be the same."}},
	{Name: "Intersection", Usage: "Intersection[list1, list2, …] gives the sorted distinct elements common to all the lists.", Attrs: Flat | OneIdentity | Orderless, Min: 1, Max: -1, Fn: setOpFn("Intersection"),
		Messages: map[string]string{"heads": "Heads `1` and `2` at positions `3` and `4` are expected to be the same."}},
	{Name: "Complement", Usage: "Complement[all, e1, e2, …] gives the sorted distinct elements of all that are in none of the ei.", Min: 1, Max: -1, Fn: setOpFn("Complement"),
		Messages: map[string]string{"heads": "Heads `1` and `2` at positions `3` and `4` are expected to be the same."}},
	{Name: "DeleteDuplicates", Usage: "DeleteDuplicates[list] drops later copies of elements, keeping the order.\nDeleteDuplicates[list, test] treats a and b as copies when test[a, b] is True.", Min: 1, Max: 2, Fn: fnDeleteDuplicates},
	{Name: "Tally", Usage: "Tally[list] gives {{e, n}, …}: each distinct element with the number of times it occurs.\nTally[list, test] groups elements for which test gives True.", Min: 1, Max: 2, Fn: fnTally},
	{Name: "Counts", Usage: "Counts[list] gives <|e -> n, …|>: each distinct element with its count.", Min: 1, Max: 1, Fn: fnCounts},
	{Name: "Map", Usage: "Map[f, expr] or f /@ expr applies f to each element of expr (the values of an association).\nMap[f, expr, levelspec] applies f at the given levels.\nMap[f] is the operator form.", Min: 1, Max: 3, Fn: fnMap, Sub: opBefore},
	{Name: "MapIndexed", Usage: "MapIndexed[f, expr] gives f[e, {i}] for each element e at position i.\nMapIndexed[f, expr, levelspec] works at the given levels.", Min: 1, Max: 3, Fn: fnMapIndexed, Sub: opBefore},
	{Name: "Scan", Usage: "Scan[f, expr] evaluates f[e] for each element e, and gives Null (or the value of a Return).\nScan[f, expr, levelspec] works at the given levels.", Min: 1, Max: 3, Fn: fnScan, Sub: opBefore},
	{Name: "Apply", Usage: "Apply[f, expr] or f @@ expr replaces the head of expr by f.\nApply[f, expr, levelspec] replaces heads at the given levels; f @@@ expr is Apply[f, expr, {1}].", Min: 1, Max: 3, Fn: fnApply, Sub: opBefore},
	{Name: "MapApply", Usage: "MapApply[f, expr] or f @@@ expr replaces the heads of the elements of expr by f.", Min: 1, Max: 2, Fn: fnMapApply, Sub: opBefore},
	{Name: "Select", Usage: "Select[list, crit] gives the elements e for which crit[e] is True.\nSelect[list, crit, n] gives the first n such.\nSelect[crit] is the operator form.", Min: 1, Max: 3, Fn: fnSelect, Sub: opAfter,
		Messages: map[string]string{"innf": innfText}},
	{Name: "Cases", Usage: "Cases[list, pattern] gives the elements that match pattern.\nCases[list, pattern :> rhs] gives rhs for each match.\nCases[expr, pattern, levelspec] and Cases[expr, pattern, levelspec, n] search the given levels.", Min: 1, Max: 4, Fn: fnCases, Sub: opAfter,
		Messages: map[string]string{"innf": innfText}},
	{Name: "DeleteCases", Usage: "DeleteCases[expr, pattern] removes the elements that match pattern.\nDeleteCases[expr, pattern, levelspec] removes matches at the given levels.", Min: 1, Max: 4, Fn: fnDeleteCases, Sub: opAfter,
		Messages: map[string]string{"innf": innfText}},
	{Name: "MemberQ", Usage: "MemberQ[list, form] is True when an element of list matches form.\nMemberQ[expr, form, levelspec] tests the given levels.", Min: 1, Max: 3, Fn: fnMemberQ, Sub: opAfter},
	{Name: "FreeQ", Usage: "FreeQ[expr, form] is True when no subexpression of expr (heads included) matches form.\nFreeQ[expr, form, levelspec] tests the given levels.", Min: 1, Max: 3, Fn: fnFreeQ, Sub: opAfter},
	{Name: "Count", Usage: "Count[list, pattern] gives the number of elements that match pattern.\nCount[expr, pattern, levelspec] counts at the given levels.", Min: 1, Max: 3, Fn: fnCount, Sub: opAfter},
	{Name: "Position", Usage: "Position[expr, pattern] gives the positions at which pattern matches in expr.\nPosition[expr, pattern, levelspec] and Position[expr, pattern, levelspec, n] restrict the search.", Min: 1, Max: 4, Fn: fnPosition, Sub: opAfter,
		Messages: map[string]string{"innf": innfText}},
	{Name: "Keys", Usage: "Keys[assoc] gives the keys of an association or a list of rules.", Min: 1, Max: 1, Fn: keysValuesFn(true)},
	{Name: "Values", Usage: "Values[assoc] gives the values of an association or a list of rules.", Min: 1, Max: 1, Fn: keysValuesFn(false)},
	{Name: "Lookup", Usage: "Lookup[assoc, key] gives the value of key, or Missing[\"KeyAbsent\", key].\nLookup[assoc, key, default] gives default when key is absent.\nLookup[assoc, {k1, k2, …}] looks up several keys; Lookup[{a1, a2, …}, key] several associations.", Min: 1, Max: 3, Fn: fnLookup, Sub: opAfter},
	{Name: "KeyExistsQ", Usage: "KeyExistsQ[assoc, key] is True when key is a key of assoc.", Transient: true, Min: 2, Max: 2, Fn: fnKeyExistsQ},
	{Name: "AssociateTo", Usage: "AssociateTo[a, key -> value] adds (or replaces) an entry of the association a, and assigns the result to a.\nAssociateTo[a, {k1 -> v1, …}] adds several.", Attrs: HoldFirst, Min: 2, Max: 2, Fn: fnAssociateTo,
		Messages: map[string]string{"invak": "The argument `1` is not a valid Association."}},
	{Name: "KeyDropFrom", Usage: "KeyDropFrom[a, key] removes key from the association a, and assigns the result to a.\nKeyDropFrom[a, {k1, k2, …}] removes several keys.", Attrs: HoldFirst, Min: 2, Max: 2, Fn: fnKeyDropFrom,
		Messages: map[string]string{"invak": "The argument `1` is not a valid Association."}},
	{Name: "KeyDrop", Usage: "KeyDrop[assoc, {k1, k2, …}] gives assoc without the given keys.\nKeyDrop[keys] is the operator form.", Min: 1, Max: 2, Fn: keyDropTakeFn(true), Sub: opAfter},
	{Name: "KeyTake", Usage: "KeyTake[assoc, {k1, k2, …}] gives the entries of assoc with the given keys, in that order.\nKeyTake[keys] is the operator form.", Min: 1, Max: 2, Fn: keyDropTakeFn(false), Sub: opAfter},
	{Name: "KeySort", Usage: "KeySort[assoc] sorts an association by its keys.\nKeySort[assoc, p] sorts with the ordering function p.", Min: 1, Max: 2, Fn: fnKeySort},
	{Name: "KeyValueMap", Usage: "KeyValueMap[f, assoc] gives {f[k1, v1], f[k2, v2], …}.", Min: 1, Max: 2, Fn: fnKeyValueMap, Sub: opBefore},
	{Name: "AssociationMap", Usage: "AssociationMap[f, {k1, k2, …}] gives <|k1 -> f[k1], k2 -> f[k2], …|>.\nAssociationMap[f, assoc] applies f to each rule of assoc.", Min: 1, Max: 2, Fn: fnAssociationMap, Sub: opBefore},
	{Name: "Nest", Usage: "Nest[f, x, n] gives f applied n times to x.", Min: 3, Max: 3, Fn: fnNest},
	{Name: "NestList", Usage: "NestList[f, x, n] gives {x, f[x], f[f[x]], …} with n applications of f.", Min: 3, Max: 3, Fn: fnNestList},
	{Name: "Fold", Usage: "Fold[f, x, {a, b, …}] gives f[f[f[x, a], b], …].\nFold[f, {a, b, …}] starts from a.", Min: 2, Max: 3, Fn: fnFold},
	{Name: "FoldList", Usage: "FoldList[f, x, {a, b, …}] gives {x, f[x, a], f[f[x, a], b], …}.\nFoldList[f, {a, b, …}] starts from a.", Min: 2, Max: 3, Fn: fnFoldList},
	{Name: "FixedPoint", Usage: "FixedPoint[f, x] applies f repeatedly until the result no longer changes (at most 65536 times).\nFixedPoint[f, x, n] stops after at most n steps.", Min: 2, Max: 3, Fn: fnFixedPoint},
	{Name: "Transpose", Usage: "Transpose[m] transposes the first two levels of a matrix.", Min: 1, Max: 1, Fn: fnTranspose,
		Messages: map[string]string{"nmtx": "The first two levels of `1` cannot be transposed."}},
	{Name: "ConstantArray", Usage: "ConstantArray[c, n] gives a list of n copies of c.\nConstantArray[c, {n1, n2, …}] gives an n1 × n2 × … array.", Min: 2, Max: 2, Fn: fnConstantArray,
		Messages: map[string]string{"ilsnn": "Single or list of non-negative integers expected at position `1` of `2`."}},
	{Name: "Sum", Usage: "Sum[f, {i, imax}] sums f for i from 1 to imax.\nSum[f, {i, imin, imax}], Sum[f, {i, imin, imax, di}], Sum[f, {i, {v1, v2, …}}] and several iterators, as in Table.", Attrs: HoldAll, Min: 2, Max: -1, Fn: fnSum},
	{Name: "Thread", Usage: "Thread[f[{a1, a2, …}, {b1, b2, …}]] gives {f[a1, b1], f[a2, b2], …}; arguments that are not lists are repeated.\nThread[expr, h] threads over arguments with head h.", Min: 1, Max: 2, Fn: fnThread},
	{Name: "ListQ", Usage: "ListQ[expr] is True when expr is a list.", Transient: true, Min: 1, Max: 1, Fn: func(s *Session, c *Normal) Expr { return Bool(IsList(c.Args[0])) }},
	{Name: "VectorQ", Usage: "VectorQ[expr] is True when expr is a list none of whose elements is a list.\nVectorQ[expr, test] also requires test[e] to be True for every element.", Min: 1, Max: 2, Fn: fnVectorQ},
	{Name: "MatrixQ", Usage: "MatrixQ[expr] is True when expr is a list of lists of equal length whose elements are not lists.\nMatrixQ[expr, test] also requires test[e] to be True for every element.", Min: 1, Max: 2, Fn: fnMatrixQ},
	{Name: "AssociationQ", Usage: "AssociationQ[expr] is True when expr is an association.", Transient: true, Min: 1, Max: 1, Fn: func(s *Session, c *Normal) Expr {
		_, ok := c.Args[0].(*Assoc)
		return Bool(ok)
	}},
	{Name: "Dimensions", Usage: "Dimensions[expr] gives the dimensions of a rectangular array: {n1, n2, …}.", Min: 1, Max: 1, Fn: fnDimensions},
	{Name: "Depth", Usage: "Depth[expr] gives the number of levels of expr, counting an atom as 1.", Transient: true, Min: 1, Max: 1, Fn: func(s *Session, c *Normal) Expr { return Int(depthOf(c.Args[0])) }},
}

// listMaxLen bounds the lists these functions build, so that Range[10^12] gives a message
// instead of exhausting memory: an element costs 16 bytes and, for most numbers, a small
// allocation besides, so 2^26 elements already take over 1.5 GB.
const listMaxLen = 1 << 26

// byteArrayMaxLen bounds a byte array built by Join.
const byteArrayMaxLen = 1 << 31

const innfText = "Non-negative integer or Infinity expected at position `1` in `2`."

const seqsText = "Sequence specification (+n, -n, {+n}, {-n}, {m, n}, or {m, n, s}) expected at position `2` in `1`."

var (
	symUpTo = sys("UpTo")
	symKey  = sys("Key")
)

// ---------------------------------------------------------------------------------------------
// Helpers shared by the family.

// notNormal issues fn::normal for an atom where an expression with parts was expected.
func (s *Session) notNormal(fn string, pos int, c *Normal) Expr {
	s.Message(fn, "normal", Int(pos), c)
	return nil
}

// settle finishes a result built from values. A list of literals is marked inert and returned
// as it is; anything else is evaluated, as Wolfram evaluates what a function returns (f[…] may
// have definitions, and Sequence[…] elements must be spliced).
func (s *Session) settle(e Expr) Expr {
	if l, ok := e.(*Normal); ok && l.Head == SymList && !l.inert && allLiteral(l.Args) {
		l.inert = true
		return l
	}
	return s.Eval(e)
}

// machineInt reads an integer position, clamping integers beyond 64 bits to a value that is
// out of range of any list (so that the caller's range check reports them).
func machineInt(e Expr) (int, bool) {
	switch x := e.(type) {
	case Int:
		v := int64(x)
		if v > 1<<62 {
			v = 1 << 62
		}
		if v < -(1 << 62) {
			v = -(1 << 62)
		}
		return int(v), true
	case *BigInt:
		if x.V.Sign() < 0 {
			return -(1 << 62), true
		}
		return 1 << 62, true
	}
	return 0, false
}

// seqLen and seqAt view the elements of an expression: a Normal's arguments, an association's
// values, a byte array's bytes.
func seqLen(e Expr) (int, bool) {
	switch x := e.(type) {
	case *Normal:
		return len(x.Args), true
	case *Assoc:
		return x.Len(), true
	case *ByteArray:
		return len(x.B), true
	}
	return 0, false
}

func seqAt(e Expr, i int) Expr {
	switch x := e.(type) {
	case *Normal:
		return x.Args[i]
	case *Assoc:
		return x.vals[i]
	case *ByteArray:
		return Int(x.B[i])
	}
	return nil
}

// elementsOf gives the elements of a Normal or the values of an association.
func elementsOf(e Expr) ([]Expr, bool) {
	switch x := e.(type) {
	case *Normal:
		return x.Args, true
	case *Assoc:
		return x.vals, true
	}
	return nil, false
}

// subAssoc builds an association from the entries of a at the given indices.
func subAssoc(a *Assoc, idx []int) *Assoc {
	out := NewAssoc()
	for _, i := range idx {
		out.Set(a.keys[i], a.vals[i], a.delay[i])
	}
	return out
}

// opAfter evaluates an operator form F[a][x] as F[x, a] (Select[crit][list]).
func opAfter(s *Session, obj *Normal, args []Expr) Expr {
	if len(args) != 1 || len(obj.Args) != 1 {
		return nil
	}
	return s.Eval(NewNormal(obj.Head, args[0], obj.Args[0]))
}

// opBefore evaluates an operator form F[a][x] as F[a, x] (Map[f][list]).
func opBefore(s *Session, obj *Normal, args []Expr) Expr {
	if len(args) != 1 || len(obj.Args) != 1 {
		return nil
	}
	return s.Eval(NewNormal(obj.Head, obj.Args[0], args[0]))
}

// keySub evaluates Key[k][assoc].
func keySub(s *Session, obj *Normal, args []Expr) Expr {
	if len(args) != 1 || len(obj.Args) != 1 {
		return nil
	}
	if a, ok := args[0].(*Assoc); ok {
		if v, ok := a.Get(obj.Args[0]); ok {
			return v
		}
		return missingKey(obj.Args[0])
	}
	return nil
}

func missingKey(k Expr) Expr { return NewNormal(SymMissing, String("KeyAbsent"), k) }

// unKey strips a Key[k] wrapper.
func unKey(e Expr) Expr {
	if n, ok := e.(*Normal); ok && n.Head == symKey && len(n.Args) == 1 {
		return n.Args[0]
	}
	return e
}

// exprIndex is a set of expressions under SameQ, remembering the order of insertion.
type exprIndex struct {
	m     map[uint64][]int
	items []Expr
}

func newExprIndex(n int) *exprIndex { return &exprIndex{m: make(map[uint64][]int, n)} }

func (x *exprIndex) find(e Expr) int {
	for _, i := range x.m[hash(e)] {
		if SameQ(x.items[i], e) {
			return i
		}
	}
	return -1
}

// add inserts e, giving its index and whether it was new.
func (x *exprIndex) add(e Expr) (int, bool) {
	h := hash(e)
	for _, i := range x.m[h] {
		if SameQ(x.items[i], e) {
			return i, false
		}
	}
	x.items = append(x.items, e)
	x.m[h] = append(x.m[h], len(x.items)-1)
	return len(x.items) - 1, true
}

// ---------------------------------------------------------------------------------------------
// Range, Length

func fnRange(s *Session, c *Normal) Expr {
	var a, b, d Expr = Int(1), c.Args[0], Int(1)
	if len(c.Args) >= 2 {
		a, b = c.Args[0], c.Args[1]
	}
	if len(c.Args) == 3 {
		d = c.Args[2]
	}
	if (!isNumber(a) || !isNumber(b)) && isNumber(d) && !isZero(d) {
		// Range[a, a + 2]: symbolic ends a whole number of steps apart
		steps := s.Eval(NewNormal(SymTimes, NewNormal(SymPlus, b, NewNormal(SymTimes, Int(-1), a)),
			NewNormal(SymPower, d, Int(-1))))
		if isNumber(steps) {
			if cmpNum(steps, Int(0)) < 0 {
				return inertList([]Expr{})
			}
			q := floorDiv(steps, Int(1))
			n, ok := q.(Int)
			if !ok || n >= listMaxLen {
				s.Message("Range", "nomem")
				return nil
			}
			out := make([]Expr, int(n)+1)
			for k := range out {
				out[k] = s.Eval(NewNormal(SymPlus, a, NewNormal(SymTimes, Int(k), d)))
			}
			return List(out...)
		}
	}
	if !isNumber(a) || !isNumber(b) || !isNumber(d) || isZero(d) {
		s.Message("Range", "range", c)
		return nil
	}
	ai, aok := a.(Int)
	bi, bok := b.(Int)
	di, dok := d.(Int)
	if aok && bok && dok {
		// the count in big arithmetic, as b - a can overflow; a step pointing away from b
		// gives nothing
		q := new(big.Int).Sub(big.NewInt(int64(bi)), big.NewInt(int64(ai)))
		if q.Sign() != 0 && q.Sign() != cmpNum(di, Int(0)) {
			return inertList([]Expr{})
		}
		q.Quo(q, big.NewInt(int64(di)))
		if !q.IsInt64() || q.Int64() >= listMaxLen {
			s.Message("Range", "nomem")
			return nil
		}
		n := int(q.Int64()) + 1
		out := make([]Expr, n)
		for k := range out {
			out[k] = ai + Int(k)*di
		}
		return inertList(out)
	}
	// count = Floor[(b - a)/d] + 1, exactly for exact bounds, with a little tolerance for reals
	// so that Range[0, 0.3, 0.1] ends at 0.3
	var count float64
	_, ar := a.(Real)
	_, br := b.(Real)
	_, dr := d.(Real)
	if ar || br || dr {
		af, _ := ToFloat(a)
		bf, _ := ToFloat(b)
		df, _ := ToFloat(d)
		q := (bf - af) / df
		count = math.Floor(q+1e-10*math.Max(1, math.Abs(q))) + 1
		if math.IsNaN(count) || math.IsInf(count, 0) {
			s.Message("Range", "range", c)
			return nil
		}
	} else {
		q := new(big.Rat).Quo(new(big.Rat).Sub(toRat(b), toRat(a)), toRat(d))
		f := floorRat(q)
		if !f.IsInt64() {
			count = math.Inf(int(f.Sign()))
		} else {
			count = float64(f.Int64()) + 1
		}
	}
	if count <= 0 {
		return inertList([]Expr{})
	}
	if count >= listMaxLen {
		s.Message("Range", "nomem")
		return nil
	}
	out := make([]Expr, int(count))
	for k := range out {
		out[k] = addNum(a, mulNum(Int(k), d))
	}
	return inertList(out)
}

func fnLength(s *Session, c *Normal) Expr {
	n, _ := seqLen(c.Args[0])
	return Int(n)
}

// ---------------------------------------------------------------------------------------------
// Part

func fnPart(s *Session, c *Normal) Expr {
	if len(c.Args) == 1 {
		return c.Args[0]
	}
	v, ok := s.partOf(c.Args[0], c.Args[1:], c)
	if !ok {
		return nil
	}
	// the part is evaluated, as Wolfram does: Hold[1 + 1][[1]] is 2
	return s.settle(v)
}

// partOf extracts the part of e given by specs; after a message it reports false.
func (s *Session) partOf(e Expr, specs []Expr, c *Normal) (Expr, bool) {
	if len(specs) == 0 {
		return e, true
	}
	spec, rest := specs[0], specs[1:]
	switch x := e.(type) {
	case *Normal:
		return s.partNormal(x, spec, rest, c)
	case *Assoc:
		return s.partAssoc(x, spec, rest, c)
	case *ByteArray:
		return s.partBytes(x, spec, rest, c)
	}
	if k, ok := spec.(Int); ok && k == 0 {
		return s.partOf(HeadOf(e), rest, c)
	}
	s.Message("Part", "partd", c)
	return nil, false
}

// partIndex turns a position (negative from the end) into 0 for the head or 1..n, or false.
func partIndex(k, n int) (int, bool) {
	if k < 0 {
		k += n + 1
		if k <= 0 {
			return 0, false
		}
	}
	return k, k <= n
}

// spanRange reads m ;; n ;; s for a sequence of length ln: the 0-based start, the count and
// the step; after a Part::take message (or pkspec1 for a malformed span) it reports false.
func (s *Session) spanRange(fn string, sp *Normal, ln int, whole Expr) (start, count, step int, ok bool) {
	if len(sp.Args) < 2 || len(sp.Args) > 3 {
		s.Message(fn, "pkspec1", sp)
		return 0, 0, 0, false
	}
	m, n, st := 1, -1, 1
	var dm, dn Expr = Int(1), Int(-1)
	if sp.Args[0] != SymAll {
		v, ok := machineInt(sp.Args[0])
		if !ok {
			s.Message(fn, "pkspec1", sp)
			return 0, 0, 0, false
		}
		m, dm = v, sp.Args[0]
	}
	if sp.Args[1] != SymAll {
		v, ok := machineInt(sp.Args[1])
		if !ok {
			s.Message(fn, "pkspec1", sp)
			return 0, 0, 0, false
		}
		n, dn = v, sp.Args[1]
	}
	if len(sp.Args) == 3 {
		v, ok := machineInt(sp.Args[2])
		if !ok {
			s.Message(fn, "pkspec1", sp)
			return 0, 0, 0, false
		}
		st = v
	}
	start, count, ok = seqRange(ln, m, n, st)
	if !ok {
		s.Message(fn, "take", dm, dn, whole)
		return 0, 0, 0, false
	}
	return start, count, st, true
}

// seqRange resolves positions m through n in steps of st of a sequence of length ln (negative
// positions count from the end) into a 0-based start and a count; ok is false when the
// positions fall outside the sequence. An empty range just past either end is allowed, as
// Take[list, {n + 1, n}] is {}.
func seqRange(ln, m, n, st int) (start, count int, ok bool) {
	if st == 0 || st > 1<<62 || st < -(1<<62) {
		return 0, 0, false
	}
	if m < 0 {
		m += ln + 1
	}
	if n < 0 {
		n += ln + 1
	}
	if st > 0 {
		if m > n {
			// only the empty run just past an end (m = n + 1) is allowed, as in Wolfram:
			// Take[l, {3, 2}] is {}, Take[l, {3, 1}] is an error
			return 0, 0, m == n+1 && m >= 1 && m <= ln+1
		}
		if m < 1 || n > ln {
			return 0, 0, false
		}
		return m - 1, (n-m)/st + 1, true
	}
	if m < n {
		return 0, 0, n == m+1 && m >= 0 && m <= ln
	}
	if n < 1 || m > ln {
		return 0, 0, false
	}
	return m - 1, (m-n)/(-st) + 1, true
}

func (s *Session) partNormal(x *Normal, spec Expr, rest []Expr, c *Normal) (Expr, bool) {
	n := len(x.Args)
	switch p := spec.(type) {
	case Int, *BigInt:
		k, _ := machineInt(p)
		i, ok := partIndex(k, n)
		if !ok {
			s.Message("Part", "partw", p, x)
			return nil, false
		}
		if i == 0 {
			return s.partOf(x.Head, rest, c)
		}
		return s.partOf(x.Args[i-1], rest, c)
	case *Symbol:
		if p == SymAll {
			return s.partMany(x.Head, x.Args, rest, c)
		}
	case *Normal:
		switch p.Head {
		case SymList:
			picked := make([]Expr, len(p.Args))
			for j, q := range p.Args {
				k, ok := machineInt(q)
				if !ok {
					s.Message("Part", "pkspec1", spec)
					return nil, false
				}
				i, ok := partIndex(k, n)
				if !ok {
					s.Message("Part", "partw", q, x)
					return nil, false
				}
				if i == 0 {
					picked[j] = x.Head
				} else {
					picked[j] = x.Args[i-1]
				}
			}
			return s.partMany(x.Head, picked, rest, c)
		case SymSpan:
			start, count, step, ok := s.spanRange("Part", p, n, x)
			if !ok {
				return nil, false
			}
			picked := make([]Expr, count)
			for j := range picked {
				picked[j] = x.Args[start+j*step]
			}
			return s.partMany(x.Head, picked, rest, c)
		}
	}
	s.Message("Part", "pkspec1", spec)
	return nil, false
}

// partMany goes on with the remaining specifications in each picked element and wraps the
// results in head.
func (s *Session) partMany(head Expr, elems, rest []Expr, c *Normal) (Expr, bool) {
	if len(rest) == 0 {
		return &Normal{Head: head, Args: elems[:len(elems):len(elems)]}, true
	}
	out := make([]Expr, len(elems))
	for i, e := range elems {
		v, ok := s.partOf(e, rest, c)
		if !ok {
			return nil, false
		}
		out[i] = v
	}
	return &Normal{Head: head, Args: out}, true
}

func (s *Session) partAssoc(a *Assoc, spec Expr, rest []Expr, c *Normal) (Expr, bool) {
	n := a.Len()
	// a key (a string, or Key[k]) looks up; a missing key gives Missing["KeyAbsent", k]
	lookup := func(k Expr) Expr {
		if v, ok := a.Get(k); ok {
			return v
		}
		return missingKey(k)
	}
	// several entries: a sub-association, each value taken further by rest
	many := func(idx []int, keys []Expr) (Expr, bool) {
		out := NewAssoc()
		for j, i := range idx {
			var k, v Expr
			delayed := false
			if i >= 0 {
				k, v, delayed = a.keys[i], a.vals[i], a.delay[i]
			} else {
				k, v = keys[j], missingKey(keys[j])
			}
			v, ok := s.partOf(v, rest, c)
			if !ok {
				return nil, false
			}
			out.Set(k, v, delayed)
		}
		return out, true
	}
	switch p := spec.(type) {
	case Int, *BigInt:
		k, _ := machineInt(p)
		i, ok := partIndex(k, n)
		if !ok {
			s.Message("Part", "partw", p, a)
			return nil, false
		}
		if i == 0 {
			return s.partOf(SymAssociation, rest, c)
		}
		return s.partOf(a.vals[i-1], rest, c)
	case String:
		return s.partOf(lookup(p), rest, c)
	case *Symbol:
		if p == SymAll {
			idx := make([]int, n)
			for i := range idx {
				idx[i] = i
			}
			return many(idx, nil)
		}
	case *Normal:
		switch p.Head {
		case symKey:
			if len(p.Args) == 1 {
				return s.partOf(lookup(p.Args[0]), rest, c)
			}
		case SymSpan:
			start, count, step, ok := s.spanRange("Part", p, n, a)
			if !ok {
				return nil, false
			}
			idx := make([]int, count)
			for j := range idx {
				idx[j] = start + j*step
			}
			return many(idx, nil)
		case SymList:
			idx := make([]int, len(p.Args))
			keys := make([]Expr, len(p.Args))
			for j, q := range p.Args {
				switch qq := q.(type) {
				case Int, *BigInt:
					k, _ := machineInt(qq)
					i, ok := partIndex(k, n)
					if !ok || i == 0 {
						s.Message("Part", "partw", q, a)
						return nil, false
					}
					idx[j] = i - 1
					continue
				case String:
					keys[j] = qq
				case *Normal:
					if qq.Head != symKey || len(qq.Args) != 1 {
						s.Message("Part", "pkspec1", spec)
						return nil, false
					}
					keys[j] = qq.Args[0]
				default:
					s.Message("Part", "pkspec1", spec)
					return nil, false
				}
				idx[j] = a.find(keys[j])
			}
			return many(idx, keys)
		}
	}
	s.Message("Part", "pkspec1", spec)
	return nil, false
}

func (s *Session) partBytes(b *ByteArray, spec Expr, rest []Expr, c *Normal) (Expr, bool) {
	n := len(b.B)
	// a byte is an integer: anything deeper does not exist
	deeper := func(v Expr) (Expr, bool) {
		if len(rest) > 0 {
			return s.partOf(v, rest, c)
		}
		return v, true
	}
	switch p := spec.(type) {
	case Int, *BigInt:
		k, _ := machineInt(p)
		i, ok := partIndex(k, n)
		if !ok {
			s.Message("Part", "partw", p, b)
			return nil, false
		}
		if i == 0 {
			return deeper(SymByteArray)
		}
		return deeper(Int(b.B[i-1]))
	case *Symbol:
		if p == SymAll && len(rest) == 0 {
			return b, true
		}
	case *Normal:
		if len(rest) > 0 {
			break
		}
		switch p.Head {
		case SymSpan:
			start, count, step, ok := s.spanRange("Part", p, n, b)
			if !ok {
				return nil, false
			}
			out := make([]byte, count)
			for j := range out {
				out[j] = b.B[start+j*step]
			}
			return &ByteArray{B: out}, true
		case SymList:
			out := make([]byte, len(p.Args))
			for j, q := range p.Args {
				k, ok := machineInt(q)
				if !ok {
					s.Message("Part", "pkspec1", spec)
					return nil, false
				}
				i, ok := partIndex(k, n)
				if !ok || i == 0 {
					s.Message("Part", "partw", q, b)
					return nil, false
				}
				out[j] = b.B[i-1]
			}
			return &ByteArray{B: out}, true
		}
	}
	if len(rest) > 0 {
		s.Message("Part", "partd", c)
		return nil, false
	}
	s.Message("Part", "pkspec1", spec)
	return nil, false
}

// ---------------------------------------------------------------------------------------------
// Take, Drop

// seqSpec is a sequence specification: positions m through n in steps of st, with the
// positions as the messages show them.
type seqSpec struct {
	m, n, st int
	dm, dn   Expr
}

// seqSpecOf reads n, -n, {n}, {m, n}, {m, n, s}, m ;; n ;; s, All, None and UpTo[n] for a
// sequence of length ln.
func seqSpecOf(e Expr, ln int) (seqSpec, bool) {
	switch x := e.(type) {
	case Int, *BigInt:
		k, _ := machineInt(x)
		if k >= 0 {
			return seqSpec{1, k, 1, Int(1), x}, true
		}
		return seqSpec{k, -1, 1, x, Int(-1)}, true
	case *Symbol:
		switch x {
		case SymAll:
			return seqSpec{1, -1, 1, Int(1), Int(-1)}, true
		case SymNone:
			return seqSpec{1, 0, 1, Int(1), Int(0)}, true
		}
	case *Normal:
		switch {
		case x.Head == SymList && len(x.Args) >= 1 && len(x.Args) <= 3:
			var v [3]int
			for i, a := range x.Args {
				k, ok := machineInt(a)
				if !ok {
					return seqSpec{}, false
				}
				v[i] = k
			}
			switch len(x.Args) {
			case 1:
				return seqSpec{v[0], v[0], 1, x.Args[0], x.Args[0]}, true
			case 2:
				return seqSpec{v[0], v[1], 1, x.Args[0], x.Args[1]}, true
			}
			if v[2] == 0 {
				return seqSpec{}, false
			}
			return seqSpec{v[0], v[1], v[2], x.Args[0], x.Args[1]}, true
		case x.Head == SymSpan && (len(x.Args) == 2 || len(x.Args) == 3):
			sp := seqSpec{1, -1, 1, Int(1), Int(-1)}
			if x.Args[0] != SymAll {
				k, ok := machineInt(x.Args[0])
				if !ok {
					return seqSpec{}, false
				}
				sp.m, sp.dm = k, x.Args[0]
			}
			if x.Args[1] != SymAll {
				k, ok := machineInt(x.Args[1])
				if !ok {
					return seqSpec{}, false
				}
				sp.n, sp.dn = k, x.Args[1]
			}
			if len(x.Args) == 3 {
				k, ok := machineInt(x.Args[2])
				if !ok || k == 0 {
					return seqSpec{}, false
				}
				sp.st = k
			}
			return sp, true
		case x.Head == symUpTo && len(x.Args) == 1:
			k, ok := machineInt(x.Args[0])
			if !ok || k < 0 {
				return seqSpec{}, false
			}
			return seqSpec{1, min(k, ln), 1, Int(1), x.Args[0]}, true
		}
	}
	return seqSpec{}, false
}

func fnTake(s *Session, c *Normal) Expr { return s.takeDropCall("Take", c, false) }

func fnDrop(s *Session, c *Normal) Expr { return s.takeDropCall("Drop", c, true) }

func (s *Session) takeDropCall(fn string, c *Normal, drop bool) Expr {
	if len(c.Args) == 1 {
		return c.Args[0]
	}
	if _, ok := seqLen(c.Args[0]); !ok {
		return s.notNormal(fn, 1, c)
	}
	v, ok := s.takeDrop(fn, c.Args[0], c.Args[1:], c, drop)
	if !ok {
		return nil
	}
	return s.settle(v)
}

// takeDrop applies the first sequence specification at the top level of e and the rest to each
// of the elements kept.
func (s *Session) takeDrop(fn string, e Expr, specs []Expr, c *Normal, drop bool) (Expr, bool) {
	if len(specs) == 0 {
		return e, true
	}
	ln, ok := seqLen(e)
	if !ok {
		s.Message(fn, "partd", c)
		return nil, false
	}
	sp, ok := seqSpecOf(specs[0], ln)
	if !ok {
		s.Message(fn, "seqs", c, Int(len(c.Args)-len(specs)+1))
		return nil, false
	}
	start, count, ok := seqRange(ln, sp.m, sp.n, sp.st)
	if !ok {
		tag := "take"
		if drop {
			tag = "drop"
		}
		s.Message(fn, tag, sp.dm, sp.dn, e)
		return nil, false
	}
	var idx []int
	if drop {
		gone := make([]bool, ln)
		for j := 0; j < count; j++ {
			gone[start+j*sp.st] = true
		}
		idx = make([]int, 0, ln-count)
		for i := range gone {
			if !gone[i] {
				idx = append(idx, i)
			}
		}
	} else {
		idx = make([]int, count)
		for j := range idx {
			idx[j] = start + j*sp.st
		}
	}
	rest := specs[1:]
	switch x := e.(type) {
	case *ByteArray:
		if len(rest) > 0 {
			s.Message(fn, "partd", c)
			return nil, false
		}
		out := make([]byte, len(idx))
		for j, i := range idx {
			out[j] = x.B[i]
		}
		return &ByteArray{B: out}, true
	case *Assoc:
		out := NewAssoc()
		for _, i := range idx {
			v, ok := s.takeDrop(fn, x.vals[i], rest, c, drop)
			if !ok {
				return nil, false
			}
			out.Set(x.keys[i], v, x.delay[i])
		}
		return out, true
	}
	x := e.(*Normal)
	out := make([]Expr, len(idx))
	for j, i := range idx {
		v, ok := s.takeDrop(fn, x.Args[i], rest, c, drop)
		if !ok {
			return nil, false
		}
		out[j] = v
	}
	return &Normal{Head: x.Head, Args: out}, true
}

// ---------------------------------------------------------------------------------------------
// First, Last, Rest, Most

func fnFirst(s *Session, c *Normal) Expr { return s.firstLast("First", "nofirst", c, true) }

func fnLast(s *Session, c *Normal) Expr { return s.firstLast("Last", "nolast", c, false) }

func (s *Session) firstLast(fn, tag string, c *Normal, first bool) Expr {
	e := c.Args[0]
	n, ok := seqLen(e)
	if !ok {
		return s.notNormal(fn, 1, c)
	}
	if n == 0 {
		if len(c.Args) == 2 {
			return c.Args[1]
		}
		s.Message(fn, tag, e)
		return nil
	}
	if first {
		return seqAt(e, 0)
	}
	return seqAt(e, n-1)
}

func fnRest(s *Session, c *Normal) Expr { return s.restMost("Rest", "norest", c, true) }

func fnMost(s *Session, c *Normal) Expr { return s.restMost("Most", "nomost", c, false) }

func (s *Session) restMost(fn, tag string, c *Normal, rest bool) Expr {
	e := c.Args[0]
	n, ok := seqLen(e)
	if !ok {
		return s.notNormal(fn, 1, c)
	}
	if n == 0 {
		s.Message(fn, tag, e)
		return nil
	}
	lo, hi := 0, n-1
	if rest {
		lo, hi = 1, n
	}
	switch x := e.(type) {
	case *ByteArray:
		return &ByteArray{B: append([]byte(nil), x.B[lo:hi]...)}
	case *Assoc:
		idx := make([]int, 0, n-1)
		for i := lo; i < hi; i++ {
			idx = append(idx, i)
		}
		return subAssoc(x, idx)
	}
	x := e.(*Normal)
	// a full slice expression, so that appending to the result cannot write into x
	return s.settle(&Normal{Head: x.Head, Args: x.Args[lo:hi:hi]})
}

// ---------------------------------------------------------------------------------------------
// Append, Prepend, AppendTo, PrependTo

func fnAppend(s *Session, c *Normal) Expr {
	if len(c.Args) == 1 {
		return nil // the operator form Append[elem]
	}
	v, ok := s.appendElem("Append", c.Args[0], c.Args[1], c, true)
	if !ok {
		return nil
	}
	return v
}

func fnPrepend(s *Session, c *Normal) Expr {
	if len(c.Args) == 1 {
		return nil
	}
	v, ok := s.appendElem("Prepend", c.Args[0], c.Args[1], c, false)
	if !ok {
		return nil
	}
	return v
}

// appendElem adds elem at the end (or the start) of e; to an association it adds rules.
func (s *Session) appendElem(fn string, e, elem Expr, c *Normal, atEnd bool) (Expr, bool) {
	switch x := e.(type) {
	case *Normal:
		if atEnd {
			n := len(x.Args)
			var out []Expr
			if x.growable && cap(x.Args) > n {
				// the slot past x's last element is x's to give, once: x's own elements are
				// untouched, and a second append from x copies
				out = x.Args[:n+1]
				x.growable = false
			} else {
				out = make([]Expr, n+1, max(8, 2*(n+1)))
				copy(out, x.Args)
			}
			out[n] = elem
			l := &Normal{Head: x.Head, Args: out, growable: true}
			if x.Head == SymList && x.inert && literal(elem) {
				l.inert = true // known without looking at every element again
				return l, true
			}
			return s.settle(l), true
		}
		out := make([]Expr, len(x.Args)+1)
		{
			out[0] = elem
			copy(out[1:], x.Args)
		}
		return s.settle(&Normal{Head: x.Head, Args: out}), true
	case *Assoc:
		add, ok := assocOf(elem)
		if !ok {
			s.Message(fn, "invrl", elem)
			return nil, false
		}
		var out *Assoc
		if atEnd {
			out = x.clone()
			for i, k := range add.keys {
				out.Set(k, add.vals[i], add.delay[i])
			}
		} else {
			// entries already in x keep x's values, as Wolfram's Prepend does
			out = add.clone()
			for i, k := range x.keys {
				out.Set(k, x.vals[i], x.delay[i])
			}
		}
		return out, true
	}
	s.notNormal(fn, 1, c)
	return nil, false
}

func fnAppendTo(s *Session, c *Normal) Expr { return s.appendTo("AppendTo", c, true) }

func fnPrependTo(s *Session, c *Normal) Expr { return s.appendTo("PrependTo", c, false) }

func (s *Session) appendTo(fn string, c *Normal, atEnd bool) Expr {
	target := c.Args[0]
	if sym, ok := target.(*Symbol); ok && sym.own == nil {
		s.Message(fn, "rvalue", sym)
		return nil
	}
	old := s.Eval(target)
	if old == target {
		s.Message(fn, "rvalue", target)
		return nil
	}
	nv, ok := s.appendElem(fn, old, c.Args[1], NewNormal(c.Head, old, c.Args[1]), atEnd)
	if !ok {
		return nil
	}
	if r := s.assign(target, nv, false, c); r == SymFailed {
		return SymFailed
	}
	return nv
}

// ---------------------------------------------------------------------------------------------
// Join, Flatten, Partition, Riffle

func fnJoin(s *Session, c *Normal) Expr {
	parts := c.Args
	level := 1
	// Join[l1, l2, …, n]: a trailing integer after expressions with parts is a level
	if len(parts) >= 2 {
		if k, ok := parts[len(parts)-1].(Int); ok && k >= 1 {
			allParts := true
			for _, p := range parts[:len(parts)-1] {
				if _, ok := seqLen(p); !ok {
					allParts = false
				}
			}
			if allParts {
				level, parts = int(k), parts[:len(parts)-1]
			}
		}
	}
	for i, p := range parts {
		if _, ok := seqLen(p); !ok {
			return s.notNormal("Join", i+1, c)
		}
	}
	v, ok := s.joinAt(parts, level, c)
	if !ok {
		return nil
	}
	return s.settle(v)
}

// joinAt joins parts at the given level: at level 1 their elements are concatenated; deeper,
// their i-th elements are joined (ragged parts contribute what they have).
func (s *Session) joinAt(parts []Expr, level int, c *Normal) (Expr, bool) {
	if len(parts) == 0 {
		return inertList([]Expr{}), true
	}
	for i := 1; i < len(parts); i++ {
		// the same head, and the same kind of value: an unevaluated ByteArray[x] has the head
		// of a byte array without being one
		if !SameQ(HeadOf(parts[i]), HeadOf(parts[0])) || !sameKind(parts[i], parts[0]) {
			s.Message("Join", "heads", HeadOf(parts[0]), HeadOf(parts[i]), Int(1), Int(i+1))
			return nil, false
		}
	}
	if _, ok := parts[0].(*Normal); !ok {
		if _, ba := parts[0].(*ByteArray); !ba {
			if _, as := parts[0].(*Assoc); !as {
				s.Message("Join", "normal", Int(1), c)
				return nil, false
			}
		}
	}
	switch first := parts[0].(type) {
	case *ByteArray:
		if level != 1 {
			s.Message("Join", "partd", c)
			return nil, false
		}
		total := 0
		for _, p := range parts {
			total += len(p.(*ByteArray).B)
		}
		if total > byteArrayMaxLen {
			s.Message("Join", "nomem")
			return nil, false
		}
		out := make([]byte, 0, total)
		for _, p := range parts {
			out = append(out, p.(*ByteArray).B...)
		}
		return &ByteArray{B: out}, true
	case *Assoc:
		out := first.clone()
		for _, p := range parts[1:] {
			a := p.(*Assoc)
			for i, k := range a.keys {
				out.Set(k, a.vals[i], a.delay[i])
			}
		}
		return out, true
	}
	head := parts[0].(*Normal).Head
	if level == 1 {
		total := 0
		for _, p := range parts {
			total += len(p.(*Normal).Args)
		}
		if total > listMaxLen {
			s.Message("Join", "nomem")
			return nil, false
		}
		out := make([]Expr, 0, total)
		for _, p := range parts {
			out = append(out, p.(*Normal).Args...)
		}
		return &Normal{Head: head, Args: out}, true
	}
	longest := 0
	for _, p := range parts {
		longest = max(longest, len(p.(*Normal).Args))
	}
	out := make([]Expr, longest)
	for i := range out {
		var row []Expr
		for _, p := range parts {
			if args := p.(*Normal).Args; i < len(args) {
				if _, ok := seqLen(args[i]); !ok {
					s.Message("Join", "partd", c)
					return nil, false
				}
				row = append(row, args[i])
			}
		}
		v, ok := s.joinAt(row, level-1, c)
		if !ok {
			return nil, false
		}
		out[i] = v
	}
	return &Normal{Head: head, Args: out}, true
}

func fnFlatten(s *Session, c *Normal) Expr {
	x, ok := c.Args[0].(*Normal)
	if !ok {
		if _, isAssoc := c.Args[0].(*Assoc); isAssoc && len(c.Args) == 1 {
			return c.Args[0]
		}
		return s.notNormal("Flatten", 1, c)
	}
	depth := math.MaxInt
	if len(c.Args) >= 2 {
		switch n := c.Args[1].(type) {
		case Int:
			depth = max(int(n), 0)
		case *BigInt:
			if n.V.Sign() < 0 {
				depth = 0
			}
		default:
			if n != SymInfinity {
				s.Message("Flatten", "flpi", c.Args[1])
				return nil
			}
		}
	}
	head := x.Head
	if len(c.Args) == 3 {
		head = c.Args[2]
	}
	var out []Expr
	// shared sublists can make the result far larger than the input: it is bounded
	tooLong := false
	var walk func(args []Expr, d int)
	walk = func(args []Expr, d int) {
		for _, a := range args {
			if tooLong {
				return
			}
			if n, ok := a.(*Normal); ok && d > 0 && SameQ(n.Head, head) {
				walkDeeper(depth - d)
				walk(n.Args, d-1)
				continue
			}
			out = append(out, a)
			if len(out)&0xffff == 0 {
				tooLong = len(out) > listMaxLen
				s.checkAbort()
			}
		}
	}
	walk(x.Args, depth)
	if tooLong {
		s.Message("Flatten", "nomem")
		return nil
	}
	if out == nil {
		out = []Expr{}
	}
	return s.settle(&Normal{Head: x.Head, Args: out})
}

func fnPartition(s *Session, c *Normal) Expr {
	x, ok := c.Args[0].(*Normal)
	if !ok {
		return s.notNormal("Partition", 1, c)
	}
	upTo := false
	size := c.Args[1]
	if u, ok := size.(*Normal); ok && u.Head == symUpTo && len(u.Args) == 1 {
		upTo, size = true, u.Args[0]
	}
	n, ok := size.(Int)
	if !ok || n <= 0 {
		s.Message("Partition", "ilsmp", Int(2), c)
		return nil
	}
	d := n
	if len(c.Args) == 3 {
		dd, ok := c.Args[2].(Int)
		if !ok || dd <= 0 {
			s.Message("Partition", "ilsmp", Int(3), c)
			return nil
		}
		d = dd
	}
	ln := int64(len(x.Args))
	var pieces int64
	switch {
	case upTo:
		if ln > 0 {
			pieces = (ln-1)/int64(d) + 1
		}
	case ln >= int64(n):
		pieces = (ln-int64(n))/int64(d) + 1
	}
	// the pieces share x's elements (at most len(x) pieces), and are inert when x is
	out := make([]Expr, pieces)
	for k := range out {
		lo := int64(k) * int64(d)
		hi := lo + min(int64(n), ln-lo)
		out[k] = &Normal{Head: x.Head, Args: x.Args[lo:hi:hi], inert: x.inert}
	}
	return s.settle(&Normal{Head: x.Head, Args: out})
}

func fnRiffle(s *Session, c *Normal) Expr {
	x, ok := c.Args[0].(*Normal)
	if !ok {
		return s.notNormal("Riffle", 1, c)
	}
	n := len(x.Args)
	var out []Expr
	if len(c.Args) == 3 {
		// Riffle[list, x, k]: x at positions k, 2k, … while elements remain
		k, ok := c.Args[2].(Int)
		if !ok || k < 2 {
			s.Message("Riffle", "intp", c, Int(3))
			return nil
		}
		out = make([]Expr, 0, n+n/int(k-1)+1)
		for i, a := range x.Args {
			out = append(out, a)
			if (len(out)+1)%int(k) == 0 && i < n-1 {
				out = append(out, c.Args[1])
			}
		}
		return s.settle(&Normal{Head: x.Head, Args: out})
	}
	sep := []Expr{c.Args[1]}
	trailing := false
	if l, ok := c.Args[1].(*Normal); ok && l.Head == SymList {
		sep = l.Args
		// as many separators as elements: the last one ends the result
		trailing = len(sep) == n && n > 0
	}
	out = make([]Expr, 0, 2*n)
	for i, a := range x.Args {
		out = append(out, a)
		if len(sep) > 0 && (i < n-1 || trailing) {
			out = append(out, sep[i%len(sep)])
		}
	}
	return s.settle(&Normal{Head: x.Head, Args: out})
}

// ---------------------------------------------------------------------------------------------
// Total, Accumulate, Sum

// sumNumbers adds a run of numbers without evaluation; ok is false when one is not a number.
// Machine integers are added in an int64 until one would overflow.
func (s *Session) sumNumbers(args []Expr) (Expr, bool) {
	var acc int64
	i := 0
	for ; i < len(args); i++ {
		x, ok := args[i].(Int)
		if !ok {
			break
		}
		sum := acc + int64(x)
		if (acc >= 0) == (x >= 0) && (sum >= 0) != (acc >= 0) {
			break
		}
		acc = sum
	}
	if i == len(args) {
		return Int(acc), true
	}
	var total Expr = Int(acc)
	for ; i < len(args); i++ {
		if !isNumber(args[i]) {
			return nil, false
		}
		total = addNum(total, args[i])
		if i&0xffff == 0 {
			s.checkAbort()
		}
	}
	return total, true
}

// sumVectors adds lists of numbers of one length elementwise, as Total of a matrix does.
func (s *Session) sumVectors(args []Expr) (Expr, bool) {
	if len(args) == 0 {
		return nil, false
	}
	first, ok := args[0].(*Normal)
	if !ok || first.Head != SymList {
		return nil, false
	}
	width := len(first.Args)
	for _, a := range args {
		l, ok := a.(*Normal)
		if !ok || l.Head != SymList || len(l.Args) != width {
			return nil, false
		}
		for _, e := range l.Args {
			if !isNumber(e) {
				return nil, false
			}
		}
	}
	out := make([]Expr, width)
	for j := range out {
		var acc Expr = Int(0)
		for _, a := range args {
			acc = addNum(acc, a.(*Normal).Args[j])
		}
		out[j] = acc
	}
	return inertList(out), true
}

// total adds the elements: numbers directly, lists of numbers elementwise, anything else by
// evaluating Plus[…].
func (s *Session) total(args []Expr) Expr {
	switch len(args) {
	case 0:
		return Int(0)
	case 1:
		return args[0]
	}
	if v, ok := s.sumNumbers(args); ok {
		return v
	}
	if v, ok := s.sumVectors(args); ok {
		return v
	}
	return s.Eval(&Normal{Head: SymPlus, Args: args})
}

func fnTotal(s *Session, c *Normal) Expr {
	elems, ok := elementsOf(c.Args[0])
	if !ok {
		return c.Args[0]
	}
	if len(c.Args) == 1 {
		return s.total(elems)
	}
	switch n := c.Args[1].(type) {
	case Int:
		// Total[list, n] adds everything down to level n
		return s.total(flattenLists(elems, int(n)-1))
	case *Symbol:
		if n == SymInfinity {
			return s.total(flattenLists(elems, math.MaxInt))
		}
	case *Normal:
		// Total[list, {n}] totals at level n: Total at level n - 1 of each
		if n.Head == SymList && len(n.Args) == 1 {
			if k, ok := n.Args[0].(Int); ok && k >= 1 {
				var at func(e Expr, lvl int) Expr
				at = func(e Expr, lvl int) Expr {
					if lvl == 1 {
						if el, ok := elementsOf(e); ok {
							return s.total(el)
						}
						return e
					}
					x, ok := e.(*Normal)
					if !ok {
						return e
					}
					out := make([]Expr, len(x.Args))
					for i, a := range x.Args {
						out[i] = at(a, lvl-1)
					}
					return s.settle(&Normal{Head: x.Head, Args: out})
				}
				return at(c.Args[0], int(k))
			}
		}
	}
	s.Message("Total", "level", c.Args[1])
	return nil
}

// flattenLists splices nested lists into one run of elements, down to depth more levels.
func flattenLists(args []Expr, depth int) []Expr { return flattenListsAt(args, depth, 0) }

func flattenListsAt(args []Expr, depth, level int) []Expr {
	if depth <= 0 {
		return args
	}
	walkDeeper(level)
	nested := false
	for _, a := range args {
		if IsList(a) {
			nested = true
			break
		}
	}
	if !nested {
		return args
	}
	var out []Expr
	for _, a := range args {
		if IsList(a) {
			out = append(out, flattenListsAt(a.(*Normal).Args, depth-1, level+1)...)
		} else {
			out = append(out, a)
		}
	}
	return out
}

func fnAccumulate(s *Session, c *Normal) Expr {
	switch x := c.Args[0].(type) {
	case *Normal:
		out := make([]Expr, len(x.Args))
		var acc Expr
		for i, a := range x.Args {
			switch {
			case i == 0:
				acc = a
			case isNumber(acc) && isNumber(a):
				acc = addNum(acc, a)
			default:
				acc = s.Eval(NewNormal(SymPlus, acc, a))
			}
			out[i] = acc
			if i&0xffff == 0 {
				s.checkAbort()
			}
		}
		return s.settle(&Normal{Head: x.Head, Args: out})
	case *Assoc:
		out := x.clone()
		var acc Expr
		for i, a := range x.vals {
			if i == 0 {
				acc = a
			} else {
				acc = s.plus2(acc, a)
			}
			out.vals[i] = acc
		}
		return out
	}
	return s.notNormal("Accumulate", 1, c)
}

func fnSum(s *Session, c *Normal) Expr {
	body := c.Args[0]
	// machine integers are added in an int64 (no boxing per term), other numbers in num, and
	// anything symbolic is kept for one Plus at the end
	var acc int64
	var num Expr = Int(0)
	var terms []Expr
	ok := s.each("Sum", c.Args[1:], func() {
		s.checkAbort()
		v := s.Eval(body)
		if x, isInt := v.(Int); isInt {
			sum := acc + int64(x)
			if (acc >= 0) == (x >= 0) && (sum >= 0) != (acc >= 0) {
				num, sum = addNum(num, Int(acc)), int64(x)
			}
			acc = sum
		} else if isNumber(v) {
			num = addNum(num, v)
		} else {
			terms = append(terms, v)
		}
	})
	if !ok {
		return nil
	}
	num = addNum(num, Int(acc))
	if len(terms) == 0 {
		return num
	}
	return s.Eval(&Normal{Head: SymPlus, Args: append(terms, num)})
}

// ---------------------------------------------------------------------------------------------
// Sort, SortBy, Reverse

func fnSort(s *Session, c *Normal) Expr {
	elems, ok := elementsOf(c.Args[0])
	if !ok {
		return s.notNormal("Sort", 1, c)
	}
	var before func(a, b Expr) bool
	if len(c.Args) == 2 {
		p := c.Args[1]
		// an ordering function gives True or 1 when a comes first, 0 when a and b are equal
		// (they keep their order), False or -1 when b comes first
		before = func(a, b Expr) bool {
			r := s.Apply(p, a, b)
			return r == SymTrue || r == Int(1) || r == Int(0)
		}
	}
	if a, isAssoc := c.Args[0].(*Assoc); isAssoc {
		idx := s.sortIndex(a.vals, before)
		return subAssoc(a, idx)
	}
	x := c.Args[0].(*Normal)
	idx := s.sortIndex(elems, before)
	out := make([]Expr, len(idx))
	for j, i := range idx {
		out[j] = elems[i]
	}
	return s.settle(&Normal{Head: x.Head, Args: out})
}

// sortIndex gives the order of elems: canonical order when before is nil, else a stable merge
// sort in which a goes before b when before(a, b) (p[a, b] is True).
func (s *Session) sortIndex(elems []Expr, before func(a, b Expr) bool) []int {
	idx := make([]int, len(elems))
	for i := range idx {
		idx[i] = i
	}
	if before == nil {
		// machine integers, the common case, compare directly
		ints := make([]int64, len(elems))
		for i, e := range elems {
			x, ok := e.(Int)
			if !ok {
				ints = nil
				break
			}
			ints[i] = int64(x)
		}
		if ints != nil {
			slices.SortStableFunc(idx, func(i, j int) int { return cmp.Compare(ints[i], ints[j]) })
			return idx
		}
		slices.SortStableFunc(idx, func(i, j int) int { return Order(elems[i], elems[j]) })
		return idx
	}
	buf := make([]int, len(idx))
	for width := 1; width < len(idx); width *= 2 {
		for lo := 0; lo < len(idx); lo += 2 * width {
			mid := min(lo+width, len(idx))
			hi := min(lo+2*width, len(idx))
			i, j, k := lo, mid, lo
			for i < mid && j < hi {
				if before(elems[idx[i]], elems[idx[j]]) {
					buf[k], i = idx[i], i+1
				} else {
					buf[k], j = idx[j], j+1
				}
				k++
			}
			k += copy(buf[k:], idx[i:mid])
			copy(buf[k:], idx[j:hi])
		}
		idx, buf = buf, idx
	}
	return idx
}

func fnSortBy(s *Session, c *Normal) Expr {
	if len(c.Args) == 1 {
		return nil
	}
	elems, ok := elementsOf(c.Args[0])
	if !ok {
		return s.notNormal("SortBy", 1, c)
	}
	f := c.Args[1]
	keys := make([]Expr, len(elems))
	for i, e := range elems {
		// SortBy[list, {f1, f2}] compares the lists {f1[e], f2[e]}
		if fl, ok := f.(*Normal); ok && fl.Head == SymList {
			k := make([]Expr, len(fl.Args))
			for j, fj := range fl.Args {
				k[j] = s.Apply(fj, e)
			}
			keys[i] = List(k...)
		} else {
			keys[i] = s.Apply(f, e)
		}
	}
	idx := make([]int, len(elems))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		if o := Order(keys[i], keys[j]); o != 0 {
			return o
		}
		return Order(elems[i], elems[j])
	})
	return s.pick(c.Args[0], elems, idx)
}

func fnReverse(s *Session, c *Normal) Expr {
	switch x := c.Args[0].(type) {
	case *Normal:
		n := len(x.Args)
		out := make([]Expr, n)
		for i, a := range x.Args {
			out[n-1-i] = a
		}
		return s.settle(&Normal{Head: x.Head, Args: out})
	case *ByteArray:
		n := len(x.B)
		out := make([]byte, n)
		for i, b := range x.B {
			out[n-1-i] = b
		}
		return &ByteArray{B: out}
	case *Assoc:
		idx := make([]int, x.Len())
		for i := range idx {
			idx[i] = len(idx) - 1 - i
		}
		return subAssoc(x, idx)
	}
	return s.notNormal("Reverse", 1, c)
}

// ---------------------------------------------------------------------------------------------
// Union, Intersection, Complement, DeleteDuplicates, Tally, Counts

// setOpFn builds Union, Intersection and Complement: the arguments must share a head; the
// result is sorted canonically, without duplicates.
func setOpFn(fn string) func(*Session, *Normal) Expr {
	return func(s *Session, c *Normal) Expr {
		if len(c.Args) == 0 {
			return inertList([]Expr{})
		}
		for i, a := range c.Args {
			if _, ok := a.(*Normal); !ok {
				return s.notNormal(fn, i+1, c)
			}
			if i > 0 && !SameQ(a.(*Normal).Head, c.Args[0].(*Normal).Head) {
				s.Message(fn, "heads", c.Args[0].(*Normal).Head, a.(*Normal).Head, Int(1), Int(i+1))
				return nil
			}
		}
		head := c.Args[0].(*Normal).Head
		var out []Expr
		switch fn {
		case "Union":
			seen := newExprIndex(0)
			for _, a := range c.Args {
				for _, e := range a.(*Normal).Args {
					seen.add(e)
				}
			}
			out = seen.items
		case "Intersection":
			seen := newExprIndex(0)
			for _, e := range c.Args[0].(*Normal).Args {
				seen.add(e)
			}
			for _, a := range c.Args[1:] {
				other := newExprIndex(len(a.(*Normal).Args))
				for _, e := range a.(*Normal).Args {
					other.add(e)
				}
				next := newExprIndex(0)
				for _, e := range seen.items {
					if other.find(e) >= 0 {
						next.add(e)
					}
				}
				seen = next
			}
			out = seen.items
		default: // Complement
			drop := newExprIndex(0)
			for _, a := range c.Args[1:] {
				for _, e := range a.(*Normal).Args {
					drop.add(e)
				}
			}
			seen := newExprIndex(0)
			for _, e := range c.Args[0].(*Normal).Args {
				if drop.find(e) < 0 {
					seen.add(e)
				}
			}
			out = seen.items
		}
		if out == nil {
			out = []Expr{}
		}
		sortCanonical(out)
		return s.settle(&Normal{Head: head, Args: out})
	}
}

// sameTest reports whether a and b are duplicates under test (SameQ when test is nil).
func (s *Session) sameTest(test Expr, a, b Expr) bool {
	if test == nil {
		return SameQ(a, b)
	}
	return s.Apply(test, a, b) == SymTrue
}

func fnDeleteDuplicates(s *Session, c *Normal) Expr {
	elems, ok := elementsOf(c.Args[0])
	if !ok {
		return s.notNormal("DeleteDuplicates", 1, c)
	}
	var keep []int
	if len(c.Args) == 1 {
		seen := newExprIndex(len(elems))
		for i, e := range elems {
			if _, isNew := seen.add(e); isNew {
				keep = append(keep, i)
			}
		}
	} else {
		for i, e := range elems {
			dup := false
			for _, j := range keep {
				if s.sameTest(c.Args[1], elems[j], e) {
					dup = true
					break
				}
			}
			if !dup {
				keep = append(keep, i)
			}
		}
	}
	return s.pick(c.Args[0], elems, keep)
}

// tally counts the distinct elements in order of first appearance.
func (s *Session) tally(elems []Expr, test Expr) ([]Expr, []int) {
	if test == nil {
		seen := newExprIndex(len(elems))
		var counts []int
		for i, e := range elems {
			j, isNew := seen.add(e)
			if isNew {
				counts = append(counts, 0)
			}
			counts[j]++
			if i&0xffff == 0 {
				s.checkAbort()
			}
		}
		return seen.items, counts
	}
	var items []Expr
	var counts []int
	for _, e := range elems {
		found := false
		for j, it := range items {
			if s.sameTest(test, it, e) {
				counts[j]++
				found = true
				break
			}
		}
		if !found {
			items = append(items, e)
			counts = append(counts, 1)
		}
	}
	return items, counts
}

func fnTally(s *Session, c *Normal) Expr {
	x, ok := c.Args[0].(*Normal)
	if !ok {
		return s.typeError("Tally", "list", 1, c)
	}
	var test Expr
	if len(c.Args) == 2 {
		test = c.Args[1]
	}
	items, counts := s.tally(x.Args, test)
	out := make([]Expr, len(items))
	for i, it := range items {
		out[i] = List(it, Int(counts[i]))
	}
	return s.settle(List(out...))
}

func fnCounts(s *Session, c *Normal) Expr {
	elems, ok := elementsOf(c.Args[0])
	if !ok {
		return s.typeError("Counts", "list", 1, c)
	}
	items, counts := s.tally(elems, nil)
	out := NewAssoc()
	for i, it := range items {
		out.Set(it, Int(counts[i]), false)
	}
	return out
}

// ---------------------------------------------------------------------------------------------
// Level specifications and the walk behind Map, Cases, Position and friends

// levelSpec is levels lo through hi. Non-negative levels count down from the whole expression
// (level 0); negative levels count up from the atoms: level -d is the parts of depth d.
type levelSpec struct{ lo, hi int }

const levelInf = math.MaxInt

var level1 = levelSpec{1, 1}

// levelArg reads n, {n}, {m, n}, Infinity and All.
func (s *Session) levelArg(fn string, e Expr) (levelSpec, bool) {
	lv := func(e Expr) (int, bool) {
		switch x := e.(type) {
		case Int, *BigInt:
			return machineInt(x)
		case *Symbol:
			if x == SymInfinity {
				return levelInf, true
			}
		}
		return 0, false
	}
	switch x := e.(type) {
	case *Symbol:
		switch x {
		case SymInfinity:
			return levelSpec{1, levelInf}, true
		case SymAll:
			return levelSpec{0, levelInf}, true
		}
	case Int, *BigInt:
		n, _ := machineInt(x)
		return levelSpec{1, n}, true
	case *Normal:
		if x.Head == SymList && (len(x.Args) == 1 || len(x.Args) == 2) {
			lo, ok1 := lv(x.Args[0])
			hi, ok2 := lv(x.Args[len(x.Args)-1])
			if ok1 && ok2 && lo != levelInf {
				return levelSpec{lo, hi}, true
			}
		}
	}
	s.Message(fn, "level", e)
	return levelSpec{}, false
}

func (ls levelSpec) needsDepth() bool { return ls.lo < 0 || ls.hi < 0 }

// has reports whether a part at the given level and of the given depth is in the levels.
func (ls levelSpec) has(level, depth int) bool {
	if ls.lo >= 0 && level < ls.lo || ls.lo < 0 && depth > -ls.lo {
		return false
	}
	if ls.hi >= 0 && level > ls.hi || ls.hi < 0 && depth < -ls.hi {
		return false
	}
	return true
}

// depthOf is Depth: 1 for an atom, one more than the deepest element otherwise.
func depthOf(e Expr) int { return depthAt(e, 0) }

func depthAt(e Expr, level int) int {
	d := 0
	switch x := e.(type) {
	case *Normal:
		walkDeeper(level)
		for _, a := range x.Args {
			d = max(d, depthAt(a, level+1))
		}
	case *Assoc:
		walkDeeper(level)
		for _, a := range x.vals {
			d = max(d, depthAt(a, level+1))
		}
	}
	return d + 1
}

// walker visits the parts of an expression at the levels of a levelSpec, depth first with the
// parts of an expression before the expression itself (as Wolfram's Level orders them), and
// rebuilds the expression from what visit returns. visit may drop a part (keep false) or stop
// the walk.
type walker struct {
	s     *Session
	ls    levelSpec
	heads bool
	depth bool // the levels need depths
	track bool // keep pos, the position of the part being visited
	pos   []Expr
	// evalAssoc evaluates changed association values (an association is an atom, so its values
	// are not evaluated with the expression holding it)
	evalAssoc bool
	visit     func(x Expr) (out Expr, keep bool)
	stop      bool
	steps     int
}

func (w *walker) walk(e Expr, level int) (out Expr, keep bool, depth int) {
	out, keep, depth = e, true, 1
	if w.steps++; w.steps&0xffff == 0 {
		w.s.checkAbort()
	}
	descend := w.depth || w.ls.hi > level
	walkDeeper(level)
	switch x := e.(type) {
	case *Normal:
		if !descend {
			break
		}
		head := x.Head
		if w.heads {
			w.push(Int(0))
			h, hk, _ := w.walk(x.Head, level+1)
			w.pop()
			if hk {
				head = h
			}
		}
		var args []Expr
		changed := head != x.Head
		maxd := 0
		for i, a := range x.Args {
			if w.stop {
				if args != nil {
					args = append(args, x.Args[i:]...)
				}
				break
			}
			w.push(Int(i + 1))
			v, k, d := w.walk(a, level+1)
			w.pop()
			maxd = max(maxd, d)
			if (!k || v != a) && args == nil {
				args = make([]Expr, i, len(x.Args))
				copy(args, x.Args[:i])
				changed = true
			}
			if args != nil && k {
				args = append(args, v)
			}
		}
		depth = maxd + 1
		if changed {
			if args == nil {
				args = x.Args
			}
			out = &Normal{Head: head, Args: args}
		}
	case *Assoc:
		if !descend {
			break
		}
		var na *Assoc
		maxd := 0
		for i, k := range x.keys {
			if w.stop {
				break
			}
			w.push(NewNormal(symKey, k))
			v, kp, d := w.walk(x.vals[i], level+1)
			w.pop()
			maxd = max(maxd, d)
			if kp && v == x.vals[i] {
				continue
			}
			if na == nil {
				na = x.clone()
			}
			if !kp {
				na.Delete(k)
				continue
			}
			if w.evalAssoc && !x.delay[i] {
				v = w.s.Eval(v)
			}
			na.Set(k, v, x.delay[i])
		}
		depth = maxd + 1
		if na != nil {
			out = na
		}
	}
	if !w.stop && w.ls.has(level, depth) {
		out, keep = w.visit(out)
	}
	return out, keep, depth
}

func (w *walker) push(p Expr) {
	if w.track {
		w.pos = append(w.pos, p)
	}
}

func (w *walker) pop() {
	if w.track {
		w.pos = w.pos[:len(w.pos)-1]
	}
}

// position gives the position of the part being visited, as a list.
func (w *walker) position() Expr { return List(append([]Expr(nil), w.pos...)...) }

func newWalker(s *Session, ls levelSpec, visit func(Expr) (Expr, bool)) *walker {
	return &walker{s: s, ls: ls, depth: ls.needsDepth(), visit: visit}
}

// levelOf reads the optional levelspec argument at index i of the call.
func (s *Session) levelOf(fn string, c *Normal, i int, def levelSpec) (levelSpec, bool) {
	if len(c.Args) <= i {
		return def, true
	}
	return s.levelArg(fn, c.Args[i])
}

// countArg reads the optional maximum count at index i (Infinity or a non-negative integer).
func (s *Session) countArg(fn string, c *Normal, i int) (int, bool) {
	if len(c.Args) <= i || c.Args[i] == SymInfinity {
		return math.MaxInt, true
	}
	if n, ok := c.Args[i].(Int); ok && n >= 0 {
		return int(n), true
	}
	s.Message(fn, "innf", Int(i+1), c)
	return 0, false
}

// ---------------------------------------------------------------------------------------------
// Map, MapIndexed, Scan, Apply, MapApply

func fnMap(s *Session, c *Normal) Expr {
	if len(c.Args) == 1 {
		return nil // the operator form Map[f]
	}
	f, e := c.Args[0], c.Args[1]
	ls, ok := s.levelOf("Map", c, 2, level1)
	if !ok {
		return nil
	}
	if ls == level1 {
		switch x := e.(type) {
		case *Normal:
			if x.Head == SymList {
				// f[e] evaluated one by one: the list of values needs no further evaluation
				out := make([]Expr, len(x.Args))
				for i, a := range x.Args {
					out[i] = s.Apply(f, a)
				}
				if spliced, ok := spliceSequences(out); ok {
					out = spliced
				}
				return s.settle(List(out...))
			}
			out := make([]Expr, len(x.Args))
			for i, a := range x.Args {
				out[i] = NewNormal(f, a)
			}
			return s.Eval(&Normal{Head: x.Head, Args: out})
		case *Assoc:
			out := x.clone()
			for i, v := range x.vals {
				if x.delay[i] {
					out.vals[i] = NewNormal(f, v)
				} else {
					out.vals[i] = s.Apply(f, v)
				}
			}
			return out
		}
		return e
	}
	w := newWalker(s, ls, func(x Expr) (Expr, bool) { return NewNormal(f, x), true })
	w.evalAssoc = true
	v, _, _ := w.walk(e, 0)
	return s.Eval(v)
}

func fnMapIndexed(s *Session, c *Normal) Expr {
	if len(c.Args) == 1 {
		return nil
	}
	f, e := c.Args[0], c.Args[1]
	ls, ok := s.levelOf("MapIndexed", c, 2, level1)
	if !ok {
		return nil
	}
	var w *walker
	w = newWalker(s, ls, func(x Expr) (Expr, bool) { return NewNormal(f, x, w.position()), true })
	w.track, w.evalAssoc = true, true
	v, _, _ := w.walk(e, 0)
	return s.Eval(v)
}

func fnScan(s *Session, c *Normal) (result Expr) {
	if len(c.Args) == 1 {
		return nil
	}
	f, e := c.Args[0], c.Args[1]
	ls, ok := s.levelOf("Scan", c, 2, level1)
	if !ok {
		return nil
	}
	// Return[x] in f ends the scan with x
	defer func() {
		if r := recover(); r != nil {
			ret, ok := r.(returnSignal)
			if !ok {
				panic(r)
			}
			result = ret.value
		}
	}()
	if ls == level1 {
		if elems, ok := elementsOf(e); ok {
			for _, a := range elems {
				s.Apply(f, a)
			}
		}
		return SymNull
	}
	w := newWalker(s, ls, func(x Expr) (Expr, bool) {
		s.Apply(f, x)
		return x, true
	})
	w.walk(e, 0)
	return SymNull
}

func fnApply(s *Session, c *Normal) Expr {
	if len(c.Args) == 1 {
		return nil
	}
	f, e := c.Args[0], c.Args[1]
	if len(c.Args) == 2 {
		return s.applyHead(f, e)
	}
	ls, ok := s.levelArg("Apply", c.Args[2])
	if !ok {
		return nil
	}
	w := newWalker(s, ls, func(x Expr) (Expr, bool) {
		switch y := x.(type) {
		case *Normal:
			return &Normal{Head: f, Args: y.Args}, true
		case *Assoc:
			return &Normal{Head: f, Args: append([]Expr(nil), y.vals...)}, true
		}
		return x, true
	})
	w.evalAssoc = true
	v, _, _ := w.walk(e, 0)
	return s.Eval(v)
}

// applyHead is f @@ e: e's elements (an association's values) under the head f.
func (s *Session) applyHead(f, e Expr) Expr {
	switch x := e.(type) {
	case *Normal:
		return s.Eval(&Normal{Head: f, Args: x.Args})
	case *Assoc:
		return s.Eval(&Normal{Head: f, Args: append([]Expr(nil), x.vals...)})
	}
	return e
}

func fnMapApply(s *Session, c *Normal) Expr {
	if len(c.Args) == 1 {
		return nil
	}
	return s.Eval(NewNormal(sys("Apply"), c.Args[0], c.Args[1], List(Int(1))))
}

// ---------------------------------------------------------------------------------------------
// Select, Cases, DeleteCases, MemberQ, FreeQ, Count, Position

func fnSelect(s *Session, c *Normal) Expr {
	if len(c.Args) == 1 {
		return nil
	}
	crit := c.Args[1]
	limit := math.MaxInt
	if len(c.Args) == 3 {
		n, ok := c.Args[2].(Int)
		if !ok || n < 0 {
			if c.Args[2] != SymInfinity {
				s.Message("Select", "innf", Int(3), c)
				return nil
			}
		} else {
			limit = int(n)
		}
	}
	elems, ok := elementsOf(c.Args[0])
	if !ok {
		return s.notNormal("Select", 1, c)
	}
	var keep []int
	for i, e := range elems {
		if len(keep) >= limit {
			break
		}
		if s.Apply(crit, e) == SymTrue {
			keep = append(keep, i)
		}
	}
	return s.pick(c.Args[0], elems, keep)
}

// caseRule splits a Cases pattern into the pattern and, for lhs -> rhs or lhs :> rhs, the
// right side to instantiate.
func caseRule(p Expr) (lhs, rhs Expr) {
	if r, ok := p.(*Normal); ok && (r.Head == SymRule || r.Head == SymRuleDelayed) && len(r.Args) == 2 {
		return r.Args[0], r.Args[1]
	}
	return p, nil
}

// matchCase matches e against a Cases pattern and gives what Cases collects.
func (s *Session) matchCase(lhs, rhs, e Expr) (Expr, bool) {
	b, ok := s.Match(lhs, e)
	if !ok {
		return nil, false
	}
	if rhs == nil {
		return e, true
	}
	v := b.substitute(rhs)
	if cond, ok := v.(*Normal); ok && cond.Head == SymCondition && len(cond.Args) == 2 {
		if s.Eval(cond.Args[1]) != SymTrue {
			return nil, false
		}
		v = cond.Args[0]
	}
	return s.Eval(v), true
}

func fnCases(s *Session, c *Normal) Expr {
	if len(c.Args) == 1 {
		return nil
	}
	lhs, rhs := caseRule(c.Args[1])
	ls, ok := s.levelOf("Cases", c, 2, level1)
	if !ok {
		return nil
	}
	limit, ok := s.countArg("Cases", c, 3)
	if !ok {
		return nil
	}
	out := []Expr{}
	if ls == level1 {
		elems, _ := elementsOf(c.Args[0])
		for _, e := range elems {
			if len(out) >= limit {
				break
			}
			if v, ok := s.matchCase(lhs, rhs, e); ok {
				out = append(out, v)
			}
		}
		return s.settle(List(out...))
	}
	var w *walker
	w = newWalker(s, ls, func(x Expr) (Expr, bool) {
		if v, ok := s.matchCase(lhs, rhs, x); ok {
			out = append(out, v)
			w.stop = len(out) >= limit
		}
		return x, true
	})
	if limit > 0 {
		w.walk(c.Args[0], 0)
	}
	return s.settle(List(out...))
}

func fnDeleteCases(s *Session, c *Normal) Expr {
	if len(c.Args) == 1 {
		return nil
	}
	ls, ok := s.levelOf("DeleteCases", c, 2, level1)
	if !ok {
		return nil
	}
	limit, ok := s.countArg("DeleteCases", c, 3)
	if !ok {
		return nil
	}
	deleted := 0
	var w *walker
	w = newWalker(s, ls, func(x Expr) (Expr, bool) {
		if _, ok := s.Match(c.Args[1], x); ok {
			deleted++
			w.stop = deleted >= limit
			return x, false
		}
		return x, true
	})
	if limit == 0 {
		return c.Args[0]
	}
	// level 0 is never deleted: DeleteCases[x, x, {0}] leaves x
	if ls.lo == 0 {
		ls.lo = 1
		if ls.hi == 0 {
			return c.Args[0]
		}
		w.ls = ls
	}
	v, _, _ := w.walk(c.Args[0], 0)
	if v == c.Args[0] {
		return v
	}
	return s.settle(v)
}

// anyMatch reports whether a part of e at the levels matches form.
func (s *Session) anyMatch(e, form Expr, ls levelSpec, heads bool) bool {
	found := false
	if ls == level1 && !heads {
		elems, _ := elementsOf(e)
		for _, a := range elems {
			if _, ok := s.Match(form, a); ok {
				return true
			}
		}
		return false
	}
	var w *walker
	w = newWalker(s, ls, func(x Expr) (Expr, bool) {
		if _, ok := s.Match(form, x); ok {
			found, w.stop = true, true
		}
		return x, true
	})
	w.heads = heads
	w.walk(e, 0)
	return found
}

func fnMemberQ(s *Session, c *Normal) Expr {
	if len(c.Args) == 1 {
		return nil
	}
	ls, ok := s.levelOf("MemberQ", c, 2, level1)
	if !ok {
		return nil
	}
	return Bool(s.anyMatch(c.Args[0], c.Args[1], ls, false))
}

func fnFreeQ(s *Session, c *Normal) Expr {
	if len(c.Args) == 1 {
		return nil
	}
	ls, ok := s.levelOf("FreeQ", c, 2, levelSpec{0, levelInf})
	if !ok {
		return nil
	}
	return Bool(!s.anyMatch(c.Args[0], c.Args[1], ls, true))
}

func fnCount(s *Session, c *Normal) Expr {
	if len(c.Args) == 1 {
		return nil
	}
	ls, ok := s.levelOf("Count", c, 2, level1)
	if !ok {
		return nil
	}
	n := 0
	if ls == level1 {
		elems, _ := elementsOf(c.Args[0])
		for _, a := range elems {
			if _, ok := s.Match(c.Args[1], a); ok {
				n++
			}
		}
		return Int(n)
	}
	w := newWalker(s, ls, func(x Expr) (Expr, bool) {
		if _, ok := s.Match(c.Args[1], x); ok {
			n++
		}
		return x, true
	})
	w.walk(c.Args[0], 0)
	return Int(n)
}

func fnPosition(s *Session, c *Normal) Expr {
	if len(c.Args) == 1 {
		return nil
	}
	ls, ok := s.levelOf("Position", c, 2, levelSpec{0, levelInf})
	if !ok {
		return nil
	}
	limit, ok := s.countArg("Position", c, 3)
	if !ok {
		return nil
	}
	out := []Expr{}
	var w *walker
	w = newWalker(s, ls, func(x Expr) (Expr, bool) {
		if _, ok := s.Match(c.Args[1], x); ok {
			out = append(out, w.position())
			w.stop = len(out) >= limit
		}
		return x, true
	})
	w.heads, w.track = true, true
	if limit > 0 {
		w.walk(c.Args[0], 0)
	}
	return s.settle(List(out...))
}

// ---------------------------------------------------------------------------------------------
// Associations

// assocOf reads an association, a rule, or a list of rules (later keys replace earlier ones).
func assocOf(e Expr) (*Assoc, bool) {
	switch x := e.(type) {
	case *Assoc:
		return x, true
	case *Normal:
		if (x.Head == SymRule || x.Head == SymRuleDelayed) && len(x.Args) == 2 {
			a := NewAssoc()
			a.Set(x.Args[0], x.Args[1], x.Head == SymRuleDelayed)
			return a, true
		}
		if x.Head == SymList {
			a := NewAssoc()
			for _, r := range x.Args {
				rn, ok := r.(*Normal)
				if !ok || (rn.Head != SymRule && rn.Head != SymRuleDelayed) || len(rn.Args) != 2 {
					if ra, ok := r.(*Assoc); ok {
						for i, k := range ra.keys {
							a.Set(k, ra.vals[i], ra.delay[i])
						}
						continue
					}
					return nil, false
				}
				a.Set(rn.Args[0], rn.Args[1], rn.Head == SymRuleDelayed)
			}
			return a, true
		}
	}
	return nil, false
}

// isRuleList reports whether e is a list of rules (and not, say, a list of associations).
func isRuleList(e Expr) bool {
	l, ok := e.(*Normal)
	if !ok || l.Head != SymList {
		return false
	}
	for _, r := range l.Args {
		rn, ok := r.(*Normal)
		if !ok || (rn.Head != SymRule && rn.Head != SymRuleDelayed) || len(rn.Args) != 2 {
			return false
		}
	}
	return true
}

func keysValuesFn(keys bool) func(*Session, *Normal) Expr {
	fn := "Values"
	if keys {
		fn = "Keys"
	}
	var of func(s *Session, e Expr, c *Normal) (Expr, bool)
	of = func(s *Session, e Expr, c *Normal) (Expr, bool) {
		switch x := e.(type) {
		case *Assoc:
			if keys {
				return s.settle(List(append([]Expr(nil), x.keys...)...)), true
			}
			return s.settle(List(append([]Expr(nil), x.vals...)...)), true
		case *Normal:
			if (x.Head == SymRule || x.Head == SymRuleDelayed) && len(x.Args) == 2 {
				if keys {
					return x.Args[0], true
				}
				return x.Args[1], true
			}
			if x.Head == SymList {
				// a list of rules or associations: Keys of each
				out := make([]Expr, len(x.Args))
				for i, a := range x.Args {
					v, ok := of(s, a, c)
					if !ok {
						return nil, false
					}
					out[i] = v
				}
				return s.settle(List(out...)), true
			}
		}
		s.Message(fn, "invrl", e)
		return nil, false
	}
	return func(s *Session, c *Normal) Expr {
		v, ok := of(s, c.Args[0], c)
		if !ok {
			return nil
		}
		return v
	}
}

func fnLookup(s *Session, c *Normal) Expr {
	if len(c.Args) == 1 {
		return nil
	}
	key := c.Args[1]
	def := func(k Expr) Expr {
		if len(c.Args) == 3 {
			return c.Args[2]
		}
		return missingKey(k)
	}
	one := func(a *Assoc, k Expr) Expr {
		k = unKey(k)
		if v, ok := a.Get(k); ok {
			return v
		}
		return def(k)
	}
	var in func(e Expr) (Expr, bool)
	in = func(e Expr) (Expr, bool) {
		if l, ok := e.(*Normal); ok && l.Head == SymList && !isRuleList(e) {
			// a list of associations: look up in each
			out := make([]Expr, len(l.Args))
			for i, a := range l.Args {
				v, ok := in(a)
				if !ok {
					return nil, false
				}
				out[i] = v
			}
			return List(out...), true
		}
		a, ok := assocOf(e)
		if !ok {
			s.Message("Lookup", "invrl", e)
			return nil, false
		}
		if kl, ok := key.(*Normal); ok && kl.Head == SymList {
			out := make([]Expr, len(kl.Args))
			for i, k := range kl.Args {
				out[i] = one(a, k)
			}
			return List(out...), true
		}
		return one(a, key), true
	}
	v, ok := in(c.Args[0])
	if !ok {
		return nil
	}
	return s.settle(v)
}

func fnKeyExistsQ(s *Session, c *Normal) Expr {
	a, ok := assocOf(c.Args[0])
	if !ok {
		s.Message("KeyExistsQ", "invrl", c.Args[0])
		return nil
	}
	_, found := a.Get(unKey(c.Args[1]))
	return Bool(found)
}

// assocTarget reads the association held by the target of AssociateTo and KeyDropFrom.
func (s *Session) assocTarget(fn string, target Expr) (*Assoc, bool) {
	if sym, ok := target.(*Symbol); ok && sym.own == nil {
		s.Message(fn, "rvalue", sym)
		return nil, false
	}
	v := s.Eval(target)
	a, ok := v.(*Assoc)
	if !ok {
		s.Message(fn, "invak", v)
		return nil, false
	}
	return a, true
}

func fnAssociateTo(s *Session, c *Normal) Expr {
	a, ok := s.assocTarget("AssociateTo", c.Args[0])
	if !ok {
		return nil
	}
	add, ok := assocOf(c.Args[1])
	if !ok {
		s.Message("AssociateTo", "invrl", c.Args[1])
		return nil
	}
	out := a.clone()
	for i, k := range add.keys {
		out.Set(k, add.vals[i], add.delay[i])
	}
	if s.assign(c.Args[0], out, false, c) == SymFailed {
		return SymFailed
	}
	return out
}

// keyList reads one key or a list of keys (Key[k] wrappers stripped).
func keyList(e Expr) []Expr {
	if l, ok := e.(*Normal); ok && l.Head == SymList {
		out := make([]Expr, len(l.Args))
		for i, k := range l.Args {
			out[i] = unKey(k)
		}
		return out
	}
	return []Expr{unKey(e)}
}

func fnKeyDropFrom(s *Session, c *Normal) Expr {
	a, ok := s.assocTarget("KeyDropFrom", c.Args[0])
	if !ok {
		return nil
	}
	out := a.clone()
	for _, k := range keyList(c.Args[1]) {
		out.Delete(k)
	}
	if s.assign(c.Args[0], out, false, c) == SymFailed {
		return SymFailed
	}
	return out
}

// keyDropTakeFn builds KeyDrop and KeyTake, for associations, lists of rules and lists of
// associations.
func keyDropTakeFn(drop bool) func(*Session, *Normal) Expr {
	fn := "KeyTake"
	if drop {
		fn = "KeyDrop"
	}
	var on func(s *Session, e Expr, keys []Expr) (Expr, bool)
	on = func(s *Session, e Expr, keys []Expr) (Expr, bool) {
		if l, ok := e.(*Normal); ok && l.Head == SymList && !isRuleList(e) {
			out := make([]Expr, len(l.Args))
			for i, a := range l.Args {
				v, ok := on(s, a, keys)
				if !ok {
					return nil, false
				}
				out[i] = v
			}
			return List(out...), true
		}
		a, ok := assocOf(e)
		if !ok {
			s.Message(fn, "invrl", e)
			return nil, false
		}
		var out *Assoc
		if drop {
			out = a.clone()
			for _, k := range keys {
				out.Delete(k)
			}
		} else {
			out = NewAssoc()
			for _, k := range keys {
				if i := a.find(k); i >= 0 {
					out.Set(k, a.vals[i], a.delay[i])
				}
			}
		}
		if _, isAssoc := e.(*Assoc); !isAssoc {
			// a list of rules stays a list of rules
			return List(out.Rules()...), true
		}
		return out, true
	}
	return func(s *Session, c *Normal) Expr {
		if len(c.Args) == 1 {
			return nil
		}
		v, ok := on(s, c.Args[0], keyList(c.Args[1]))
		if !ok {
			return nil
		}
		return s.settle(v)
	}
}

func fnKeySort(s *Session, c *Normal) Expr {
	a, ok := c.Args[0].(*Assoc)
	if !ok {
		s.Message("KeySort", "invrl", c.Args[0])
		return nil
	}
	var before func(x, y Expr) bool
	if len(c.Args) == 2 {
		p := c.Args[1]
		before = func(x, y Expr) bool { return s.Apply(p, x, y) == SymTrue }
	}
	return subAssoc(a, s.sortIndex(a.keys, before))
}

func fnKeyValueMap(s *Session, c *Normal) Expr {
	if len(c.Args) == 1 {
		return nil
	}
	a, ok := assocOf(c.Args[1])
	if !ok {
		s.Message("KeyValueMap", "invrl", c.Args[1])
		return nil
	}
	out := make([]Expr, a.Len())
	for i, k := range a.keys {
		out[i] = s.Apply(c.Args[0], k, a.vals[i])
	}
	return s.settle(List(out...))
}

func fnAssociationMap(s *Session, c *Normal) Expr {
	if len(c.Args) == 1 {
		return nil
	}
	f := c.Args[0]
	out := NewAssoc()
	switch x := c.Args[1].(type) {
	case *Assoc:
		// f is applied to each rule and must give a rule
		for _, r := range x.Rules() {
			v := s.Apply(f, r)
			rn, ok := v.(*Normal)
			if !ok || (rn.Head != SymRule && rn.Head != SymRuleDelayed) || len(rn.Args) != 2 {
				s.Message("AssociationMap", "invrl", v)
				return nil
			}
			out.Set(rn.Args[0], rn.Args[1], rn.Head == SymRuleDelayed)
		}
		return out
	case *Normal:
		if x.Head == SymList {
			for _, k := range x.Args {
				out.Set(k, s.Apply(f, k), false)
			}
			return out
		}
	}
	return s.typeError("AssociationMap", "list", 2, c)
}

// ---------------------------------------------------------------------------------------------
// Nest, NestList, Fold, FoldList, FixedPoint

// nestCount reads the count of Nest and NestList: a non-negative machine integer.
func (s *Session) nestCount(fn string, c *Normal) (int, bool) {
	n, ok := c.Args[2].(Int)
	if !ok || n < 0 {
		s.typeError(fn, "intnm", 3, c)
		return 0, false
	}
	return int(n), true
}

func fnNest(s *Session, c *Normal) Expr {
	n, ok := s.nestCount("Nest", c)
	if !ok {
		return nil
	}
	v := c.Args[1]
	for i := 0; i < n; i++ {
		v = s.Apply(c.Args[0], v)
	}
	return v
}

func fnNestList(s *Session, c *Normal) Expr {
	n, ok := s.nestCount("NestList", c)
	if !ok {
		return nil
	}
	if n >= listMaxLen {
		s.Message("NestList", "nomem")
		return nil
	}
	out := make([]Expr, n+1)
	out[0] = c.Args[1]
	for i := 1; i <= n; i++ {
		out[i] = s.Apply(c.Args[0], out[i-1])
	}
	return s.settle(List(out...))
}

// foldArgs reads Fold[f, x, list] and Fold[f, list] into the start and the elements; ok is
// false for Fold[f, {}] (no start) or after a message.
func (s *Session) foldArgs(fn string, c *Normal) (Expr, []Expr, bool) {
	l := c.Args[len(c.Args)-1]
	elems, ok := elementsOf(l)
	if !ok {
		s.notNormal(fn, len(c.Args), c)
		return nil, nil, false
	}
	if len(c.Args) == 3 {
		return c.Args[1], elems, true
	}
	if len(elems) == 0 {
		return nil, nil, false
	}
	return elems[0], elems[1:], true
}

func fnFold(s *Session, c *Normal) Expr {
	v, elems, ok := s.foldArgs("Fold", c)
	if !ok {
		return nil
	}
	for _, e := range elems {
		v = s.Apply(c.Args[0], v, e)
	}
	return v
}

func fnFoldList(s *Session, c *Normal) Expr {
	v, elems, ok := s.foldArgs("FoldList", c)
	if !ok {
		if len(c.Args) == 2 && IsList(c.Args[1]) {
			return inertList([]Expr{})
		}
		return nil
	}
	out := make([]Expr, 0, len(elems)+1)
	out = append(out, v)
	for _, e := range elems {
		v = s.Apply(c.Args[0], v, e)
		out = append(out, v)
	}
	return s.settle(List(out...))
}

// fixedPointLimit bounds FixedPoint without an explicit bound, so that a function that never
// settles ends (Ctrl-C also stops it).
const fixedPointLimit = 1 << 16

func fnFixedPoint(s *Session, c *Normal) Expr {
	limit := fixedPointLimit
	if len(c.Args) == 3 {
		switch n := c.Args[2].(type) {
		case Int:
			if n < 0 {
				s.typeError("FixedPoint", "intnm", 3, c)
				return nil
			}
			limit = int(n)
		default:
			if n != SymInfinity {
				s.typeError("FixedPoint", "intnm", 3, c)
				return nil
			}
			limit = math.MaxInt
		}
	}
	v := c.Args[1]
	for i := 0; i < limit; i++ {
		next := s.Apply(c.Args[0], v)
		if SameQ(next, v) {
			return next
		}
		v = next
	}
	return v
}

// ---------------------------------------------------------------------------------------------
// Transpose, ConstantArray, Thread, Dimensions, predicates

func fnTranspose(s *Session, c *Normal) Expr {
	m, ok := c.Args[0].(*Normal)
	if !ok {
		s.Message("Transpose", "nmtx", c.Args[0])
		return nil
	}
	if len(m.Args) == 0 {
		return m
	}
	rows := make([]*Normal, len(m.Args))
	vector := true
	for i, r := range m.Args {
		if rn, ok := r.(*Normal); ok {
			rows[i], vector = rn, false
		}
	}
	if vector {
		// a vector transposes to itself
		return m
	}
	width := -1
	for _, r := range rows {
		if r == nil || (width >= 0 && len(r.Args) != width) || !SameQ(r.Head, rows[0].Head) {
			s.Message("Transpose", "nmtx", m)
			return nil
		}
		width = len(r.Args)
	}
	out := make([]Expr, width)
	for j := range out {
		col := make([]Expr, len(rows))
		for i, r := range rows {
			col[i] = r.Args[j]
		}
		out[j] = s.settle(&Normal{Head: m.Head, Args: col})
	}
	return s.settle(&Normal{Head: rows[0].Head, Args: out})
}

func fnConstantArray(s *Session, c *Normal) Expr {
	var dims []int
	ok := true
	read := func(e Expr) {
		switch n := e.(type) {
		case Int:
			if n >= 0 {
				dims = append(dims, int(min(n, listMaxLen+1)))
				return
			}
		case *BigInt:
			if n.V.Sign() > 0 {
				dims = append(dims, listMaxLen+1)
				return
			}
		}
		ok = false
	}
	if l, isList := c.Args[1].(*Normal); isList && l.Head == SymList {
		for _, a := range l.Args {
			read(a)
		}
	} else {
		read(c.Args[1])
	}
	if !ok {
		s.Message("ConstantArray", "ilsnn", Int(2), c)
		return nil
	}
	// below an empty level nothing is built: ConstantArray[0, {0, 10^20}] is {}
	total := 1
	for i, d := range dims {
		if d == 0 {
			dims = dims[:i+1]
			break
		}
		if total *= d; total > listMaxLen {
			s.Message("ConstantArray", "nomem")
			return nil
		}
	}
	// the rows of one level are one shared (immutable) list
	v := c.Args[0]
	for i := len(dims) - 1; i >= 0; i-- {
		row := make([]Expr, dims[i])
		for j := range row {
			row[j] = v
		}
		l := List(row...)
		l.inert = allLiteral(row)
		v = l
	}
	return v
}

func fnThread(s *Session, c *Normal) Expr {
	e, ok := c.Args[0].(*Normal)
	if !ok {
		return c.Args[0]
	}
	var over Expr = SymList
	if len(c.Args) == 2 {
		over = c.Args[1]
	}
	length := -1
	for _, a := range e.Args {
		if l, ok := a.(*Normal); ok && SameQ(l.Head, over) {
			if length >= 0 && len(l.Args) != length {
				s.Message("Thread", "tdlen", e)
				return nil
			}
			length = len(l.Args)
		}
	}
	if length < 0 {
		return e
	}
	out := make([]Expr, length)
	for i := range out {
		args := make([]Expr, len(e.Args))
		for j, a := range e.Args {
			if l, ok := a.(*Normal); ok && SameQ(l.Head, over) {
				args[j] = l.Args[i]
			} else {
				args[j] = a
			}
		}
		out[i] = &Normal{Head: e.Head, Args: args}
	}
	return s.Eval(&Normal{Head: over, Args: out})
}

func fnDimensions(s *Session, c *Normal) Expr {
	parts := func(e Expr) (Expr, []Expr, bool) {
		switch x := e.(type) {
		case *Normal:
			return x.Head, x.Args, true
		case *Assoc:
			return SymAssociation, x.vals, true
		}
		return nil, nil, false
	}
	// the dimensions along the first elements, then cut back to where every part agrees
	var dims []int
	var heads []Expr
	for e := c.Args[0]; ; {
		h, elems, ok := parts(e)
		if !ok {
			break
		}
		dims, heads = append(dims, len(elems)), append(heads, h)
		if len(elems) == 0 {
			break
		}
		e = elems[0]
	}
	steps := 0
	var check func(e Expr, lvl int)
	check = func(e Expr, lvl int) {
		if lvl >= len(dims) {
			return
		}
		walkDeeper(lvl)
		if steps++; steps&0xffff == 0 {
			s.checkAbort()
		}
		h, elems, ok := parts(e)
		if !ok || len(elems) != dims[lvl] || !SameQ(h, heads[lvl]) {
			dims, heads = dims[:lvl], heads[:lvl]
			return
		}
		for _, a := range elems {
			check(a, lvl+1)
		}
	}
	check(c.Args[0], 0)
	out := make([]Expr, len(dims))
	for i, d := range dims {
		out[i] = Int(d)
	}
	return inertList(out)
}

// allPass reports whether test[e] is True for every e (always, when test is nil).
func (s *Session) allPass(elems []Expr, test Expr) bool {
	if test == nil {
		return true
	}
	for _, e := range elems {
		if s.Apply(test, e) != SymTrue {
			return false
		}
	}
	return true
}

func testArg(c *Normal) Expr {
	if len(c.Args) == 2 {
		return c.Args[1]
	}
	return nil
}

func fnVectorQ(s *Session, c *Normal) Expr {
	l, ok := c.Args[0].(*Normal)
	if !ok || l.Head != SymList {
		return SymFalse
	}
	for _, e := range l.Args {
		if IsList(e) {
			return SymFalse
		}
	}
	return Bool(s.allPass(l.Args, testArg(c)))
}

func fnMatrixQ(s *Session, c *Normal) Expr {
	l, ok := c.Args[0].(*Normal)
	if !ok || l.Head != SymList {
		return SymFalse
	}
	width := -1
	for _, r := range l.Args {
		rl, ok := r.(*Normal)
		if !ok || rl.Head != SymList || (width >= 0 && len(rl.Args) != width) {
			return SymFalse
		}
		width = len(rl.Args)
		for _, e := range rl.Args {
			if IsList(e) {
				return SymFalse
			}
		}
	}
	for _, r := range l.Args {
		if !s.allPass(r.(*Normal).Args, testArg(c)) {
			return SymFalse
		}
	}
	return SymTrue
}

// pick gives the elements at positions idx of a list or association (elems are its values),
// keeping the list's head: what Select, DeleteDuplicates and SortBy return.
func (s *Session) pick(from Expr, elems []Expr, idx []int) Expr {
	if a, isAssoc := from.(*Assoc); isAssoc {
		return subAssoc(a, idx)
	}
	out := make([]Expr, len(idx))
	for j, i := range idx {
		out[j] = elems[i]
	}
	return s.settle(&Normal{Head: from.(*Normal).Head, Args: out})
}

// sameKind reports whether a and b are the same kind of value: both calls, both byte arrays,
// both associations, or both other atoms (an unevaluated ByteArray[x] has a byte array's
// head, not its kind).
func sameKind(a, b Expr) bool {
	switch a.(type) {
	case *Normal:
		_, ok := b.(*Normal)
		return ok
	case *ByteArray:
		_, ok := b.(*ByteArray)
		return ok
	case *Assoc:
		_, ok := b.(*Assoc)
		return ok
	}
	// other atoms: Join's next check reports them (Join::normal)
	switch b.(type) {
	case *Normal, *ByteArray, *Assoc:
		return false
	}
	return true
}
