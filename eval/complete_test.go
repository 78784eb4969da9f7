package eval

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Every sys("Name") in the evaluator's code names a symbol registered at start-up. A name
// first made at run time would be written into the shared table while the completer reads it
// on the terminal's goroutine, and would not be the symbol the user's input already interned
// under that name (Read[r, Byte] said Byte was not Byte).
func TestSystemSymbolsFixedAtStartUp(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	seen := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				return true
			}
			if fn, ok := call.Fun.(*ast.Ident); !ok || fn.Name != "sys" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			seen++
			if sym, _ := strconv.Unquote(lit.Value); systemSymbols[sym] == nil {
				t.Errorf("%s: sys(%s) is not registered at start-up: add it to constants", fset.Position(lit.Pos()), lit.Value)
			}
			return true
		})
	}
	if seen < 50 {
		t.Fatalf("found only %d sys(\"…\") calls: the scan is broken", seen)
	}
}
