package eval

// Assignment: Set and SetDelayed on symbols, definitions f[x_] := …, parts x[[i]] = v,
// association keys a["k"] = v, message texts f::tag = "…", and objects that own assignments
// (obj["Name"] = v, through their builtin's SetSub).

func fnSet(s *Session, c *Normal) Expr {
	if len(c.Args) != 2 {
		return nil
	}
	// Set gives its right side even when the assignment fails (after the message), as
	// Wolfram does
	s.assign(c.Args[0], c.Args[1], false, c)
	return c.Args[1]
}

func fnSetDelayed(s *Session, c *Normal) Expr {
	if len(c.Args) != 2 {
		return nil
	}
	if r := s.assign(c.Args[0], c.Args[1], true, c); r == SymFailed {
		return r
	}
	return SymNull
}

// assign performs lhs = rhs (delayed: lhs := rhs) and returns what Set returns: rhs, or
// $Failed after a message.
func (s *Session) assign(lhs, rhs Expr, delayed bool, call *Normal) Expr {
	fn := "Set"
	if delayed {
		fn = "SetDelayed"
	}
	switch l := lhs.(type) {
	case *Symbol:
		if l.system || l.attrs&Protected != 0 {
			s.Message(fn, "wrsym", l)
			return SymFailed
		}
		s.setOwn(l, rhs)
		return rhs
	case *Normal:
		return s.assignNormal(l, rhs, delayed, fn, call)
	}
	s.Message(fn, "setraw", lhs)
	return SymFailed
}

func (s *Session) assignNormal(l *Normal, rhs Expr, delayed bool, fn string, call *Normal) Expr {
	switch l.Head {
	case SymList:
		// {a, b} = {1, 2}
		vals, ok := rhs.(*Normal)
		if delayed || !ok || vals.Head != SymList || len(vals.Args) != len(l.Args) {
			s.Message(fn, "shape", l, rhs)
			return SymFailed
		}
		for i, t := range l.Args {
			if s.assign(t, vals.Args[i], false, call) == SymFailed {
				return SymFailed
			}
		}
		return rhs
	case SymPart:
		return s.assignPart(l, rhs, fn)
	case SymMessageName:
		if len(l.Args) == 2 {
			sym, ok1 := l.Args[0].(*Symbol)
			tag, ok2 := l.Args[1].(String)
			text, ok3 := rhs.(String)
			if ok1 && ok2 && ok3 {
				s.userMsgs[sym.Name+"::"+string(tag)] = string(text)
				s.changed()
				return rhs
			}
		}
	case SymHoldPattern:
		if len(l.Args) == 1 {
			if inner, ok := l.Args[0].(*Normal); ok {
				return s.assignNormal(inner, rhs, delayed, fn, call)
			}
		}
	}
	// obj["Name"] = v, a["k"] = v: the head has a value
	if hs, ok := l.Head.(*Symbol); ok && hs.own != nil && len(l.Args) == 1 {
		hv := s.Eval(hs)
		if a, ok := hv.(*Assoc); ok {
			a = a.clone()
			a.Set(s.Eval(l.Args[0]), rhs, delayed)
			s.setOwn(hs, a)
			return rhs
		}
		if obj, ok := hv.(*Normal); ok {
			if r, handled := s.assignObject(obj, l.Args, rhs); handled {
				return r
			}
		}
	}
	if obj, ok := l.Head.(*Normal); ok {
		if r, handled := s.assignObject(s.Eval(obj), l.Args, rhs); handled {
			return r
		}
	}
	// a definition: evaluate the arguments of the left side (not its patterns' names), then
	// store the rule on the innermost head symbol
	lhs := l
	target := innermostSymbol(l.Head)
	if inner := conditionTarget(l); inner != nil {
		target = inner
	}
	if target == nil {
		s.Message(fn, "setraw", l)
		return SymFailed
	}
	if target.system || target.attrs&Protected != 0 {
		s.Message(fn, "write", target, l)
		return SymFailed
	}
	if l.Head != SymCondition && target.attrs&HoldAll != HoldAll {
		lhs = s.evalLHSArgs(l, target)
	}
	r := rule{lhs: lhs, rhs: rhs, delayed: delayed}
	s.changed()
	if _, isSym := l.Head.(*Symbol); isSym || l.Head == SymCondition {
		if target.down == nil {
			target.down = &ruleSet{}
		}
		target.down.add(r)
	} else {
		if target.sub == nil {
			target.sub = &ruleSet{}
		}
		target.sub.add(r)
	}
	return rhs
}

// conditionTarget gives f for f[x_] /; test, which is defined on f.
func conditionTarget(l *Normal) *Symbol {
	if l.Head == SymCondition && len(l.Args) == 2 {
		if inner, ok := l.Args[0].(*Normal); ok {
			return innermostSymbol(inner.Head)
		}
	}
	return nil
}

func (s *Session) evalLHSArgs(l *Normal, target *Symbol) *Normal {
	args := make([]Expr, len(l.Args))
	for i, a := range l.Args {
		if (i == 0 && target.attrs&HoldFirst != 0) || (i > 0 && target.attrs&HoldRest != 0) || hasPattern(a) {
			args[i] = a
			continue
		}
		args[i] = s.Eval(a)
	}
	return &Normal{Head: l.Head, Args: args}
}

// assignObject lets an object own assignments: sock["ZMQ_SUBSCRIBE"] = "", through SetSub.
func (s *Session) assignObject(obj Expr, args []Expr, rhs Expr) (Expr, bool) {
	n, ok := obj.(*Normal)
	if !ok {
		return nil, false
	}
	hs, ok := n.Head.(*Symbol)
	if !ok || hs.builtin == nil || hs.builtin.SetSub == nil {
		return nil, false
	}
	ev := make([]Expr, len(args))
	for i, a := range args {
		ev[i] = s.Eval(a)
	}
	return hs.builtin.SetSub(s, n, ev, rhs), true
}

// assignPart performs x[[i, j]] = v on a symbol's value, copying what it changes so that other
// references to the old value are untouched.
func (s *Session) assignPart(l *Normal, rhs Expr, fn string) Expr {
	if len(l.Args) < 2 {
		return SymFailed
	}
	sym, ok := l.Args[0].(*Symbol)
	if !ok {
		s.Message(fn, "setps", l.Args[0])
		return SymFailed
	}
	if sym.own == nil {
		s.Message(fn, "noval", sym)
		return SymFailed
	}
	if sym.system || sym.attrs&Protected != 0 {
		s.Message(fn, "wrsym", sym)
		return SymFailed
	}
	idx := make([]Expr, len(l.Args)-1)
	for i, a := range l.Args[1:] {
		idx[i] = s.Eval(a)
	}
	val, ok := s.setPart(s.Eval(sym), idx, rhs, l)
	if !ok {
		return SymFailed
	}
	s.setOwn(sym, val)
	return rhs
}

func (s *Session) setPart(v Expr, idx []Expr, rhs Expr, call *Normal) (Expr, bool) {
	if len(idx) == 0 {
		return rhs, true
	}
	switch x := v.(type) {
	case *Assoc:
		a := x.clone()
		old, _ := a.Get(idx[0])
		if len(idx) > 1 {
			if old == nil {
				s.Message("Set", "partw", idx[0], v)
				return nil, false
			}
			nv, ok := s.setPart(old, idx[1:], rhs, call)
			if !ok {
				return nil, false
			}
			rhs = nv
		}
		a.Set(idx[0], rhs, false)
		return a, true
	case *Normal:
		if key, isKey := idx[0].(String); isKey {
			_ = key
			s.Message("Set", "pkspec1", idx[0])
			return nil, false
		}
		if idx[0] == SymAll {
			// m[[All, 2]] = {a, b} sets element by element when the lengths agree
			vals, each := rhs.(*Normal)
			each = each && vals.Head == SymList && len(vals.Args) == len(x.Args)
			args := make([]Expr, len(x.Args))
			for i, a := range x.Args {
				v := rhs
				if each {
					v = vals.Args[i]
				}
				nv, ok := s.setPart(a, idx[1:], v, call)
				if !ok {
					return nil, false
				}
				args[i] = nv
			}
			return &Normal{Head: x.Head, Args: args}, true
		}
		if positions, ok := s.partPositions(idx[0], len(x.Args)); ok {
			// l[[2 ;; 3]] = 0 and l[[{1, 2}]] = {a, b}: several parts at once, element by
			// element when the right side is a list of as many values
			vals, each := rhs.(*Normal)
			each = each && vals.Head == SymList && len(vals.Args) == len(positions)
			args := append([]Expr(nil), x.Args...)
			for j, p := range positions {
				v := rhs
				if each {
					v = vals.Args[j]
				}
				nv, ok := s.setPart(args[p-1], idx[1:], v, call)
				if !ok {
					return nil, false
				}
				args[p-1] = nv
			}
			return &Normal{Head: x.Head, Args: args}, true
		}
		k, ok := idx[0].(Int)
		if !ok {
			s.Message("Set", "pkspec1", idx[0])
			return nil, false
		}
		i := int(k)
		if i < 0 {
			i += len(x.Args) + 1
		}
		if i < 0 || i > len(x.Args) {
			s.Message("Set", "partw", k, v)
			return nil, false
		}
		if i == 0 {
			nv, ok := s.setPart(x.Head, idx[1:], rhs, call)
			if !ok {
				return nil, false
			}
			return &Normal{Head: nv, Args: x.Args}, true
		}
		nv, ok := s.setPart(x.Args[i-1], idx[1:], rhs, call)
		if !ok {
			return nil, false
		}
		args := append([]Expr(nil), x.Args...)
		args[i-1] = nv
		return &Normal{Head: x.Head, Args: args}, true
	case *ByteArray:
		k, ok1 := idx[0].(Int)
		b, ok2 := rhs.(Int)
		if !ok1 || !ok2 || len(idx) != 1 || b < 0 || b > 255 {
			s.Message("Set", "partw", idx[0], v)
			return nil, false
		}
		i := int(k)
		if i < 0 {
			i += len(x.B) + 1
		}
		if i < 1 || i > len(x.B) {
			s.Message("Set", "partw", k, v)
			return nil, false
		}
		nb := append([]byte(nil), x.B...)
		nb[i-1] = byte(b)
		return &ByteArray{B: nb}, true
	}
	s.Message("Set", "partd", NewNormal(SymPart, append([]Expr{v}, idx...)...))
	return nil, false
}

// fnUnset is x =.: it removes the value or the definition.
func fnUnset(s *Session, c *Normal) Expr {
	switch l := c.Args[0].(type) {
	case *Symbol:
		if !l.system {
			s.setOwn(l, nil)
		}
	case *Normal:
		if t := innermostSymbol(l.Head); t != nil && !t.system && t.down != nil {
			t.down.remove(s.evalLHSArgs(l, t))
			s.changed()
		}
	}
	return SymNull
}

// modify implements x++, x += v and friends: the new value is computed from the current one
// and assigned back. It returns the old and new values, or ok false after a message.
func (s *Session) modify(fn string, target Expr, op func(old Expr) Expr) (old, nv Expr, ok bool) {
	if sym, isSym := target.(*Symbol); isSym {
		if sym.own == nil {
			s.Message(fn, "rvalue", sym)
			return nil, nil, false
		}
		old = s.Eval(sym)
		nv = op(old)
		if sym.system || sym.attrs&Protected != 0 {
			s.Message(fn, "wrsym", sym)
			return nil, nil, false
		}
		s.setOwn(sym, nv)
		return old, nv, true
	}
	old = s.Eval(target)
	if SameQ(old, target) {
		// x[1]++ where x[1] has no value, or 5++: nothing to change
		s.Message(fn, "rvalue", target)
		return nil, nil, false
	}
	nv = op(old)
	if s.assign(target, nv, false, nil) == SymFailed {
		return nil, nil, false
	}
	return old, nv, true
}

// plus2 adds two values, quickly for machine integers.
func (s *Session) plus2(a, b Expr) Expr {
	if x, ok := a.(Int); ok {
		if y, ok := b.(Int); ok {
			return addNum(x, y)
		}
	}
	return s.Eval(NewNormal(SymPlus, a, b))
}

// stepFn builds x++ (Increment), x-- (Decrement), ++x and --x: add delta to the variable and
// give the old value (post) or the new one.
func stepFn(name string, delta Int, post bool) func(*Session, *Normal) Expr {
	return func(s *Session, c *Normal) Expr {
		old, nv, ok := s.modify(name, c.Args[0], func(v Expr) Expr { return s.plus2(v, delta) })
		switch {
		case !ok:
			return nil
		case post:
			return old
		}
		return nv
	}
}

func fnAddTo(s *Session, c *Normal) Expr {
	// x += n on a machine integer, the common loop counter, without the general machinery
	if sym, ok := c.Args[0].(*Symbol); ok && !sym.system && sym.attrs&Protected == 0 {
		if x, ok := sym.own.(Int); ok {
			if d, ok := c.Args[1].(Int); ok {
				var v Expr
				if sum := x + d; (x >= 0) != (d >= 0) || (sum >= 0) == (x >= 0) {
					v = sum
				} else {
					v = addNum(x, d) // overflow: a big integer
				}
				s.setOwn(sym, v)
				return v
			}
		}
	}
	_, nv, ok := s.modify("AddTo", c.Args[0], func(v Expr) Expr { return s.plus2(v, c.Args[1]) })
	if !ok {
		return nil
	}
	return nv
}

func fnSubtractFrom(s *Session, c *Normal) Expr {
	_, nv, ok := s.modify("SubtractFrom", c.Args[0], func(v Expr) Expr {
		return s.Eval(NewNormal(SymPlus, v, NewNormal(SymTimes, Int(-1), c.Args[1])))
	})
	if !ok {
		return nil
	}
	return nv
}

func fnTimesBy(s *Session, c *Normal) Expr {
	_, nv, ok := s.modify("TimesBy", c.Args[0], func(v Expr) Expr { return s.Eval(NewNormal(SymTimes, v, c.Args[1])) })
	if !ok {
		return nil
	}
	return nv
}

func fnDivideBy(s *Session, c *Normal) Expr {
	_, nv, ok := s.modify("DivideBy", c.Args[0], func(v Expr) Expr {
		return s.Eval(NewNormal(SymTimes, v, NewNormal(SymPower, c.Args[1], Int(-1))))
	})
	if !ok {
		return nil
	}
	return nv
}

// partPositions reads a span (i ;; j ;; k) or a list of indices as 1-based positions in a list
// of n elements; ok is false for anything else (a single index is handled by the caller).
func (s *Session) partPositions(spec Expr, n int) ([]int, bool) {
	sp, ok := spec.(*Normal)
	if !ok || (sp.Head != SymSpan && sp.Head != SymList) {
		return nil, false
	}
	index := func(e Expr, dflt int) (int, bool) {
		if e == SymAll {
			return dflt, true
		}
		k, ok := e.(Int)
		if !ok {
			return 0, false
		}
		i := int(k)
		if i < 0 {
			i += n + 1
		}
		return i, i >= 1 && i <= n
	}
	var out []int
	if sp.Head == SymList {
		for _, e := range sp.Args {
			i, ok := index(e, 0)
			if !ok {
				s.Message("Set", "partw", e, Int(n))
				return nil, false
			}
			out = append(out, i)
		}
		return out, true
	}
	if len(sp.Args) < 2 || len(sp.Args) > 3 {
		return nil, false
	}
	from, ok1 := index(sp.Args[0], 1)
	to, ok2 := index(sp.Args[1], n)
	step := 1
	if len(sp.Args) == 3 {
		st, ok := sp.Args[2].(Int)
		if !ok || st == 0 {
			return nil, false
		}
		step = int(st)
	}
	if !ok1 || !ok2 {
		s.Message("Set", "partw", spec, Int(n))
		return nil, false
	}
	for i := from; (step > 0 && i <= to) || (step < 0 && i >= to); i += step {
		out = append(out, i)
	}
	return out, true
}
