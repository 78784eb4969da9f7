package grammar

import "testing"

var seeds = []string{
	"1 + 1", "f[x_] := x^2; f[3]", "SocketOpen[<\"127.0.0.1\",8080>,<\"ZMQ\",\"Push\">]",
	"WriteString[#, \"hi\"] & /@ server[\"ConnectedClients\"]", "<|a -> 1, \"b\" :> {1, 2}|>",
	"x[[2 ;; -1]]", "(* (* *) *) a < b <= c", "\"esc\\\"aped\\n\"", "f[1,", "16^^ff + 1.5*^3",
	"%% + %3", "General::argx", "x_ /; x > 0 -> 1", "a; b;", "!a && b || c", "-2^2",
}

// FuzzParse: the parser never panics, and whatever it accepts has a FullForm.
func FuzzParse(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		n, err := Parse(src)
		if err == nil && n != nil {
			_ = n.FullForm()
		}
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("%q: error %T, want *SyntaxError", src, err)
			}
			_ = err.(*SyntaxError).Render("In[1]")
		}
	})
}

// FuzzNeedsMore: never panics, and a complete input that parses is not reported as needing more.
func FuzzNeedsMore(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		more := NeedsMore(src)
		if _, err := Parse(src); err == nil && more {
			t.Fatalf("%q parses, but NeedsMore says it is incomplete", src)
		}
	})
}
