package eval

import (
	"strings"
	"testing"
)

// info runs the inputs in a fresh session and returns what the last one printed (Information
// prints and gives Null).
func info(t *testing.T, inputs ...string) string {
	t.Helper()
	got := run(t, inputs...)
	if !strings.HasSuffix(got, "\nNull") {
		t.Fatalf("Information did not give Null: %q", got)
	}
	return strings.TrimSuffix(got, "\nNull")
}

func TestInformation(t *testing.T) {
	cases := []struct {
		name   string
		inputs []string
		want   string
	}{
		{"usage", []string{`Information["WriteString", LongForm -> False]`},
			"WriteString[sock, e1, e2, …] writes strings (other expressions in OutputForm), with no newline added."},
		{"usage of several forms", []string{`Information[If, LongForm -> False]`},
			"If[cond, t, f] gives t if cond is True and f if it is False.\nIf[cond, t, f, u] gives u if cond is neither."},
		{"long: attributes and options", []string{`Information["SocketReadMessage"]`},
			"SocketReadMessage[sock] waits for data and returns what has arrived as a ByteArray (EndOfFile once the peer has closed).\n" +
				"SocketReadMessage[sock, \"Blocking\" -> False] returns an empty ByteArray instead of waiting.\n" +
				"Attributes[SocketReadMessage] = {Protected}\n" +
				"Options[SocketReadMessage] = {\"Multipart\" -> True, \"Blocking\" -> True}"},
		{"a symbol option is written as a symbol", []string{`Information[ReadString]`},
			strings.Join(append(strings.Split(sys("ReadString").builtin.Usage, "\n"),
				"Attributes[ReadString] = {Protected}", "Options[ReadString] = {TimeConstraint -> Infinity}"), "\n")},
		{"HoldAll", []string{`Information[Table]`},
			"Table[expr, {i, n}] lists expr for i from 1 to n.\nTable[expr, {i, a, b, step}], Table[expr, {i, {v1, v2, …}}], Table[expr, {n}], and several iterators.\nAttributes[Table] = {HoldAll, Protected}"},
		{"an option name", []string{`Information[TimeConstraint, LongForm -> False]`},
			"TimeConstraint is an option of ReadByteArray, ReadString, SocketWaitAll, SocketWaitNext."},
		{"a constant", []string{`Information[True]`}, "True is a system symbol.\nAttributes[True] = {Protected}"},
		{"in a context", []string{`Information["ZeroMQLink` + "`" + `ZMQSocketWriteMessage", LongForm -> False]`},
			sys("ZeroMQLink`ZMQSocketWriteMessage").builtin.Usage},
		{"without its context after Needs", []string{"Needs[\"ZeroMQLink`\"]", `Information["ZMQSocketWriteMessage", LongForm -> False]`},
			sys("ZeroMQLink`ZMQSocketWriteMessage").builtin.Usage},
		{"unknown", []string{`Information["NoSuchThing"]`}, "Information::notfound: Symbol NoSuchThing not found."},
		{"not a name", []string{`Information["f[x]"]`}, "Information::notfound: Symbol f[x] not found."},
		{"not a symbol or a string", []string{`Information[1]`}, "Information::notfound: Symbol 1 not found."},

		{"a pattern", []string{`Information["Socket*"]`},
			"SocketConnect      SocketObject       SocketReadyQ       SocketWaitNext\nSocketListen       SocketOpen         SocketTrace        Sockets\nSocketListener     SocketReadMessage  SocketWaitAll"},
		{"@ is no capital letter", []string{`Information["Socket@", LongForm -> False]`}, sys("Sockets").builtin.Usage},
		{"a pattern with one match shows it", []string{`Information["WriteStr*", LongForm -> False]`},
			"WriteString[sock, e1, e2, …] writes strings (other expressions in OutputForm), with no newline added."},
		{"a pattern's names by context", []string{"Sockety = 1", `Information["Socket@"]`}, "System`\nSockets\nGlobal`\nSockety"},
		{"a pattern that matches nothing", []string{`Information["Nothing*Here"]`},
			"Information::nomatch: No symbol matching Nothing*Here found."},

		{"a definition", []string{"f[x_] := x^2", `Information["f", LongForm -> False]`}, "f[x_] := x^2"},
		{"definitions in the order they are tried", []string{"f[x_] := x^2", "f[2] = 5", "f[0] = 1", "f[x_Integer] := x", "f[1] := 3", `Information[f]`},
			"f[0] = 1\nf[1] := 3\nf[2] = 5\nf[x_Integer] := x\nf[x_] := x^2"},
		{"a value", []string{`s = "text"`, `Information[s]`}, `s = "text"`},
		{"attributes, and definitions of f[a][b]", []string{"SetAttributes[g, Listable]", "g[a_][b_] := a + b", `Information["g"]`},
			"Attributes[g] = {Listable}\ng[a_][b_] := a + b"},
		{"parentheses where the right side needs them", []string{"h[x_] := (Print[x]; x)", `Information["h"]`}, "h[x_] := (Print[x]; x)"},
		{"a usage of the user's", []string{`k::usage = "k[n] counts to n."`, "k[n_] := Range[n]", `Information["k", LongForm -> False]`}, "k[n] counts to n."},
		{"usage and definitions", []string{`k::usage = "k[n] counts to n."`, "k[n_] := Range[n]", `Information["k"]`}, "k[n] counts to n.\nk[n_] := Range[n]"},
		{"a symbol that holds nothing", []string{"x", `Information["x"]`}, "Global`x"},
		{"a long value is cut short", []string{"big = Range[1000]", `StringLength[ToString[Information[big]]]`}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "a long value is cut short" {
				got := run(t, append(c.inputs[:1], `Information[big]`)...)
				if n := len(got); n > definitionLimit+20 || !strings.HasPrefix(got, "big = {1, 2, 3,") || !strings.Contains(got, " …\n") {
					t.Errorf("got %d bytes: %.80q…", n, got)
				}
				return
			}
			if got := info(t, c.inputs...); got != c.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}

// Asking about a name that does not exist does not make it.
func TestInformationMakesNoSymbol(t *testing.T) {
	s := session(t, `Information["fresh"]`, `Information["fre*"]`)
	if s.symbols["fresh"] != nil {
		t.Error("Information made the symbol it was asked about")
	}
}

func TestByteArrayPreview(t *testing.T) {
	got := info(t, `ba = StringToByteArray["hello, world\n"]`, `Information[ba]`)
	want := "ba = ByteArray[<13>]\n" +
		"00000000  68 65 6c 6c 6f 2c 20 77  6f 72 6c 64 0a           |hello, world.|"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// ?ba is the definition only, and a ByteArray prints as ever
	if got := info(t, `ba = ByteArray[{1, 2, 3}]`, `Information[ba, LongForm -> False]`); got != "ba = ByteArray[<3>]" {
		t.Errorf("?ba: got %q", got)
	}
	if got := run(t, `ByteArray[{1, 2, 3}]`); got != "ByteArray[<3>]" {
		t.Errorf("OutputForm: got %q", got)
	}

	lines := strings.Split(info(t, `ba = ByteArray[Join[Range[0, 255], Range[0, 255], {65}]]`, `Information[ba]`), "\n")
	if len(lines) != 1+previewBytes/16+1 {
		t.Fatalf("got %d lines:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	if lines[1] != "00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|" ||
		lines[3] != "00000020  20 21 22 23 24 25 26 27  28 29 2a 2b 2c 2d 2e 2f  | !\"#$%&'()*+,-./|" ||
		lines[16] != "000000f0  f0 f1 f2 f3 f4 f5 f6 f7  f8 f9 fa fb fc fd fe ff  |................|" ||
		lines[17] != "… 257 more bytes not shown (513 in all)." {
		t.Errorf("got:\n%s", strings.Join(lines, "\n"))
	}
	// a row of exactly eight bytes: no gap left over, and an empty ByteArray shows no rows
	if got := info(t, `ba = ByteArray[Range[65, 72]]`, `Information[ba]`); got != "ba = ByteArray[<8>]\n00000000  41 42 43 44 45 46 47 48                           |ABCDEFGH|" {
		t.Errorf("eight bytes: got %q", got)
	}
	if got := info(t, `ba = ByteArray[{}]`, `Information[ba]`); got != "ba = ByteArray[<0>]" {
		t.Errorf("no bytes: got %q", got)
	}
}

func TestMatchName(t *testing.T) {
	for _, c := range []struct {
		pattern, name string
		want          bool
	}{
		{"Socket*", "SocketOpen", true},
		{"Socket*", "Socket", true},
		{"Socket*", "Sockets", true},
		{"*Q", "StringQ", true},
		{"*Q", "Quit", false},
		{"S*t*Q", "SocketReadyQ", true},
		{"Socket@", "Sockets", true},
		{"Socket@", "SocketOpen", false},
		{"Socket@", "Socket", false},
		{"@", "x1", true},
		{"*", "", true},
		{"Sin", "Sin", true},
		{"Sin", "sin", false},
		{"é*", "éa", true},
	} {
		if got := matchName(c.pattern, c.name); got != c.want {
			t.Errorf("matchName(%q, %q) = %v", c.pattern, c.name, got)
		}
	}
}

// Every builtin has a usage: ?Name shows it, one line per form, none empty.
func TestEveryBuiltinHasUsage(t *testing.T) {
	for _, b := range Builtins() {
		if b.Usage == "" {
			t.Errorf("%s has no Usage", b.Name)
			continue
		}
		for _, line := range strings.Split(b.Usage, "\n") {
			if strings.TrimSpace(line) == "" || strings.TrimSpace(line) != line {
				t.Errorf("%s: usage line %q is empty or has white space around it", b.Name, line)
			}
		}
	}
}

func TestColumns(t *testing.T) {
	got := strings.Join(columns([]string{"a", "bb", "ccc", "d", "e"}, 15), "\n")
	want := "a    ccc  e\nbb   d"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if got := strings.Join(columns([]string{"a", "bb", "ccc", "d", "e"}, 14), "\n"); got != "a    d\nbb   e\nccc" {
		t.Errorf("narrower: got:\n%s", got)
	}
	if got := columns([]string{"averyveryverylongname"}, 10); len(got) != 1 || got[0] != "averyveryverylongname" {
		t.Errorf("a name wider than the page: %q", got)
	}
}
