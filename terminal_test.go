package main

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/internal/peertest"
)

// buildBinary builds socketrepl once per test into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "socketrepl")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// tmuxSession drives the binary in a real terminal through tmux.
type tmuxSession struct {
	t      *testing.T
	tmux   string
	socket string
	name   string
}

func startTmux(t *testing.T, tmux, socket, name string, env []string, command string) *tmuxSession {
	t.Helper()
	args := []string{"-S", socket, "new-session", "-d", "-s", name, "-x", "100", "-y", "30"}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	args = append(args, command)
	if out, err := exec.Command(tmux, args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	s := &tmuxSession{t: t, tmux: tmux, socket: socket, name: name}
	t.Cleanup(func() { exec.Command(tmux, "-S", socket, "kill-session", "-t", name).Run() })
	return s
}

func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	args := append([]string{"-S", s.socket, "send-keys", "-t", s.name}, keys...)
	if out, err := exec.Command(s.tmux, args...).CombinedOutput(); err != nil {
		s.t.Fatalf("tmux send-keys %q: %v\n%s", keys, err, out)
	}
}

func (s *tmuxSession) screen() string {
	out, _ := exec.Command(s.tmux, "-S", s.socket, "capture-pane", "-p", "-t", s.name).Output()
	return string(out)
}

// waitFor waits (at most 15 s) until the screen shows text.
func (s *tmuxSession) waitFor(text string) {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(s.screen(), text) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("the screen never showed %q; it shows:\n%s", text, s.screen())
}

func TestTerminal(t *testing.T) {
	tmux := peertest.NeedProgram(t, "tmux") // it drives the interactive terminal
	bin := buildBinary(t)
	dir := t.TempDir()
	socket := filepath.Join(dir, "tmux.sock")
	state := filepath.Join(dir, "state")
	env := []string{"XDG_STATE_HOME=" + state, "HOME=" + dir, "TERM=xterm"}

	s := startTmux(t, tmux, socket, "first", env, bin)
	s.waitFor("In[1]:=")
	s.keys("1 + 1", "Enter")
	s.waitFor("Out[1]= 2")

	// a multi-line input: Enter continues while the bracket is open
	s.keys("f[1,", "Enter")
	s.waitFor("In[2]:= f[1,\n")
	s.keys("2]", "Enter")
	s.waitFor("Out[2]= f[1, 2]")

	// Ctrl-C aborts a Pause and the session goes on
	s.keys("Pause[60]", "Enter")
	time.Sleep(300 * time.Millisecond)
	s.keys("C-c")
	s.waitFor("Out[3]= $Aborted")
	s.keys("n = 0; While[True, n++]", "Enter")
	time.Sleep(300 * time.Millisecond)
	s.keys("C-c")
	s.waitFor("Out[4]= $Aborted")
	s.keys("n > 0", "Enter")
	s.waitFor("Out[5]= True")

	// Ctrl-C at the prompt throws the partial input away
	s.keys("partial", "C-c")
	s.waitFor("In[6]:=")
	s.keys("ToUpperCase[\"abc\"]", "Enter")
	s.waitFor("Out[6]= ABC")
	s.keys("C-d")
	time.Sleep(300 * time.Millisecond)

	hist, err := os.ReadFile(filepath.Join(state, "socketrepl", "history"))
	if err != nil {
		t.Fatalf("no history file: %v", err)
	}
	if info, _ := os.Stat(filepath.Join(state, "socketrepl", "history")); info.Mode().Perm() != 0o600 {
		t.Errorf("history file mode %v, want 0600", info.Mode().Perm())
	}
	if !strings.Contains(string(hist), "f[1, 2]\n") || strings.Contains(string(hist), "partial") {
		t.Errorf("history should hold each complete input as one entry, and no abandoned one:\n%s", hist)
	}

	// a new session recalls the previous session's inputs with Up
	s2 := startTmux(t, tmux, socket, "second", env, bin)
	s2.waitFor("In[1]:=")
	s2.keys("Up")
	s2.waitFor("In[1]:= ToUpperCase[\"abc\"]")
	s2.keys("Up", "Enter")
	s2.waitFor("Out[1]= n > 0") // recalled from the first session, where n had a value
	s2.keys("Quit[]", "Enter")
}

// In a script, the first Ctrl-C stops it with status 130: during an evaluation, and while
// the script waits for more input.
func TestScriptInterrupt(t *testing.T) {
	bin := buildBinary(t)
	for _, c := range []struct{ name, input string }{
		{"during Pause", "Print[\"started\"]\nPause[60]\nPrint[\"not reached\"]\n"},
		{"waiting for input", "Print[\"started\"]\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(bin)
			stdin, _ := cmd.StdinPipe()
			stdout, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			io.WriteString(stdin, c.input) // stdin stays open: the script could go on
			buf := make([]byte, 64)
			n, _ := stdout.Read(buf)
			if !strings.HasPrefix(string(buf[:n]), "started") {
				t.Fatalf("got %q before the interrupt", buf[:n])
			}
			time.Sleep(200 * time.Millisecond)
			cmd.Process.Signal(os.Interrupt)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				var exit *exec.ExitError
				if !errors.As(err, &exit) || exit.ExitCode() != 130 {
					t.Errorf("exit: %v, want status 130", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the script did not stop on Ctrl-C")
			}
		})
	}
}

// TestTerminalSocketInterrupt: Ctrl-C stops a socket read that waits, with $Aborted, and what
// had arrived before stays to be read.
func TestTerminalSocketInterrupt(t *testing.T) {
	tmux := peertest.NeedProgram(t, "tmux") // it drives the interactive terminal
	bin := buildBinary(t)
	dir := t.TempDir()
	s := startTmux(t, tmux, filepath.Join(dir, "tmux.sock"), "sockets", []string{"HOME=" + dir, "TERM=xterm"}, bin+" --no-history")
	s.waitFor("In[1]:=")
	s.keys(`server = SocketOpen[Automatic]; client = SocketConnect[server]; remote = First[server["ConnectedClients"]]\;`, "Enter")
	s.waitFor("In[2]:=")
	s.keys(`WriteString[client, "abc"]`, "Enter")
	s.waitFor("In[3]:=")
	s.keys(`ReadString[remote, "\n"]`, "Enter")
	time.Sleep(300 * time.Millisecond)
	s.keys("C-c")
	s.waitFor("Out[3]= $Aborted")
	s.keys(`WriteString[client, "def\n"]`, "Enter")
	s.waitFor("In[5]:=")
	s.keys(`ReadString[remote, "\n"]`, "Enter")
	s.waitFor("Out[5]= abcdef")
	s.keys(`SocketReadMessage[remote]`, "Enter")
	time.Sleep(300 * time.Millisecond)
	s.keys("C-c")
	s.waitFor("Out[6]= $Aborted")
	s.keys(`WriteString[client, "ghi"]`, "Enter")
	s.waitFor("In[8]:=")
	s.keys(`ByteArrayToString[SocketReadMessage[remote]]`, "Enter")
	s.waitFor("Out[8]= ghi")
}

// The completer hands readline what to add after the word, and drops a candidate that does
// not continue it (readline would append it to the word regardless).
func TestCompleterAdapter(t *testing.T) {
	c := completer(func(line string, pos int) ([]string, int) {
		return []string{"SocketReadMessage", "SocketReadyQ", "Other"}, 8
	})
	got, n := c.Do([]rune(`x = SocketRe + 1`), 12)
	if n != 8 || len(got) != 2 || string(got[0]) != "adMessage" || string(got[1]) != "adyQ" {
		t.Errorf("got %q, %d", got, n)
	}
	bad := completer(func(string, int) ([]string, int) { return []string{"abc"}, 5 })
	if got, n := bad.Do([]rune("ab"), 2); got != nil || n != 0 {
		t.Errorf("a word longer than the line: got %q, %d", got, n)
	}
}

// TestTerminalCompletion: Tab completes a builtin, a name of the user's and a socket property
// in a real terminal, and ?Name shows a builtin's usage.
func TestTerminalCompletion(t *testing.T) {
	tmux := peertest.NeedProgram(t, "tmux") // it drives the interactive terminal
	bin := buildBinary(t)
	dir := t.TempDir()
	s := startTmux(t, tmux, filepath.Join(dir, "tmux.sock"), "complete", []string{"HOME=" + dir, "TERM=xterm"}, bin+" --no-history")
	s.waitFor("In[1]:=")
	s.keys("ToUpperCa", "Tab")
	s.waitFor("In[1]:= ToUpperCase")
	s.keys(`["abc"]`, "Enter")
	s.waitFor("Out[1]= ABC")

	s.keys("greeting = 1", "Enter")
	s.waitFor("Out[2]= 1")
	s.keys("gree", "Tab")
	s.waitFor("In[3]:= greeting")
	s.keys(" + 1", "Enter")
	s.waitFor("Out[3]= 2")

	s.keys(`server = SocketOpen[Automatic]\;`, "Enter")
	s.waitFor("In[5]:=")
	s.keys(`server["DestinationPo`, "Tab")
	s.waitFor(`In[5]:= server["DestinationPort`)
	s.keys(`"] > 0`, "Enter")
	s.waitFor("Out[5]= True")

	s.keys("?WriteString", "Enter")
	s.waitFor("In[6]:= ?WriteString\nWriteString[sock, e1, e2, …] writes strings")
	s.waitFor("In[7]:=")
	s.keys("Quit[]", "Enter")
}
