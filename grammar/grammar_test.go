package grammar

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/grammar.ebnf")

func TestFullForm(t *testing.T) {
	cases := []struct{ src, want string }{
		// atoms
		{`x`, `x`},
		{`123456789012345678901234567890`, `123456789012345678901234567890`},
		{`1.5`, `1.5`},
		{`1.5*^3`, `1.5*^3`},
		{`.5`, `.5`},
		{`2*^3`, `2000`},
		{`16^^ff`, `255`},
		{`"a\"b\\c\n"`, `"a\"b\\c\n"`},
		{`ZeroMQLink` + "`" + `ZMQSocketWriteMessage[s]`, "ZeroMQLink`ZMQSocketWriteMessage[s]"},
		{`$Failed`, `$Failed`},
		// calls, lists, associations, parts
		{`f[x, y]`, `f[x, y]`},
		{`f[]`, `f[]`},
		{`f[g[x]]`, `f[g[x]]`},
		{`f[x][y]`, `f[x][y]`},
		{`{1, {2}}`, `List[1, List[2]]`},
		{`{}`, `List[]`},
		{`<|a -> 1, "b" :> 2|>`, `Association[Rule[a, 1], RuleDelayed["b", 2]]`},
		{`<||>`, `Association[]`},
		{`x[[1]]`, `Part[x, 1]`},
		{`x[[1, -1]]`, `Part[x, 1, -1]`},
		{`f[x[[1, 2]]]`, `f[Part[x, 1, 2]]`},
		{`x[[2 ;; 4]]`, `Part[x, Span[2, 4]]`},
		{`x[[;; 3]]`, `Part[x, Span[1, 3]]`},
		{`x[[2 ;;]]`, `Part[x, Span[2, All]]`},
		{`x[[1 ;; -1 ;; 2]]`, `Part[x, Span[1, -1, 2]]`},
		{`x[[;; ;; 2]]`, `Part[x, Span[1, All, 2]]`},
		{`m[[;;, 2]]`, `Part[m, Span[1, All], 2]`},
		{`x[[2 ;; ;; 2]]`, `Part[x, Span[2, All, 2]]`},
		// <a, b> in argument position is a list; < and > stay comparisons elsewhere
		{`SocketOpen[<"127.0.0.1",8080>,<"ZMQ","Push">]`, `SocketOpen[List["127.0.0.1", 8080], List["ZMQ", "Push"]]`},
		{`f[<1>]`, `f[List[1]]`},
		{`f[<a + 1, b>, c]`, `f[List[Plus[a, 1], b], c]`},
		{`f[a < b, c > d]`, `f[Less[a, b], Greater[c, d]]`},
		{`{<1, 2>}`, `List[List[1, 2]]`},
		// assignment and sequencing
		{`x = 1`, `Set[x, 1]`},
		{`a = b = 1`, `Set[a, Set[b, 1]]`},
		{`f[x_] := x^2`, `SetDelayed[f[Pattern[x, Blank[]]], Power[x, 2]]`},
		{`x =.`, `Unset[x]`},
		{`a; b`, `CompoundExpression[a, b]`},
		{`a; b;`, `CompoundExpression[a, b, Null]`},
		{`a = b = 1 + 2*3; a[[1]]`, `CompoundExpression[Set[a, Set[b, Plus[1, Times[2, 3]]]], Part[a, 1]]`},
		// rules and replacement
		{`a -> b -> c`, `Rule[a, Rule[b, c]]`},
		{`a :> b`, `RuleDelayed[a, b]`},
		{`x /. a -> b`, `ReplaceAll[x, Rule[a, b]]`},
		{`x //. a -> b`, `ReplaceRepeated[x, Rule[a, b]]`},
		{`a -> b /. c`, `ReplaceAll[Rule[a, b], c]`},
		// application
		{`f @ g @ x`, `f[g[x]]`},
		{`x // f // g`, `g[f[x]]`},
		{`f /@ g /@ x`, `Map[f, Map[g, x]]`},
		{`f @@ x`, `Apply[f, x]`},
		{`f @@@ x`, `Apply[f, x, List[1]]`},
		// pure functions
		{`# + 1 &`, `Function[Plus[Slot[1], 1]]`},
		{`#2 + #name + ## &`, `Function[Plus[Slot[2], Slot["name"], SlotSequence[1]]]`},
		{`WriteString[#, "hi"] & /@ server["ConnectedClients"]`, `Map[Function[WriteString[Slot[1], "hi"]], server["ConnectedClients"]]`},
		{`x = f[#]& /@ {1,2}`, `Set[x, Map[Function[f[Slot[1]]], List[1, 2]]]`},
		{`(# + 1)&[2]`, `Function[Plus[Slot[1], 1]][2]`},
		// arithmetic
		{`1 + 2*3`, `Plus[1, Times[2, 3]]`},
		{`(1 + 2)*3`, `Times[Plus[1, 2], 3]`},
		{`(a + b) + c`, `Plus[Plus[a, b], c]`},
		{`a + b + c`, `Plus[a, b, c]`},
		{`a - b - 2`, `Plus[a, Times[-1, b], -2]`},
		{`a/b/c`, `Times[a, Power[b, -1], Power[c, -1]]`},
		{`2 x y`, `Times[2, x, y]`},
		{`2 (x + 1)`, `Times[2, Plus[x, 1]]`},
		{`-5`, `-5`},
		{`-x`, `Times[-1, x]`},
		{`-2^2`, `Times[-1, Power[2, 2]]`},
		{`a^b^c`, `Power[a, Power[b, c]]`},
		{`"a" <> "b" <> c`, `StringJoin["a", "b", c]`},
		// comparisons and logic
		{`a < b <= c`, `Inequality[a, Less, b, LessEqual, c]`},
		{`a == b == c`, `Equal[a, b, c]`},
		{`a < b < c`, `Less[a, b, c]`},
		{`a === b`, `SameQ[a, b]`},
		{`a =!= b`, `UnsameQ[a, b]`},
		{`a != b`, `Unequal[a, b]`},
		{`!a && b || c`, `Or[And[Not[a], b], c]`},
		{`!a == b`, `Not[Equal[a, b]]`},
		// increments
		{`x++; ++x; x--; --x`, `CompoundExpression[Increment[x], PreIncrement[x], Decrement[x], PreDecrement[x]]`},
		{`x += 1; x -= 1; x *= 2; x /= 2`, `CompoundExpression[AddTo[x, 1], SubtractFrom[x, 1], TimesBy[x, 2], DivideBy[x, 2]]`},
		// %, messages, patterns
		{`% + %% + %3`, `Plus[Out[], Out[-2], Out[3]]`},
		{`General::argx`, `MessageName[General, "argx"]`},
		{`f[x_Integer, y__, z___]`, `f[Pattern[x, Blank[Integer]], Pattern[y, BlankSequence[]], Pattern[z, BlankNullSequence[]]]`},
		{`_`, `Blank[]`},
		{`x_ /; x > 0 -> 1`, `Rule[Condition[Pattern[x, Blank[]], Greater[x, 0]], 1]`},
		{`f[x_] := x /; x > 0`, `SetDelayed[f[Pattern[x, Blank[]]], Condition[x, Greater[x, 0]]]`},
		{`x_?EvenQ`, `PatternTest[Pattern[x, Blank[]], EvenQ]`},
		{`a | b`, `Alternatives[a, b]`},
		{`x : _Integer`, `Pattern[x, Blank[Integer]]`},
		{`10!`, `Factorial[10]`},
		{`a !b`, `Times[Factorial[a], b]`},
		{`-n!`, `Times[-1, Factorial[n]]`},
		{`2^3!`, `Power[2, Factorial[3]]`},
		// comments nest and vanish
		{`(* c (* nested *) *) 1 (* after *)`, `1`},
		{"f[1,\n 2]", `f[1, 2]`},
	}
	for _, c := range cases {
		n, err := Parse(c.src)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got := n.FullForm(); got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.src, got, c.want)
		}
	}
}

func TestSyntaxErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{"f[1 +]", "Syntax::sntxf: \"f[1 +\" cannot be followed by \"]\" at In[1]:1:6.\nf[1 +]\n     ^"},
		{"{1, 2", "Syntax::sntxi: Incomplete expression; more input is needed at In[1]:1:6.\n{1, 2\n     ^"},
		{"\"abc", "Syntax::sntxi: the string is not closed at In[1]:1:1.\n\"abc\n^"},
		{"(* open", "Syntax::sntxi: the comment is not closed at In[1]:1:1.\n(* open\n^"},
		{"x = 1 €", "Syntax::sntx: the character '€' is not part of the language at In[1]:1:7.\nx = 1 €\n      ^"},
		{"]", "Syntax::sntx: Invalid syntax in or before \"]\" at In[1]:1:1.\n]\n^"},
		{"f[1,\n  2 +]", "Syntax::sntxf: \"2 +\" cannot be followed by \"]\" at In[1]:2:6.\n  2 +]\n     ^"},
		{strings.Repeat("(", 3000) + "1" + strings.Repeat(")", 3000), "Syntax::sntx: the input is nested too deeply at In[1]:1:1001."},
	}
	for _, c := range cases {
		_, err := Parse(c.src)
		se, ok := err.(*SyntaxError)
		if !ok {
			t.Errorf("%.40s: got %v, want a SyntaxError", c.src, err)
			continue
		}
		got := se.Render("In[1]")
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("%.40s\n got %q\nwant %q", c.src, got, c.want)
		}
	}
	// positions in a file are the file's lines
	_, err := ParseChunk("demo.wl", 12, "f[1,\n  2 +]")
	if got := err.(*SyntaxError).Render("demo.wl"); !strings.HasPrefix(got, `Syntax::sntxf: "2 +" cannot be followed by "]" at demo.wl:13:6.`) {
		t.Errorf("got %q", got)
	}
}

func TestNeedsMore(t *testing.T) {
	cases := []struct {
		src  string
		want bool
	}{
		{"1 + 1", false}, {"f[1,", true}, {"{1, 2", true}, {"(1 + 2", true}, {"<|a -> 1", true},
		{"x[[1", true}, {`"abc`, true}, {"(* comment", true}, {"1 +", true}, {"x =", true},
		{"a ->", true}, {"f @", true}, {"a &&", true}, {"!", true}, {"a && !", true}, {"10!", false}, {"f[x]!", false}, {"x;", false}, {"x++", false},
		{"# &", false}, {"f[1]]", false}, {"", false}, {"(* done *)", false}, {`"a" <>`, true},
		{"x =.", false}, {"a ;;", false}, {"f[<1, 2>", true}, {"1 €", false},
	}
	for _, c := range cases {
		if got := NeedsMore(c.src); got != c.want {
			t.Errorf("NeedsMore(%q) = %v, want %v", c.src, got, c.want)
		}
	}
}

// The grammar's EBNF is kept in testdata so that any change to it shows up in review.
func TestGrammarEBNF(t *testing.T) {
	got := EBNF() + "\n"
	path := "testdata/grammar.ebnf"
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./grammar -run EBNF -update)", err)
	}
	if got != string(want) {
		t.Errorf("the grammar changed; review it and run go test ./grammar -run EBNF -update")
	}
}
