package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
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

// A conversation with one client at the idle prompt: the evaluator reads its connection
// itself between inputs (Session.WaitIdle), and an input typed meanwhile, Ctrl-C at the prompt
// and Ctrl-D still take effect at once.
func TestTerminalConversationAtTheIdlePrompt(t *testing.T) {
	tmux := peertest.NeedProgram(t, "tmux") // it drives the interactive terminal
	bin := buildBinary(t)
	dir := t.TempDir()
	socket := filepath.Join(dir, "tmux.sock")
	s := startTmux(t, tmux, socket, "idle", []string{"HOME=" + dir, "TERM=xterm"}, bin+" --no-history")
	s.waitFor("In[1]:=")
	port := freePort(t)
	s.keys("-l", fmt.Sprintf(`l = SocketListen[%d, WriteString[#SourceSocket, "<" <> #Data <> ">"] &]`, port))
	s.keys("Enter")
	s.waitFor("Out[1]= SocketListener[«TCP server")

	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	trips := func(n int, tag string) {
		t.Helper()
		for i := range n {
			msg := fmt.Sprint(tag, i)
			c.SetDeadline(time.Now().Add(10 * time.Second))
			if _, err := c.Write([]byte(msg)); err != nil {
				t.Fatal(err)
			}
			got := make([]byte, len(msg)+2)
			if _, err := io.ReadFull(c, got); err != nil || string(got) != "<"+msg+">" {
				t.Fatalf("sent %q, read %q (%v)", msg, got, err)
			}
		}
	}
	trips(30, "a")
	s.keys("1 + 1", "Enter") // the evaluator is reading the client's connection: it must stop
	s.waitFor("Out[2]= 2")
	trips(30, "b")
	s.keys("-l", "partial")
	s.keys("C-c")
	s.keys("2 + 2", "Enter")
	s.waitFor("Out[3]= 4")
	trips(30, "c")
	s.keys("C-d")
	deadline := time.Now().Add(10 * time.Second)
	for exec.Command(tmux, "-S", socket, "has-session", "-t", "idle").Run() == nil {
		if time.Now().After(deadline) {
			t.Fatalf("Ctrl-D did not end the session; the screen:\n%s", s.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
