package eval

import "math/big"

// Iterators, as Table, Do, Sum and the list functions read them: {n}, {i, n}, {i, a, b},
// {i, a, b, step}, {i, {v1, v2, …}}. The variable is given each value in turn as Block does
// (its previous value is restored afterwards), which costs one store per pass.

type iterator struct {
	sym *Symbol // nil for {n}
	// either a list of values, or a numeric range
	values      []Expr
	start, step Expr
	count       int
	intStart    int64
	intStep     int64
	isInt       bool
}

// iter reads an iterator specification; a malformed one gets fn::iterb or fn::itform.
func (s *Session) iter(fn string, spec Expr, pos int) (*iterator, bool) {
	l, ok := spec.(*Normal)
	if !ok || l.Head != SymList || len(l.Args) == 0 || len(l.Args) > 4 {
		if ok || spec != nil {
			// Do[expr, n] is Do[expr, {n}]
			if n := s.Eval(spec); isNumber(n) {
				return s.iterRange(fn, spec, nil, Int(1), n, Int(1))
			}
		}
		s.Message(fn, "itform", spec, Int(pos))
		return nil, false
	}
	if len(l.Args) == 1 {
		return s.iterRange(fn, spec, nil, Int(1), s.Eval(l.Args[0]), Int(1))
	}
	sym, ok := l.Args[0].(*Symbol)
	if !ok || sym.system {
		s.Message(fn, "itform", spec, Int(pos))
		return nil, false
	}
	if len(l.Args) == 2 {
		v := s.Eval(l.Args[1])
		if vl, ok := v.(*Normal); ok && vl.Head == SymList {
			return &iterator{sym: sym, values: vl.Args, count: len(vl.Args)}, true
		}
		return s.iterRange(fn, spec, sym, Int(1), v, Int(1))
	}
	step := Expr(Int(1))
	if len(l.Args) == 4 {
		step = s.Eval(l.Args[3])
	}
	return s.iterRange(fn, spec, sym, s.Eval(l.Args[1]), s.Eval(l.Args[2]), step)
}

// maxIterations bounds one iterator (a Do may run long; Ctrl-C stops it). Lists are bounded
// more tightly, by listMaxLen.
const maxIterations = 1 << 40

func (s *Session) iterRange(fn string, spec Expr, sym *Symbol, a, b, d Expr) (*iterator, bool) {
	if b == SymInfinity && isNumber(a) && isNumber(d) && cmpNum(d, Int(0)) > 0 {
		// {i, a, Infinity}: as long as it takes (Ctrl-C stops it; Table refuses it by size)
		b = addNum(a, mulNum(d, Int(maxIterations-1)))
	}
	if !isNumber(a) || !isNumber(b) || !isNumber(d) || isZero(d) {
		s.Message(fn, "iterb", spec)
		return nil, false
	}
	// count = floor((b - a) / d) + 1
	q, _ := ToFloat(addNum(b, negNum(a)))
	df, _ := ToFloat(d)
	n := q/df + 1
	if n < 0 {
		n = 0
	}
	if n > maxIterations {
		s.Message(fn, "iterb", spec)
		return nil, false
	}
	it := &iterator{sym: sym, start: a, step: d}
	if ai, ok := a.(Int); ok {
		if di, ok := d.(Int); ok {
			if bi, ok := b.(Int); ok {
				it.isInt, it.intStart, it.intStep = true, int64(ai), int64(di)
				c := (int64(bi)-int64(ai))/int64(di) + 1
				if c < 0 {
					c = 0
				}
				it.count = int(c)
				return it, true
			}
		}
	}
	// exact bounds count exactly: floor((b - a)/d) + 1 as a rational, so 1/3 steps do not drift
	count := int(n + 1e-9)
	if _, real := b.(Real); !real {
		if _, real := a.(Real); !real {
			if _, real := d.(Real); !real {
				q := new(big.Rat).Quo(toRat(addNum(b, negNum(a))), toRat(d))
				count = int(floorRat(q).Int64()) + 1
				if count < 0 {
					count = 0
				}
			}
		}
	}
	it.count = count
	return it, true
}

// value gives the k-th value (from 0).
func (it *iterator) value(k int) Expr {
	switch {
	case it.values != nil:
		return it.values[k]
	case it.isInt:
		return Int(it.intStart + int64(k)*it.intStep)
	}
	return addNum(it.start, mulNum(Int(k), it.step))
}

// each runs body for every combination of the iterators' values, outermost first, with the
// variables bound; Table collects, Do discards. The variables' old values come back at the end.
func (s *Session) each(fn string, specs []Expr, body func()) bool {
	its := make([]*iterator, 0, len(specs))
	type saved struct {
		sym *Symbol
		own Expr
	}
	var restore []saved
	defer func() {
		for i := len(restore) - 1; i >= 0; i-- {
			s.setOwn(restore[i].sym, restore[i].own)
		}
	}()
	var run func(level int) bool
	run = func(level int) bool {
		if level == len(specs) {
			body()
			return true
		}
		// inner iterators are read with the outer variables bound: Table[x, {i, 3}, {j, i}]
		it, ok := s.iter(fn, specs[level], level+2)
		if !ok {
			return false
		}
		if it.sym != nil {
			restore = append(restore, saved{it.sym, it.sym.own})
		}
		its = append(its, it)
		for k := 0; k < it.count; k++ {
			if it.sym != nil {
				s.setOwn(it.sym, it.value(k))
			}
			if !run(level + 1) {
				return false
			}
		}
		return true
	}
	return run(0)
}

func fnTable(s *Session, c *Normal) Expr {
	if len(c.Args) == 1 {
		return nil
	}
	body := c.Args[0]
	if len(c.Args) == 2 {
		// one iterator, the common case: the result is allocated once, at its final size
		it, ok := s.iter("Table", c.Args[1], 2)
		if !ok {
			return nil
		}
		if it.sym != nil {
			saved := it.sym.own
			defer func() { s.setOwn(it.sym, saved) }()
		}
		if it.count > listMaxLen {
			s.Message("Table", "nomem")
			return nil
		}
		if r, ok := s.tableCompiled(body, it); ok {
			return r
		}
		out := make([]Expr, it.count)
		inert := true
		for k := range out {
			if it.sym != nil {
				s.setOwn(it.sym, it.value(k))
			}
			v := s.Eval(body)
			out[k] = v
			inert = inert && literal(v)
			s.checkAbort()
		}
		return &Normal{Head: SymList, Args: out, inert: inert}
	}
	var build func(level int) (Expr, bool)
	build = func(level int) (Expr, bool) {
		if level == len(c.Args) {
			return s.Eval(body), true
		}
		var out []Expr
		ok := s.each("Table", c.Args[level:level+1], func() {
			v, ok := build(level + 1)
			if !ok {
				panic(abortSignal{})
			}
			out = append(out, v)
		})
		if out == nil {
			out = []Expr{}
		}
		return List(out...), ok
	}
	v, ok := build(1)
	if !ok {
		return nil
	}
	return v
}

func fnDo(s *Session, c *Normal) Expr {
	body := c.Args[0]
	pass := func() { s.Eval(body) }
	if mentions(body, symContinue) {
		// Continue[] ends one pass; only bodies that mention it pay for catching it
		pass = func() { s.evalCatchingContinue(body) }
	}
	if len(c.Args) == 2 {
		// one iterator, the common case: a direct loop, resumable after Continue[]
		it, ok := s.iter("Do", c.Args[1], 2)
		if !ok {
			return nil
		}
		if it.sym != nil {
			saved := it.sym.own
			defer func() { s.setOwn(it.sym, saved) }()
		}
		// k moves on before the body runs, so that a Continue[] from a function the body
		// calls resumes with the next pass rather than repeating this one
		k := 0
		return orNull(s.loop(func() bool {
			for k < it.count {
				if it.sym != nil {
					s.setOwn(it.sym, it.value(k))
				}
				k++
				pass()
				s.checkAbort()
			}
			return false
		}))
	}
	var ret Expr
	ok := true
	ret = s.loop(func() bool {
		ok = s.each("Do", c.Args[1:], func() {
			pass()
			s.checkAbort()
		})
		return false
	})
	if !ok {
		return nil
	}
	return orNull(ret)
}

var symContinue = sys("Continue")

func (s *Session) evalCatchingContinue(e Expr) {
	depth := s.depth
	defer func() {
		if r := recover(); r != nil {
			s.depth = depth
			if _, ok := r.(continueSignal); !ok {
				panic(r)
			}
		}
	}()
	s.Eval(e)
}

// mentions reports whether sym occurs anywhere in e.
func mentions(e Expr, sym *Symbol) bool { return mentionsAt(e, sym, 0) }

func mentionsAt(e Expr, sym *Symbol, depth int) bool {
	switch x := e.(type) {
	case *Symbol:
		return x == sym
	case *Normal:
		walkDeeper(depth)
		if mentionsAt(x.Head, sym, depth+1) {
			return true
		}
		for _, a := range x.Args {
			if mentionsAt(a, sym, depth+1) {
				return true
			}
		}
	}
	return false
}
