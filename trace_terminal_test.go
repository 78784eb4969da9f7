package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/socketrepl/socketrepl/internal/peertest"
)

// A traced socket's lines print while the prompt is idle, with no listener at all: above the
// prompt, the half-typed line redrawn under them.
func TestTerminalTraceWhileIdle(t *testing.T) {
	tmux := peertest.NeedProgram(t, "tmux") // it drives the interactive terminal
	peertest.NeedPython(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	env := []string{"HOME=" + dir, "TERM=xterm", "SOCKETREPL_HISTORY="}
	s := startTmux(t, tmux, filepath.Join(dir, "tmux.sock"), "trace", env, bin)
	s.waitFor("In[1]:=")

	port := freePort(t)
	s.keys("-l", fmt.Sprintf(`srv = SocketTrace[SocketOpen[%d]]`, port))
	s.keys("Enter")
	s.waitFor("Out[1]= SocketObject[«TCP server")
	s.keys("-l", "x = 1 +")
	s.waitFor("In[2]:= x = 1 +")
	sendLines(t, port, "hello")
	s.waitFor(" peer closed 127.0.0.1:")
	screen := s.screen()
	lines := strings.Split(strings.TrimRight(screen, "\n "), "\n")
	if last := strings.TrimRight(lines[len(lines)-1], " "); last != "In[2]:= x = 1 +" {
		t.Fatalf("the half-typed line was not redrawn under the trace; the screen:\n%s", screen)
	}
	for _, want := range []string{" accepted 127.0.0.1:", ` 5 B "hello"`, " peer closed 127.0.0.1:"} {
		if !strings.Contains(screen, want) {
			t.Fatalf("the trace lacks %q; the screen:\n%s", want, screen)
		}
	}
	s.keys("C-u")
	s.keys("Quit[]", "Enter")
}
