package eval

import (
	"context"
	"io"
	"testing"

	"github.com/socketrepl/socketrepl/grammar"
)

// benchEval evaluates src b.N times in one session (parsing once), as a REPL user's input.
func benchEval(b *testing.B, src string) {
	s := NewSession(io.Discard)
	n, err := grammar.Parse(src)
	if err != nil {
		b.Fatal(err)
	}
	e := s.Lower(n)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Do(context.Background(), e, src)
	}
}

// The figures: each is compared with CPython doing the same work by bench/run.
func BenchmarkDoAddTo(b *testing.B)      { benchEval(b, "x = 0; Do[x += 1, {10^6}]") }
func BenchmarkTablePower(b *testing.B)   { benchEval(b, "Table[i^2, {i, 10^6}];") }
func BenchmarkFunctionCall(b *testing.B) { benchEval(b, "f[x_] := x + 1; Do[f[i], {i, 10^5}]") }
