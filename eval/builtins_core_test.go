package eval

import (
	"strings"
	"testing"
)

func TestCoreEvaluation(t *testing.T) {
	checkEval(t, []evalCase{
		// numbers: exact integers of any size, rationals stay exact
		{"1 + 1", "2"},
		{"2^100", "1267650600228229401496703205376"},
		{"9223372036854775807 + 1", "9223372036854775808"},
		{"(2^70 - 2^70 + 5) * 2", "10"},
		{"1/2 + 1/3", "5/6"},
		{"6/3", "2"},
		{"1/2 + 0.5", "1."},
		{"2 x + x", "3 x"},
		{"x x^2", "x^3"},
		{"a - a", "0"},
		{"N[1/3]", "0.333333"},
		{"InputForm[N[1/3]]", "0.3333333333333333"},
		{"Mod[-7, 3]", "2"},
		{"Quotient[7, 2]", "3"},
		{"{Floor[-1/2], Ceiling[1/2], Round[5/2], Round[2.5], Round[3.5]}", "{-1, 1, 2, 2, 4}"},
		{"{1, 2} + {10, 20}", "{11, 22}"},
		{"{1, 2} + {1, 2, 3}", "Thread::tdlen: Objects of unequal length in {1, 2} + {1, 2, 3} cannot be combined.\n{1, 2} + {1, 2, 3}"},
		{"1/0", "Power::infy: Infinite expression 1/0 encountered.\nComplexInfinity"},
		{"2^(10^10)", "General::ovfl: Overflow occurred in computation.\n$Failed"},
		// comparisons and logic
		{"1 < 2 < 3", "True"},
		{"1 == 1.", "True"},
		{"a == a", "True"},
		{"a == b", "a == b"},
		{"\"a\" == \"b\"", "False"},
		{"1 < x", "1 < x"},
		{"True && False || True", "True"},
		{"!True", "False"},
		{"a === a", "True"},
		{"1 === 1.", "False"},
		// assignment
		{"x = 5; x", "5"},
		{"x = 5; x++; x", "6"},
		{"x = 5; x += 2", "7"},
		{"x = 5; {x++, ++x, x--, --x}", "{5, 7, 7, 5}"},
		{"{a, b} = {1, 2}; a + b", "3"},
		{"y++", "Increment::rvalue: y is not a variable with a value, so its value cannot be changed.\ny++"},
		{"Plus = 1", "Set::wrsym: Symbol Plus is Protected.\n1"},
		{"Plus[a_, b_] := 0", "SetDelayed::write: Tag Plus in a_ + b_ is Protected.\n$Failed"},
		{"x = {1, 2, 3}; x[[2]] = 10; x", "{1, 10, 3}"},
		{"x = {1, 2, 3}; y = x; x[[1]] = 0; y", "{1, 2, 3}"},
		{"x = {{1, 2}, {3, 4}}; x[[2, 1]] = 0; x", "{{1, 2}, {0, 4}}"},
		{"x = {1, 2}; x[[5]] = 0", "Set::partw: Part 5 of {1, 2} does not exist.\n0"},
		{"a = <|\"k\" -> 1|>; a[\"k\"] = 2; a[\"new\"] = 3; a", "<|k -> 2, new -> 3|>"},
		{"x = 1; x =.; x", "x"},
		{"f::oops = \"bad `1`\"; Message[f::oops, 42]", "f::oops: bad 42\nNull"},
		// definitions and patterns
		{"f[x_] := x^2; f[3]", "9"},
		{"f[0] = 1; f[n_] := n f[n - 1]; f[20]", "2432902008176640000"},
		{"f[x_Integer] := \"int\"; f[x_] := \"other\"; {f[1], f[1.5], f[\"s\"]}", "{int, other, other}"},
		{"f[x_] := \"general\"; f[1] = \"one\"; {f[1], f[2]}", "{one, general}"},
		{"f[x_] := x /; x > 0; {f[1], f[-1]}", "{1, f[-1]}"},
		{"f[x_ /; x > 0] := 1; f[x_] := 0; {f[5], f[-5]}", "{1, 0}"},
		{"g[x__] := {x}; g[1, 2, 3]", "{1, 2, 3}"},
		{"g[x___] := Length[{x}]; {g[], g[1, 2]}", "{0, 2}"},
		{"h[a_, b_: 10] := a + b; {h[1], h[1, 2]}", "{11, 3}"},
		{"f[x_?EvenQ] := \"even\"; {f[2], f[3]}", "{even, f[3]}"},
		{"f[x_] := x; f[y_] := 2 y; f[3]", "6"},
		{"f[x_][y_] := x + y; f[1][2]", "3"},
		{"x /. x -> 3", "3"},
		{"{1, 2, 3} /. 2 -> b", "{1, b, 3}"},
		{"f[1, 2] /. f[a_, b_] :> a + b", "3"},
		{"{1, 2, 3} /. x_Integer /; x > 1 :> x^2", "{1, 4, 9}"},
		{"MatchQ[{1, 2}, {_, _}]", "True"},
		{"Switch[3, 1, \"a\", _Integer, \"int\", _, \"any\"]", "int"},
		// pure functions
		{"(# + 1)&[2]", "3"},
		{"#1 + #2 &[1, 2]", "3"},
		{"{##} &[1, 2, 3]", "{1, 2, 3}"},
		{"#name &[<|\"name\" -> \"x\"|>]", "x"},
		{"Function[x, x^2][4]", "16"},
		{"Function[{x, y}, x y][3, 4]", "12"},
		{"f = #^2 &; f[5]", "25"},
		// a body without slots of its own is evaluated as it is, as often as applied
		{"n = 0; f = (n++) &; f[1]; f[\"a\", 2]; Map[f, {1, 2}]; n", "4"},
		{"f = (1 + 2) &; f[5]", "3"},
		{"g = Function[#^2] &; g[3][4]", "16"},
		{"If[#0 === Null, 1, 2] &[5]", "2"},
		// scoping
		{"x = 1; Module[{x = 2}, x]; x", "1"},
		{"Module[{x = 2}, x^2]", "4"},
		{"x = 1; Block[{x = 5}, x + 1]", "6"},
		{"x = 1; f[] := x; Block[{x = 5}, f[]]", "5"},
		{"With[{a = 2}, a + a]", "4"},
		{"Module[x, x]", "Module::lvlist: Local variable specification x is not a List.\nModule[x, x]"},
		// control flow
		{"If[1 < 2, \"yes\", \"no\"]", "yes"},
		{"If[x, 1, 2]", "If[x, 1, 2]"},
		{"If[x, 1, 2, 3]", "3"},
		{"If[False, 1]", "Null"},
		// the branches are held: only the one chosen is evaluated, once
		{"n = 0; If[n == 0, n += 1, n += 10]; n", "1"},
		{"n = 0; If[x, n += 1, n += 10]", "If[x, n += 1, n += 10]"},
		{"n = 0; If[x, n += 1, n += 10]; n", "0"},
		{"If[True, Sequence[1, 2]]", "1"},         // spliced though held: If[True, 1, 2]
		{"{If[False, 0, Sequence[1, 2]]}", "{1}"}, // If[False, 0, 1, 2]
		{"n = 5; If[Evaluate[n > 1], 1, 2]", "1"},
		{"If[Sequence[True, 1], 2]", "1"},
		{"Which[False, 1, True, 2]", "2"},
		{"n = 0; While[n < 5, n++]; n", "5"},
		{"s = 0; Do[s += i, {i, 100}]; s", "5050"},
		{"s = 0; Do[s += i, {i, 1, 10, 3}]; s", "22"},
		{"s = 0; Do[s += i j, {i, 3}, {j, 2}]; s", "18"},
		{"s = {}; Do[If[i == 3, Continue[]]; s = {s, i}, {i, 5}]; Flatten[s]", "{1, 2, 4, 5}"},
		{"Do[If[i == 3, Break[]]; Print[i], {i, 5}]", "1\n2\nNull"},
		{"For[i = 0, i < 3, i++, Print[i]]", "0\n1\n2\nNull"},
		{"Do[If[i == 2, Return[i]], {i, 5}]", "2"},
		{"f[x_] := (Return[x + 1]; 0); f[1]", "2"},
		{"Catch[Do[If[i > 2, Throw[i]], {i, 10}]]", "3"},
		{"Catch[Throw[1, \"a\"], \"a\"]", "1"},
		{"x[1]++", "Increment::rvalue: x[1] is not a variable with a value, so its value cannot be changed.\nx[1]++"},
		{"5++", "Increment::rvalue: 5 is not a variable with a value, so its value cannot be changed.\n5++"},
		{"m = {{1, 2}, {3, 4}}; m[[All, 2]] = {a, b}; m", "{{1, a}, {3, b}}"},
		{"With[{x = 2}, Module[{x = 3}, x]]", "3"},
		{"Function[x, Module[{x = 5}, x]][1]", "5"},
		{"g[x_] := Function[x, x][5]; g[1]", "5"},
		{"With[{x = 2}, Function[y, x + y][1]]", "3"},
		{"Replace[-1, {x_ :> x /; x > 0, _ -> neg}]", "neg"},
		{"Which[False, 1, x, 2]", "Which[x, 2]"},
		{"Return[5]", "Return[5]"},
		{"Unevaluated[1 + 1]", "Unevaluated[1 + 1]"},
		{"SetAttributes[{s1, s2}, Listable]; {s1[{1}], s2[{2}]}", "{{s1[1]}, {s2[2]}}"},
		{"Clear[Sin]", "Clear::wrsym: Symbol Sin is Protected.\nNull"},
		{"{a1, b1} = {1}", "Set::shape: Lists {a1, b1} and {1} are not the same shape.\n{1}"},
		{"With[{x}, x]", "With::lvw: Local variable specification {x} contains x, which is not an assignment to a symbol.\nWith[{x}, x]"},
		{"Function[{x, y}, x y][2]", "Function::fpct: Too many parameters in {x, y} to be filled from Function[{x, y}, x*y][2].\nFunction[{x, y}, x y][2]"},
		{"n = 0; Do[If[n++ > 5, Break[]], {i, 1, Infinity}]; n", "7"},
		{"Abs[{-1, 2}]", "{1, 2}"},
		{"Mod[{5, 6}, 3]", "{2, 0}"},
		{"Length[Sequence[1, 2]]", "Length::argx: Length called with 2 arguments; 1 argument is expected.\nLength[1, 2]"},
		{"MatchQ[f[], f[Optional[]]]", "False"},
		{"Table[i, {i, 0, 1, 1/3}]", "{0, 1/3, 2/3, 1}"},
		{"n = 0; Do[TimeConstrained[n, 0.00001]; n++, {20000}]; n", "20000"},
		{"Plot[x, {x, 0, 1}]", "Plot[x, {x, 0, 1}]"},
		{"-(a + b)", "-a - b"},
		{"a - (b - c)", "a - b + c"},
		{"1^x", "1"},
		{"Sqrt[x]", "Sqrt[x]"},
		{"0/0", "Power::infy: Infinite expression 1/0 encountered.\nInfinity::indet: Indeterminate expression 0*ComplexInfinity encountered.\nIndeterminate"},
		{"{{1, 2}, {3, 4}}[[;;, 2]]", "{2, 4}"},
		{"Sort[{{2}, {1, 1}, {1}}]", "{{1}, {2}, {1, 1}}"},
		{"y := y; y", "y"},
		{"ff[x_] := ff[x]; ff[1]", "ff[1]"},
		{"Depth[Nest[f, x, 1100]]", "1101"},
		{"x = {a, b}; Nest[f, x, 1100]; a = 1; x", "{1, b}"},
		{"h[] := n; n = 1; y = h[]; n = 2; {y, h[]}", "{1, 2}"},
		{"{2 Infinity, 1 + Infinity, 1/Infinity, -Infinity + 5, Infinity^2}", "{Infinity, Infinity, 0, -Infinity, Infinity}"},
		{"Infinity - Infinity", "Infinity::indet: Indeterminate expression Infinity - Infinity encountered.\nIndeterminate"},
		{"Infinity/Infinity", "Infinity::indet: Indeterminate expression 0*Infinity encountered.\nIndeterminate"},
		{"0 Infinity", "Infinity::indet: Indeterminate expression 0*Infinity encountered.\nIndeterminate"},
		{"x + Infinity", "Infinity + x"},
		{"l = {1, 2, 3, 4}; l[[2 ;; 3]] = 0; l", "{1, 0, 0, 4}"},
		{"l = {1, 2, 3, 4}; l[[{1, 4}]] = {a, b}; l", "{a, 2, 3, b}"},
		{"l = {1, 2, 3, 4}; l[[;; ;; 2]] = x; l", "{x, 2, x, 4}"},
		{"Range[5]^2 + 1", "{2, 5, 10, 17, 26}"},
		{"{1, 2} 3 + {10, 20}", "{13, 26}"},
		{"{2^62, 1} + {2^62, 1}", "{9223372036854775808, 2}"},
		{"{2, 3}^{70, 2}", "{1180591620717411303424, 9}"},
		{"Join[ByteArray[{1}], ByteArray[x]]", "ByteArray::lend: The argument at position 1 in ByteArray[x] should be a vector of unsigned byte values or a Base64-encoded string.\nJoin::heads: Heads ByteArray and ByteArray at positions 1 and 2 are expected to be the same.\nJoin[ByteArray[<1>], ByteArray[x]]"},
		{"Floor[ImportString[\"1e999\", \"RawJSON\"]]", "Infinity"},
		{"Floor[1.*^400]", "Infinity"},
		{"x = Range[100]; x[[1000]];", "Part::partw: Part 1000 of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77 … does not exist.\nNull"},
		{"Range[a, a + 2]", "{a, 1 + a, 2 + a}"},
		{"Range[x, x + 1, 1/2]", "{x, 1/2 + x, 1 + x}"},
		{"Range[a, b]", "Range::range: Range specification in Range[a, b] does not have appropriate bounds.\nRange[a, b]"},
		{"Take[{1, 2, 3}, {3, 1}]", "Take::take: Cannot take positions 3 through 1 in {1, 2, 3}.\nTake[{1, 2, 3}, {3, 1}]"},
		{"Take[{1, 2, 3}, {3, 2}]", "{}"},
		{"{1, 2, 3}[[3 ;; 1]]", "Part::take: Cannot take positions 3 through 1 in {1, 2, 3}.\n{1, 2, 3}[[3 ;; 1]]"},
		{"Range[5][[-1 ;; 1 ;; -1]]", "{5, 4, 3, 2, 1}"},
		{"h[{\"a\", x_String}] := 1; h[y_] := 2; {h[{\"a\", \"b\"}], h[3]}", "{1, 2}"},
		{"h[y_] := 2; h[{\"a\", x_String, z_?NumberQ}] := 1; {h[{\"a\", \"b\", 1}], h[3]}", "{1, 2}"},
		{"h[x_, y_] := 2; h[x_Integer, y_] := 1; {h[1, a], h[a, a]}", "{1, 2}"},
		{"Throw[1]", "Throw::nocatch: Uncaught Throw[1] returned to top level.\nHold[Throw[1]]"},
		{"Break[]", "Break::nofwd: No enclosing For, While, or Do found for Break[].\nHold[Break[]]"},
		{"Check[1/0, \"failed\"]", "Power::infy: Infinite expression 1/0 encountered.\nfailed"},
		{"Check[1 + 1, \"failed\"]", "2"},
		{"Quiet[1/0]", "ComplexInfinity"},
		{"Table[i^2, {i, 5}]", "{1, 4, 9, 16, 25}"},
		{"Table[0, {3}]", "{0, 0, 0}"},
		{"Table[{i, j}, {i, 2}, {j, i}]", "{{{1, 1}}, {{2, 1}, {2, 2}}}"},
		{"Table[i, {i, 0, 1, 1/4}]", "{0, 1/4, 1/2, 3/4, 1}"},
		{"Table[x, {i, 10^20}]", "Table::iterb: Iterator {i, 10^20} does not have appropriate bounds.\nTable[x, {i, 10^20}]"},
		{"Table[0, {10^9}]", "Table::nomem: The current computation was aborted because there was insufficient memory available to complete the computation.\nTable[0, {10^9}]"},
		{"Table[i, {i, a}]", "Table::iterb: Iterator {i, a} does not have appropriate bounds.\nTable[i, {i, a}]"},
		{"TimeConstrained[While[True, 1], 0.2, \"late\"]", "late"},
		{"TimeConstrained[1 + 1, 5]", "2"},
		// holding and evaluation control
		{"Hold[1 + 1]", "Hold[1 + 1]"},
		{"HoldForm[1 + 1]", "1 + 1"},
		{"ReleaseHold[Hold[1 + 1]]", "2"},
		{"Head[{1}]", "List"},
		{"Head[1/2]", "Rational"},
		{"Attributes[Plus]", "{Flat, Listable, NumericFunction, OneIdentity, Orderless, Protected}"},
		{"Attributes[Table]", "{HoldAll, Protected}"},
		{"Attributes[If]", "{HoldRest, Protected}"},
		{"SetAttributes[g, {HoldFirst, HoldRest}]; Attributes[g]", "{HoldAll}"},
		{"SetAttributes[f, Listable]; f[{1, 2}]", "{f[1], f[2]}"},
		{"Sequence[1, 2]", "Sequence[1, 2]"},
		{"f[Sequence[1, 2], 3]", "f[1, 2, 3]"},
		// Print and Echo go to the same stream as results, in order
		{"Print[\"a\", 1, {2}]; 3", "a1{2}\n3"},
		{"Echo[5] + 1", ">> 5\n6"},
		// unknown functions stay unevaluated; a near miss gets a hint once
		{"foo[1]", "foo[1]"},
		{"Mdoule[{}, 1]", "Mdoule::unknown: Mdoule is not a known function; did you mean Module?\nMdoule[{}, 1]"},
	})
}

func TestArgumentCountMessages(t *testing.T) {
	checkEval(t, []evalCase{
		{"Head[]", "Head::argt: Head called with 0 arguments; 1 or 2 arguments are expected.\nHead[]"},
		{"N[1, 2, 3]", "N::argt: N called with 3 arguments; 1 or 2 arguments are expected.\nN[1, 2, 3]"},
		{"Power[1]", "Power::argr: Power called with 1 argument; 2 arguments are expected.\nPower[1]"},
		{"Power[1, 2, 3]", "Power::argrx: Power called with 3 arguments; 2 arguments are expected.\nPower[1, 2, 3]"},
		{"TrueQ[1, 2]", "TrueQ::argx: TrueQ called with 2 arguments; 1 argument is expected.\nTrueQ[1, 2]"},
		{"If[1]", "If::argbu: If called with 1 argument; between 2 and 4 arguments are expected.\nIf[1]"},
		{"Switch[1]", "Switch::argmu: Switch called with 1 argument; 3 or more arguments are expected.\nSwitch[1]"},
		{"Switch[1, 2]", "Switch::argm: Switch called with 2 arguments; 3 or more arguments are expected.\nSwitch[1, 2]"},
	})
}

func TestLimits(t *testing.T) {
	// runaway recursion stops with a message and $Aborted, never a Go stack overflow
	got := run(t, "f[x_] := f[x + 1]; f[1]")
	if got != "$RecursionLimit::reclim: Recursion depth of 1024 exceeded.\n$Aborted" {
		t.Errorf("got %q", got)
	}
	got = run(t, "g[x_] := 1 + g[x]; g[1]")
	if !strings.HasSuffix(got, "$Aborted") {
		t.Errorf("got %q", got)
	}
	// the session goes on after an abort
	if got := run(t, "f[x_] := f[x + 1]; f[1]", "1 + 1"); !strings.HasSuffix(got, "\n2") {
		t.Errorf("got %q", got)
	}
	// General::stop after three of the same message in one input
	got = run(t, "Do[1/0, {5}]")
	want := strings.Repeat("Power::infy: Infinite expression 1/0 encountered.\n", 3) +
		"General::stop: Further output of Power::infy will be suppressed during this calculation.\nNull"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// A Go panic anywhere in evaluation becomes Internal::panic with the input, and the session
// goes on.
func TestInternalPanic(t *testing.T) {
	sym := sys("ZzPanicForTest")
	sym.builtin = &Builtin{Name: "ZzPanicForTest", Min: 0, Max: -1, Fn: func(s *Session, c *Normal) Expr {
		var m []int
		_ = m[len(c.Args)] // an index out of range: a real runtime panic
		return nil
	}}
	defer func() { sym.builtin = nil }()
	got := run(t, "1 + ZzPanicForTest[]", "2 + 2")
	if !strings.HasPrefix(got, "Internal::panic: runtime error: index out of range [0] with length 0 while evaluating 1 + ZzPanicForTest[]\n") || !strings.HasSuffix(got, "\n4") {
		t.Errorf("got %q", got)
	}
}

// SeedRandom makes the random functions repeatable, and ranges are respected.
func TestRandom(t *testing.T) {
	draw := "{RandomInteger[100], RandomInteger[{-5, 5}, 3], RandomChoice[{x, y, z}], RandomReal[{2, 3}]}"
	a := run(t, "SeedRandom[7]; "+draw)
	b := run(t, "SeedRandom[7]; "+draw)
	c := run(t, "SeedRandom[8]; "+draw)
	if a != b || a == c {
		t.Errorf("seeded draws: %s, %s, %s", a, b, c)
	}
	if got := run(t, "SeedRandom[1]; And @@ Table[0 <= RandomInteger[3] <= 3, {1000}]"); got != "True" {
		t.Errorf("RandomInteger[3] left its range: %s", got)
	}
	if got := run(t, "SeedRandom[1]; Union[Table[RandomInteger[{1, 2}], {200}]]"); got != "{1, 2}" {
		t.Errorf("RandomInteger[{1, 2}] should reach both ends: %s", got)
	}
}

func TestOutAndIn(t *testing.T) {
	if got := run(t, "1 + 1", "% + 1", "%% + %", "Out[1] + %1"); got != "4" {
		t.Errorf("got %q", got)
	}
	if got := run(t, "x = 1", "x = 2", "In[1]; x"); got != "1" {
		t.Errorf("got %q", got)
	}
}

func TestPrinting(t *testing.T) {
	cases := []struct{ in, output, input string }{
		{"\"a\\\"b\"", "a\"b", "\"a\\\"b\""},
		{"1/2", "1/2", "1/2"},
		{"-1/2", "-1/2", "-1/2"},
		{"x^2", "x^2", "x^2"},
		{"2 x", "2 x", "2*x"},
		{"-x", "-x", "-x"},
		{"a - b", "a - b", "a - b"},
		{"a - 2 b", "a - 2 b", "a - 2*b"},
		{"x/y", "x/y", "x/y"},
		{"1/x^2", "1/x^2", "x^(-2)"},
		{"Hold[2^-2]", "Hold[1/2^2]", "Hold[2^(-2)]"},
		{"(a + b)^2", "(a + b)^2", "(a + b)^2"},
		{"(-2)^x", "(-2)^x", "(-2)^x"},
		{"3.", "3.", "3."},
		{"1.5*^20", "1.5*^20", "1.5*^20"},
		{"1/3.", "0.333333", "0.3333333333333333"},
		{"a -> b", "a -> b", "a -> b"},
		{"<|\"a\" -> 1, b :> 2|>", "<|a -> 1, b :> 2|>", "<|\"a\" -> 1, b :> 2|>"},
		{"{1, {2, \"s\"}}", "{1, {2, s}}", "{1, {2, \"s\"}}"},
		{"Hold[f[x_] := x^2]", "Hold[f[x_] := x^2]", "Hold[f[x_] := x^2]"},
		{"Hold[#1 + 1 &]", "Hold[#1 + 1 &]", "Hold[#1 + 1 &]"},
		{"Hold[a; b;]", "Hold[a; b;]", "Hold[a; b;]"},
		{"Hold[x[[1, 2]]]", "Hold[x[[1, 2]]]", "Hold[x[[1, 2]]]"},
		{"Hold[a < b <= c]", "Hold[a < b <= c]", "Hold[a < b <= c]"},
		{"Hold[!a && (b || c)]", "Hold[!a && (b || c)]", "Hold[!a && (b || c)]"},
		{"Hold[f /@ {1}]", "Hold[f /@ {1}]", "Hold[f /@ {1}]"},
		{"Hold[%% + %3]", "Hold[%% + %3]", "Hold[%% + %3]"},
		{"Hold[General::argx]", "Hold[General::argx]", "Hold[General::argx]"},
		{"Hold[- --x]", "Hold[- --x]", "Hold[- --x]"},
		{"Hold[(a == b) == c]", "Hold[(a == b) == c]", "Hold[(a == b) == c]"},
		{"Hold[(a && b) && c]", "Hold[(a && b) && c]", "Hold[(a && b) && c]"},
		{"Hold[a*(-2)]", "Hold[a (-2)]", "Hold[a*(-2)]"},
	}
	for _, c := range cases {
		if got := run(t, c.in); got != c.output {
			t.Errorf("OutputForm of %s: got %q, want %q", c.in, got, c.output)
		}
		if got := run(t, "InputForm["+c.in+"]"); got != c.input {
			t.Errorf("InputForm of %s: got %q, want %q", c.in, got, c.input)
		}
	}
}

// Walks over data nested deeper than maxWalkDepth abort the input with General::deep instead
// of exhausting the Go stack (which would end the process); the session goes on.
func TestDeepData(t *testing.T) {
	deep := "a = Nest[{#} &, 1, 120000]; b = Nest[{#} &, 1, 120000]; "
	want := "General::deep: The expression is nested more than 100000 levels deep; the evaluation was aborted.\n$Aborted"
	for _, in := range []string{"a === b", "Depth[a]", "Flatten[a]", "Position[a, 1]", "f[a] = 1",
		"a /. 1 -> 2", "Sort[{a, b}]", "N[a]", "Normal[a]", "Dimensions[a]", "Total[a, Infinity]"} {
		if got := run(t, deep+in); got != want {
			t.Errorf("%s: got %.200q", in, got)
		}
	}
	if got := run(t, deep+"Length[a]", "1 + 1"); !strings.HasSuffix(got, "2") {
		t.Errorf("the session should go on: %q", got)
	}
	if got := run(t, "Depth[Nest[{#} &, 1, 50000]]"); got != "50001" {
		t.Errorf("50000 levels are within bounds: got %q", got)
	}
}
