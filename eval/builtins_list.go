package eval

var listBuiltins = []*Builtin{}
