package eval

var stringBuiltins = []*Builtin{}
