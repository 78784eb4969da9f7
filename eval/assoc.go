package eval

// Assoc is Wolfram's Association: keys in insertion order, each with a value. Small
// associations are searched directly; larger ones keep an index by structural hash.
type Assoc struct {
	keys  []Expr
	vals  []Expr
	delay []bool // the entry was written key :> value
	index map[uint64][]int
}

const assocIndexFrom = 16

// NewAssoc builds an association from alternating rules; later keys replace earlier ones.
func NewAssoc() *Assoc { return &Assoc{} }

// Len is the number of entries.
func (a *Assoc) Len() int { return len(a.keys) }

// Keys and Values give the entries in order; the caller must not modify them.
func (a *Assoc) Keys() []Expr   { return a.keys }
func (a *Assoc) Values() []Expr { return a.vals }

func (a *Assoc) find(k Expr) int {
	if a.index != nil {
		for _, i := range a.index[hash(k)] {
			if SameQ(a.keys[i], k) {
				return i
			}
		}
		return -1
	}
	for i, key := range a.keys {
		if SameQ(key, k) {
			return i
		}
	}
	return -1
}

// Get looks up key k.
func (a *Assoc) Get(k Expr) (Expr, bool) {
	if i := a.find(k); i >= 0 {
		return a.vals[i], true
	}
	return nil, false
}

// Set puts k -> v, replacing an existing entry in place (as Wolfram keeps its position).
func (a *Assoc) Set(k, v Expr, delayed bool) {
	if i := a.find(k); i >= 0 {
		a.vals[i], a.delay[i] = v, delayed
		return
	}
	a.keys = append(a.keys, k)
	a.vals = append(a.vals, v)
	a.delay = append(a.delay, delayed)
	if a.index != nil {
		h := hash(k)
		a.index[h] = append(a.index[h], len(a.keys)-1)
	} else if len(a.keys) >= assocIndexFrom {
		a.reindex()
	}
}

// Delete removes key k, reporting whether it was there.
func (a *Assoc) Delete(k Expr) bool {
	i := a.find(k)
	if i < 0 {
		return false
	}
	a.keys = append(a.keys[:i], a.keys[i+1:]...)
	a.vals = append(a.vals[:i], a.vals[i+1:]...)
	a.delay = append(a.delay[:i], a.delay[i+1:]...)
	if a.index != nil {
		a.reindex()
	}
	return true
}

func (a *Assoc) reindex() {
	a.index = make(map[uint64][]int, len(a.keys))
	for i, k := range a.keys {
		h := hash(k)
		a.index[h] = append(a.index[h], i)
	}
}

// clone copies the association, for functions that return a changed copy.
func (a *Assoc) clone() *Assoc {
	c := &Assoc{
		keys:  append([]Expr(nil), a.keys...),
		vals:  append([]Expr(nil), a.vals...),
		delay: append([]bool(nil), a.delay...),
	}
	if a.index != nil {
		c.reindex()
	}
	return c
}

// Rules gives the entries as a list of rules.
func (a *Assoc) Rules() []Expr {
	out := make([]Expr, len(a.keys))
	for i := range a.keys {
		h := SymRule
		if a.delay[i] {
			h = SymRuleDelayed
		}
		out[i] = NewNormal(h, a.keys[i], a.vals[i])
	}
	return out
}
