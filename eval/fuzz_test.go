package eval

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/grammar"
)

var fuzzSeeds = []string{
	"1 + 1", "f[x_] := x^2; f[3]", "Table[i^2, {i, 10}]", "x = {1, 2, 3}; x[[2]] = 5; x",
	"<|\"a\" -> 1|>[\"a\"]", "Module[{a = 1}, a++; a]", "If[1 < 2, \"y\", \"n\"]", "1/2 + 1/3",
	"a - 2 b + c/d", "-x^2", "(# + 1)&[2]", "f @@ {1, 2}", "x /. x -> 1", "{a, b} = {1, 2}",
	"2^100", "N[1/3]", "Catch[Throw[1]]", "Do[If[i > 2, Break[]], {i, 5}]", "\"a\" <> \"b\"",
	"Hold[1 + 1]", "x_ /; x > 0 :> x", "General::argx", "%% + %3", "a < b <= c", "1.5*^300",
}

// FuzzRoundTrip: InputForm of a parsed input parses back to an expression with the same
// InputForm, so that what the REPL prints in InputForm can be typed back.
func FuzzRoundTrip(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		n, err := grammar.Parse(src)
		if err != nil || n == nil {
			return
		}
		s := NewSession(&bytes.Buffer{})
		first := InputForm(s.Lower(n))
		n2, err := grammar.Parse(first)
		if err != nil {
			t.Fatalf("%q printed as %q, which does not parse: %v", src, first, err)
		}
		if second := InputForm(s.Lower(n2)); second != first {
			t.Fatalf("%q printed as %q, which reads back as %q", src, first, second)
		}
	})
}

// FuzzEval: evaluating any input never panics (Internal::panic) and stops within its budget.
func FuzzEval(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		n, err := grammar.Parse(src)
		if err != nil || n == nil {
			return
		}
		var out bytes.Buffer
		s := NewSession(&out)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		done := make(chan Result, 1)
		go func() { done <- s.Run(ctx, n, src) }()
		select {
		case r := <-done:
			_ = OutputForm(r.Value)
			_ = InputForm(r.Value)
		case <-time.After(10 * time.Second):
			t.Fatalf("%q did not stop within its budget", src)
		}
		if strings.Contains(out.String(), "Internal::panic") {
			t.Fatalf("%q: %s", src, out.String())
		}
	})
}
