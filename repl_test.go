package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/eval"
	"github.com/socketrepl/socketrepl/internal/peertest"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in scripts/")

func TestMain(m *testing.M) {
	// dates in transcripts come from this clock
	clock = func() time.Time { return time.Date(2026, 11, 25, 15, 4, 5, 0, time.UTC) }
	os.Exit(m.Run())
}

// runMain runs the program in-process with the given standard input and returns its output
// (stdout and stderr together, in order) and exit status.
func runMain(t *testing.T, stdin string, args ...string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &out)
	return out.String(), code
}

// TestGolden runs every scripts/NAME.wl with --transcript --mask, as --check does (replay), and
// compares the output with scripts/NAME.golden. -update rewrites the goldens:
// review every rewrite before committing it.
func TestGolden(t *testing.T) {
	scripts, err := filepath.Glob("scripts/*.wl")
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) == 0 {
		t.Fatal("no scripts in scripts/")
	}
	for _, script := range scripts {
		name := strings.TrimSuffix(filepath.Base(script), ".wl")
		t.Run(name, func(t *testing.T) {
			if peer := goldenPeers[name]; peer != nil {
				stop := peer(t)
				defer stop()
			}
			// a script that waits forever fails here rather than hanging the test binary:
			// the time limit interrupts it as Ctrl-C would, and the diff shows where
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			got, code := replay(ctx, script)
			golden := goldenPath(script)
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run Golden -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s (exit %d):\n%s\nrun: go test -run TestGolden/%s -update, and review the diff",
					script, golden, code, explainDiff(ctx, script, string(want), got), name)
			}
		})
	}
}

// goldenPeers are the outside programs some scripts wait for, started beside the script; the
// function returned waits for the peer to finish.
var goldenPeers = map[string]func(t *testing.T) (wait func()){
	// the page's web server answers a browser; curl plays the browser here, and
	// TestWebServerBrowser does it with headless Chromium
	"webserver": func(t *testing.T) func() {
		curl := peertest.NeedProgram(t, "curl") // the web server script's browser
		done := make(chan struct{})
		go func() {
			defer close(done)
			deadline := time.Now().Add(20 * time.Second)
			for time.Now().Before(deadline) {
				out, err := exec.Command(curl, "-s", "--max-time", "10", "http://127.0.0.1:18080/").Output()
				if err == nil {
					if !strings.Contains(string(out), "<h1>Hello from socketrepl</h1>") {
						t.Errorf("curl got %q", out)
					}
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
			t.Errorf("curl could not fetch the web server's page")
		}()
		return func() { <-done }
	},
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestScriptMode(t *testing.T) {
	cases := []struct {
		name, stdin, want string
		args              []string
		code              int
	}{
		{"results not Null, not silenced", "1 + 1\nx = 5;\nPrint[x]\nf[y_] := y\n", "2\n5\n", nil, 0},
		{"CRLF lines", "1 + 1\r\n{1,\r\n 2}\r\n", "2\n{1, 2}\n", nil, 0},
		{"syntax error: message, next input runs, status 1", "f[1 +]\n3\n", "Syntax::sntxf: \"f[1 +\" cannot be followed by \"]\" at stdin:1:6.\nf[1 +]\n     ^\n3\n", nil, 1},
		{"unclosed string at end of file", "1\n\"abc\n", "1\nSyntax::sntxi: the string is not closed at stdin:2:1.\n\"abc\n^\n", nil, 1},
		{"Exit[n]", "Print[1]\nExit[7]\nPrint[2]\n", "1\n", nil, 7},
		{"Quit[]", "Quit[]\n1\n", "", nil, 0},
		{"-e", "", "4\n", []string{"-e", "2 + 2"}, 0},
		{"-e with several inputs", "", "1\n2\n", []string{"-e", "1\n2"}, 0},
		{"transcript", "{1,\n2}\nx = 1;\n", "In[1]:= {1,\n        2}\nOut[1]= {1, 2}\nIn[2]:= x = 1;\n", []string{"--transcript"}, 0},
		{"comments and blank lines are not inputs", "(* a comment *)\n\n1\n(* two\n lines *)\n2\n", "1\n2\n", nil, 0},
		{"NUL byte", "1\x00\n2\n", "Syntax::sntx: a NUL byte is not allowed in input at stdin:1:2.\n1\x00\n ^\n2\n", nil, 1},
		{"invalid UTF-8 in a string", "\"a\xffb\"\n3\n", "Syntax::sntx: the input is not valid UTF-8 (byte 0xff) at stdin:1:3.\n\"a\xffb\"\n  ^\n3\n", nil, 1},
		{"bad flag", "", "", []string{"--no-such-flag"}, 2},
		{"unreadable file", "", "socketrepl: open /no/such/file.wl: no such file or directory\n", []string{"/no/such/file.wl"}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, code := runMain(t, c.stdin, c.args...)
			if c.name == "bad flag" {
				got = "" // the usage text is flag's own
			}
			if got != c.want || code != c.code {
				t.Errorf("got %q (status %d), want %q (status %d)", got, code, c.want, c.code)
			}
		})
	}
}

// A 10 MB line is read whole (no line-length cap) and evaluated.
func TestLongLine(t *testing.T) {
	payload := strings.Repeat("a", 10<<20)
	got, code := runMain(t, "StringLength[\""+payload+"\"]\n")
	if code != 0 || got != "10485760\n" {
		t.Errorf("got %.100q (status %d)", got, code)
	}
	// and a 10 MB line that does not parse gets a message with a short excerpt
	got, code = runMain(t, "f["+strings.Repeat("1 ", 5<<20)+"+]\n")
	if code != 1 || !strings.HasPrefix(got, "Syntax::sntx: the input is too long to parse") || len(got) > 2000 {
		t.Errorf("got %.300q… (%d bytes, status %d)", got, len(got), code)
	}
}

// The README lists every builtin, generated from the same table that registers them.
func TestReadmeBuiltins(t *testing.T) {
	const begin = "<!-- builtins: generated by go test -run TestReadmeBuiltins -update; do not edit by hand -->\n"
	const end = "<!-- end builtins -->"
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	if i < 0 || j < i {
		t.Fatal("README.md lacks the builtins markers")
	}
	var b strings.Builder
	names := eval.Builtins()
	b.WriteString("Builtins (" + itoa(len(names)) + "): ")
	for k, bi := range names {
		if k > 0 {
			b.WriteString(", ")
		}
		b.WriteString("`" + bi.Name + "`")
	}
	b.WriteString(".\n")
	want := text[:i+len(begin)] + b.String() + text[j:]
	if *update {
		if err := os.WriteFile("README.md", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want != text {
		t.Error("README.md's builtin list is out of date: go test -run TestReadmeBuiltins -update")
	}
}

// TestMasker: UUIDs and the session's ports are numbered in order of appearance; a socket
// summary's UUID prefix gets the number of its UUID; other numbers stay; a port the system
// chose again for a later socket gets a new number; the time a trace line begins with is
// masked, and only there.
func TestMasker(t *testing.T) {
	var out bytes.Buffer
	ports := map[int]int{40521: 1, 52144: 1}
	m := newMasker(&out, func() map[int]int { return ports })
	io.WriteString(m, "Out[1]= SocketObject[«TCP server · 127.0.0.1:40521 · 3f1c09ab»]\n")
	io.WriteString(m, `Out[2]= SocketObject["3f1c09ab-1111-4222-8333-444455556666"] `)
	io.WriteString(m, "SocketObject[\"9a0e77c1-1111-4222-8333-444455556666\"]\nOut[3]= {52144, 40521, 405210, 80}\n")
	io.WriteString(m, "15:04:05.123 «TCP accepted · 9a0e77c1» ← 127.0.0.1:52144 5 B \"12:00:00.000 «\"\n")
	io.WriteString(m, "Out[4]= 12:00:00.000 «x»\n09:59:59.999 «ZMQ Pull · 3f1c09ab» ← 127.0.0.1:52144 LAST 2 B\n")
	ports[40521] = 2 // closed, and chosen again for a new server
	io.WriteString(m, "Out[5]= {40521, 52144}")
	m.Flush()
	want := "Out[1]= SocketObject[«TCP server · 127.0.0.1:PORT1 · UUID1»]\n" +
		`Out[2]= SocketObject["UUID1"] SocketObject["UUID2"]` + "\nOut[3]= {PORT2, PORT1, 405210, 80}\n" +
		"HH:MM:SS.mmm «TCP accepted · UUID2» ← 127.0.0.1:PORT2 5 B \"12:00:00.000 «\"\n" +
		"Out[4]= 12:00:00.000 «x»\nHH:MM:SS.mmm «ZMQ Pull · UUID1» ← 127.0.0.1:PORT2 LAST 2 B\n" +
		"Out[5]= {PORT3, PORT2}"
	if out.String() != want {
		t.Errorf("masked:\n%s\nwant:\n%s", out.String(), want)
	}
}
