package eval

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/socketrepl/socketrepl/grammar"
)

// naiveExprEnd is where Read's expression ends by definition: the first line end at which the
// text before it is not blank and the parser needs no more. exprScan must agree with it while
// looking at each byte once.
func naiveExprEnd(text string) int {
	for i := 0; i < len(text); i++ {
		if text[i] != '\n' && text[i] != '\r' {
			continue
		}
		if text[i] == '\r' && i+1 == len(text) {
			return -1
		}
		if head := text[:i]; !grammar.Blank(head) && !grammar.NeedsMore(head) {
			return i
		}
	}
	return -1
}

func TestExprScanAgreesWithTheParser(t *testing.T) {
	texts := []string{
		"1 + 1\n2\n",
		"\n\n  (* a comment *)\n  f[1,\n 2]\nnext\n",
		"{1,\n2,\n3}\n",
		"\"a string with ] and (* and\nnewline\"\nrest\n",
		"\"escaped \\\" quote [\"\nx\n",
		"(* nested (* comment *) still ( *)\n1\n",
		"<|\"a\" -> 1,\n\"b\" -> {2}|>\n3\n",
		"a +\nb\n",
		"x = 3;\ny\n",
		"f[x_] :=\n  x^2\nnext\n",
		"1\r\n2\r\n",
		"g[\r\n]\r\n",
		"a[[1,\n2]]\nb\n",
		"(1 +\n 2) *\n 3\n4\n",
		"   \n\t\n",
		"a!\nb\n",
		"!\nb\n",
		"\"é → 1\"\nx\n",
	}
	rng := rand.New(rand.NewSource(1))
	for _, text := range texts {
		want := naiveExprEnd(text)
		// the text arrives in pieces of random sizes, as a socket gives it
		for trial := 0; trial < 20; trial++ {
			x := &exprScan{}
			got := -1
			for n := 1; n <= len(text); n += 1 + rng.Intn(4) {
				if end, next, ok := x.find([]byte(text[:n])); ok {
					got = end
					if wantNext := end + 1 + boolInt(strings.HasPrefix(text[end:], "\r\n")); next != wantNext {
						t.Fatalf("%q: the terminator ends at %d, want %d", text, next, wantNext)
					}
					break
				}
			}
			if got < 0 {
				if end, _, ok := x.find([]byte(text)); ok {
					got = end
				}
			}
			if got != want {
				t.Fatalf("%q: the expression ends at %d, want %d (where the parser says)", text, got, want)
			}
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
