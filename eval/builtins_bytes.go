package eval

var bytesBuiltins = []*Builtin{}
