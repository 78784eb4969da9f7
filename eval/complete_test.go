package eval

import (
	"bytes"
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/socketrepl/socketrepl/grammar"
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

// session runs inputs in a fresh session, as the REPL would, and returns it.
func session(t *testing.T, inputs ...string) *Session {
	t.Helper()
	s := NewSession(&bytes.Buffer{})
	for _, in := range inputs {
		n, err := grammar.Parse(in)
		if err != nil {
			t.Fatalf("parse %q: %v", in, err)
		}
		s.Run(context.Background(), n, in)
	}
	return s
}

func TestComplete(t *testing.T) {
	s := session(t, "mySocket = 1", "myFun[x_] := x", "myAttr // SetAttributes[#, Listable] &", "myNothing", "Module[{myLocal = 1}, myLocal]")
	cases := []struct {
		name, line string
		pos        int    // -1: the end of the line
		want       string // the candidates, space-separated
		n          int    // how many runes they replace
	}{
		{"builtin names", "WriteSt", -1, "WriteString", 7},
		{"several builtins", "x = SocketRead", -1, "SocketReadMessage SocketReadyQ", 10},
		{"constants and options are names", "TimeCon", -1, "TimeConstrained TimeConstraint", 7},
		{"inside a call", "Print[ToUpper", -1, "ToUpperCase", 7},
		{"the user's names, not mere mentions or locals", "my", -1, "myAttr myFun mySocket", 2},
		{"a name after digits", "2myS", -1, "mySocket", 3},
		{"a pattern's head", "f[x_Integ", -1, "Integer IntegerPart IntegerQ IntegerString", 5},
		{"case matters", "writest", -1, "", 7},
		{"no word: nothing", "f[", -1, "", 0},
		{"the cursor in the middle", "WriteSt[x]", 7, "WriteString", 7},
		{"a context", "ZeroMQLink`ZMQ", -1, "ZeroMQLink`ZMQSocketWriteMessage", 14},
		{"inside a comment: nothing", "(* Write", -1, "", 0},
		{"after a comment", "(* x *) Write", -1, "Write WriteLine WriteString", 5},

		{"a socket property", `sock["Dest`, -1, "DestinationHostname DestinationIPAddress DestinationPort", 4},
		{"ConnectedClients", `server["Conn`, -1, "ConnectedClients", 4},
		{"ZeroMQ properties", `s["Pe`, -1, "Peers", 2},
		{"Type", `s["Ty`, -1, "Type", 2},
		{"a ZeroMQ option as a property", `push["ZMQ_LIN`, -1, "ZMQ_LINGER", 7},
		{"a property of an expression", `First[server["ConnectedClients"]]["Dest`, -1, "DestinationHostname DestinationIPAddress DestinationPort", 4},
		{"a property after a part", `socks[[1]]["UU`, -1, "UUID", 2},
		{"every property on an empty string", `sock["`, -1, allProperties(), 0},
		{"a property assignment", `s["ZMQ_SUB`, -1, "ZMQ_SUBSCRIBE", 7},
		{"a string argument of a builtin is no property", `StringJoin["Dest`, -1, "", 4},
		{"nor of a system symbol", `URL["Dest`, -1, "", 4},

		{"a ZeroMQ type", `SocketOpen[5555, {"ZMQ", "Pu`, -1, "Publish Pull Push", 2},
		{"a ZeroMQ type, angle list", `SocketOpen[<"127.0.0.1",8080>,<"ZMQ","X`, -1, "XPublish XSubscribe", 1},
		{"every ZeroMQ type", `{"ZMQ", "`, -1, "Dealer Pair Publish Pull Push Reply Request Router Stream Subscribe XPublish XSubscribe", 0},
		{"any case of ZMQ", `{"zmq", "Re`, -1, "Reply Request", 2},
		{"only as the second element", `{"ZMQ", 1, "Pu`, -1, "", 2},
		{"only after the string ZMQ", `{"TCP", "Pu`, -1, "", 2},
		{"a protocol", `SocketConnect[addr, "Z`, -1, "ZMQ " + strings.Join(zmqTypeStringsForTest(), " "), 1},
		{"a Sockets filter", `Sockets["Re`, -1, "Remote", 2},

		{"ZMQ_ anywhere", `x = "ZMQ_RCV`, -1, "ZMQ_RCVHWM ZMQ_RCVMORE ZMQ_RCVTIMEO", 7},
		{"ZMQ_ in SocketOpen: options and types", `SocketOpen[5555, "ZMQ_PU`, -1, "ZMQ_PUB ZMQ_PULL ZMQ_PUSH", 6},
		{"options of SocketOpen", `SocketOpen[5555, {"ZMQ", "Sub"}, "ZMQ_SUBS`, -1, "ZMQ_SUBSCRIBE", 8},
		{"SetOptions", `SetOptions[sub, "ZMQ_SUB`, -1, "ZMQ_SUBSCRIBE", 7},
		{"Options of a socket", `Options[push, "Sou`, -1, "SourceHostname SourceIPAddress SourcePort", 3},
		{"a builtin's options", `SocketReadMessage[s, "Mu`, -1, "Multipart", 2},
		{"a builtin's options, all", `SocketReadMessage[s, "`, -1, "Blocking Multipart", 0},
		{"a builtin's options after another", `ZeroMQLink` + "`" + `ZMQSocketWriteMessage[s, "x", "Multipart" -> True, "As`, -1, "Asynchronous", 2},
		{"not the first argument", `SocketReadMessage["Mu`, -1, "", 2},
		{"a string after other text in its element", `f["a" <> "Dest`, -1, "", 4},
		{"an escaped quote stays in the string", `sock["a\"b", "x`, -1, "", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pos := c.pos
			if pos < 0 {
				pos = len([]rune(c.line))
			}
			got, n := s.Complete(c.line, pos)
			if strings.Join(got, " ") != c.want || n != c.n {
				t.Errorf("Complete(%q, %d) = %q, %d; want %q, %d", c.line, pos, got, n, c.want, c.n)
			}
			for _, g := range got {
				if !strings.HasPrefix(g, string([]rune(c.line)[pos-n:pos])) {
					t.Errorf("candidate %q does not begin with the word it replaces", g)
				}
			}
		})
	}
}

// allProperties are what sock["…"] takes, space-separated and sorted: every TCP and ZeroMQ
// property and every ZeroMQ option.
func allProperties() string {
	all := append(append([]string{"Properties"}, socketPropertyNames...), zmqPropertyNames...)
	all = append(all, zmqOptionNamesForTest()...)
	sort.Strings(all)
	return strings.Join(all, " ")
}

func zmqOptionNamesForTest() []string {
	var out []string
	for _, o := range zmqOptions {
		out = append(out, "ZMQ_"+o.name)
	}
	sort.Strings(out)
	return out
}

func zmqTypeStringsForTest() []string {
	var out []string
	for _, t := range zmqTypes {
		out = append(out, "ZMQ_"+t.zmq)
	}
	sort.Strings(out)
	return out
}

// A new session has no names of its own yet, and completes builtins all the same.
func TestCompleteFreshSession(t *testing.T) {
	s := NewSession(&bytes.Buffer{})
	if got, n := s.Complete("Sockets", 7); strings.Join(got, " ") != "Sockets" || n != 7 {
		t.Errorf("got %q, %d", got, n)
	}
	if got, _ := s.Complete("x", 99); len(got) != 0 {
		t.Errorf("a position past the end: got %q", got)
	}
}

// A name cleared is no longer offered; one defined is, after its input has run.
func TestCompleteFollowsDefinitions(t *testing.T) {
	s := session(t, "counter = 1", "cache[1] = 2")
	if got, _ := s.Complete("c", 1); !contains(got, "counter") || !contains(got, "cache") {
		t.Fatalf("got %q", got)
	}
	s = session(t, "counter = 1", "cache[1] = 2", "Clear[counter]", "cache[1] =.")
	if got, _ := s.Complete("c", 1); contains(got, "counter") || contains(got, "cache") {
		t.Errorf("cleared names are still offered: %q", got)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Complete runs on the terminal's goroutine while the evaluator defines names on its own:
// it reads only what the evaluator published. go test -race checks that this holds.
func TestCompleteWhileEvaluating(t *testing.T) {
	s := NewSession(&bytes.Buffer{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 200; i++ {
			in := "name" + strconv.Itoa(i) + " = " + strconv.Itoa(i)
			n, err := grammar.Parse(in)
			if err != nil {
				t.Error(err)
				return
			}
			s.Run(context.Background(), n, in)
		}
	}()
	stop := false
	for !stop {
		select {
		case <-done:
			stop = true
		default:
		}
		s.Complete(`name`, 4)
		s.Complete(`sock["Dest`, 10)
	}
	got, _ := s.Complete("name19", 6)
	if strings.Join(got, " ") != "name19 name190 name191 name192 name193 name194 name195 name196 name197 name198 name199" {
		t.Errorf("after the inputs ran: %q", got)
	}
}
