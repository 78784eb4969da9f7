package main

import (
	"strings"
	"testing"
)

func TestInformationQuery(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"?WriteString", `Information["WriteString", LongForm -> False]`},
		{"??WriteString", `Information["WriteString"]`},
		{"  ?? Socket* ", `Information["Socket*"]`},
		{"?f[x]", `Information["f[x]", LongForm -> False]`},
		{`?a"b\c`, `Information["a\"b\\c", LongForm -> False]`},
		{"?", ""},
		{"??", ""},
		{"x?y", ""},
		{"f[x_?IntegerQ] := x", ""},
		{"?x\ny", ""},
	} {
		got, ok := informationQuery(c.in)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("informationQuery(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

// ?Name works in every mode: scripts, -e, transcripts; ?Socket* is complete on its line, and
// a lone ? is a syntax error rather than a wait for more.
func TestInformationInput(t *testing.T) {
	usage := "WriteString[sock, e1, e2, …] writes strings (other expressions in OutputForm), with no newline added.\n"
	for _, c := range []struct {
		name, stdin, want string
		args              []string
		code              int
	}{
		{"script", "?WriteString\n1 + 1\n", usage + "2\n", nil, 0},
		{"-e", "", usage, []string{"-e", "?WriteString"}, 0},
		{"a pattern ends its input", "?Sockets*\n1\n", strings.SplitN(usage, "\n", 2)[1] + "Sockets[] lists the open sockets this session made.\nSockets[All] adds the accepted (remote) ones; Sockets[\"Remote\" | \"Local\" | \"Server\" | \"Client\" | \"TCP\" | \"ZMQ\"] filters.\n1\n", nil, 0},
		{"transcript: an input of its own", "??Clear\nx = 1\n", "In[1]:= ??Clear\nClear[x, y, …] removes the values and definitions of the symbols.\nAttributes[Clear] = {HoldAll, Protected}\nIn[2]:= x = 1\nOut[2]= 1\n", []string{"--transcript"}, 0},
		{"a lone ?", "?\n1\n", "Syntax::sntx: Invalid syntax in or before \"?\" at stdin:1:1.\n?\n^\n1\n", nil, 1},
		{"? inside an input is no query", "f[\n?x]\n", "", nil, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, code := runMain(t, c.stdin, c.args...)
			if c.name == "? inside an input is no query" {
				if code != 1 || !strings.HasPrefix(got, "Syntax::") {
					t.Errorf("got %q (status %d), want a syntax error", got, code)
				}
				return
			}
			if got != c.want || code != c.code {
				t.Errorf("got %q (status %d), want %q (status %d)", got, code, c.want, c.code)
			}
		})
	}
}
