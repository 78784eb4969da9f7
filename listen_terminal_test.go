package main

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/internal/peertest"
)

// freePort is a port of 127.0.0.1 nobody listens on just now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// sendLines has a Python client send text to port and close.
func sendLines(t *testing.T, port int, text string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p := peertest.StartPython(t, ctx, `
import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
c.sendall(sys.argv[2].encode())
c.close()
print("sent", flush=True)
`, fmt.Sprint(port), text)
	if got := p.Line(t); got != "sent" {
		t.Fatalf("the client said %q", got)
	}
}

// SocketListen handlers run while the prompt is idle: their output appears above the prompt
// and the half-typed line is redrawn intact; Ctrl-C while a handler runs stops that handler
// (the next one runs) and keeps the line; Enter then evaluates it.
func TestTerminalListenerOutputKeepsTheLine(t *testing.T) {
	tmux := peertest.NeedProgram(t, "tmux") // it drives the interactive terminal
	peertest.NeedPython(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	env := []string{"HOME=" + dir, "TERM=xterm", "SOCKETREPL_HISTORY="}
	s := startTmux(t, tmux, filepath.Join(dir, "tmux.sock"), "listen", env, bin)
	s.waitFor("In[1]:=")

	port := freePort(t)
	s.keys("-l", fmt.Sprintf(`l = SocketListen[%d, Print["got ", #Data] &, RecordSeparators -> "\n"]`, port))
	s.keys("Enter")
	s.waitFor("Out[1]= SocketListener[«TCP server")
	s.keys("-l", "x = 1 +")
	s.waitFor("In[2]:= x = 1 +")
	sendLines(t, port, "hello\nworld\n")
	s.waitFor("got world")
	lines := strings.Split(strings.TrimRight(s.screen(), "\n "), "\n")
	last := strings.TrimRight(lines[len(lines)-1], " ")
	if last != "In[2]:= x = 1 +" {
		t.Fatalf("the half-typed line was not redrawn under the handlers' output; the screen:\n%s", s.screen())
	}
	if !strings.Contains(s.screen(), "got hello\ngot world\nIn[2]:= x = 1 +") {
		t.Fatalf("the handlers' output is not above the prompt; the screen:\n%s", s.screen())
	}

	// a slow handler: Ctrl-C stops it, the next one runs, and the line stays
	s.keys("C-u")
	s.keys("-l", `l["HandlerFunctions"] = <|"DataReceived" -> ((Print["start ", #Data]; Pause[60]; Print["never"]) &)|>\;`) // (tmux: an escaped ";")
	s.keys("Enter")
	s.waitFor("In[3]:=")
	s.keys("-l", "y = 2")
	sendLines(t, port, "slow\nnext\n")
	s.waitFor("start slow")
	s.keys("C-c")
	s.waitFor("start next")
	s.keys("C-c")
	time.Sleep(200 * time.Millisecond)
	s.keys("-l", " + 3")
	s.keys("Enter")
	s.waitFor("Out[3]= 5")
	if strings.Contains(s.screen(), "never") {
		t.Fatalf("a stopped handler went on; the screen:\n%s", s.screen())
	}
	s.keys("Quit[]", "Enter")
}
