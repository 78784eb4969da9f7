package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/eval"
	"github.com/socketrepl/socketrepl/internal/peertest"
)

// recordHeader is the comment --record puts first in NAME.wl.
func recordHeader(name string) string {
	return "(* recorded with socketrepl --record; socketrepl --check " + name + ".wl replays it against " + name + ".golden *)\n"
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkOK runs --check on a script and fails the test unless it passes.
func checkOK(t *testing.T, script string) {
	t.Helper()
	out, code := runMain(t, "", "--check", script)
	if code != 0 || out != "ok "+script+"\n" {
		t.Errorf("--check %s: status %d, printed:\n%s", script, code, out)
	}
}

// A piped session: the inputs that ran go to NAME.wl as typed (the multi-line one intact, the
// one that did not parse left out), what they showed to NAME.golden as --transcript --mask
// prints it, and --check passes on the pair.
func TestRecordPiped(t *testing.T) {
	name := filepath.Join(t.TempDir(), "piped")
	input := "x = 6 * 7\n{x,\n x + 1}\nf[1 +]\nPrint[\"hello\"]; Length[1, 2]\n" +
		"server = SocketOpen[Automatic]\nclient = SocketConnect[server]\nClose[server]\n"
	out, code := runMain(t, input, "--record", name)
	if code != exitSyntax || !strings.Contains(out, "Syntax::sntxf") || !strings.Contains(out, "SocketObject[«TCP server · 127.0.0.1:") {
		t.Fatalf("the session itself: status %d, printed:\n%s", code, out)
	}
	wantWL := recordHeader("piped") + "x = 6 * 7\n{x,\n x + 1}\nPrint[\"hello\"]; Length[1, 2]\n" +
		"server = SocketOpen[Automatic]\nclient = SocketConnect[server]\nClose[server]\n"
	if got := readFile(t, name+".wl"); got != wantWL {
		t.Errorf("piped.wl:\n%s\nwant:\n%s", got, wantWL)
	}
	wantGolden := "In[1]:= x = 6 * 7\nOut[1]= 42\nIn[2]:= {x,\n         x + 1}\nOut[2]= {42, 43}\n" +
		"In[3]:= Print[\"hello\"]; Length[1, 2]\nhello\n" +
		"Length::argx: Length called with 2 arguments; 1 argument is expected.\nOut[3]= Length[1, 2]\n" +
		"In[4]:= server = SocketOpen[Automatic]\nOut[4]= SocketObject[«TCP server · 127.0.0.1:PORT1 · UUID1»]\n" +
		"In[5]:= client = SocketConnect[server]\nOut[5]= SocketObject[«TCP client · 127.0.0.1:PORT2 → 127.0.0.1:PORT1 · UUID2»]\n" +
		"In[6]:= Close[server]\nOut[6]= 127.0.0.1:PORT1\n"
	if got := readFile(t, name+".golden"); got != wantGolden {
		t.Errorf("piped.golden:\n%s\nwant:\n%s", got, wantGolden)
	}
	checkOK(t, name+".wl")
}

// With --transcript --mask the session shows exactly what it records: the golden is the
// screen, byte for byte. NAME.wl also names the pair.
func TestRecordTranscriptIsTheScreen(t *testing.T) {
	name := filepath.Join(t.TempDir(), "screen")
	input := "s = SocketOpen[Automatic]\nPrint[s[\"UUID\"]]\n{s[\"SourcePort\"], 80}\nClose[s]; Sockets[]\n"
	out, code := runMain(t, input, "--transcript", "--mask", "--record", name+".wl")
	if code != 0 || !strings.Contains(out, "PORT1") || !strings.Contains(out, "UUID1") {
		t.Fatalf("status %d, printed:\n%s", code, out)
	}
	if got := readFile(t, name+".golden"); got != out {
		t.Errorf("the golden is not what was shown:\n%s\nshown:\n%s", got, out)
	}
	checkOK(t, name+".wl")
}

// --record never replaces a file: with either of the pair present it stops before the session
// starts, with status 2, and leaves both files as they were.
func TestRecordRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	for _, existing := range []string{"taken.wl", "taken.golden"} {
		t.Run(existing, func(t *testing.T) {
			os.Remove(filepath.Join(dir, "taken.wl"))
			os.Remove(filepath.Join(dir, "taken.golden"))
			if err := os.WriteFile(filepath.Join(dir, existing), []byte("precious\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			out, code := runMain(t, "1 + 1\n", "--record", filepath.Join(dir, "taken"))
			if code != exitUsage || !strings.Contains(out, existing+" already exists") || strings.Contains(out, "2\n") {
				t.Errorf("status %d, printed %q", code, out)
			}
			if got := readFile(t, filepath.Join(dir, existing)); got != "precious\n" {
				t.Errorf("%s was changed to %q", existing, got)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("the directory holds %d files, want only %s", len(entries), existing)
			}
		})
	}
}

// The recorder leaves out an input that Ctrl-C interrupted and one that did not parse, numbers
// the rest as the replay will, forgets the ids the left-out input showed, and keeps what
// arrived between inputs.
func TestRecorderLeavesOut(t *testing.T) {
	// in memory, and spilled to a file after 8 bytes, the recording is the same
	for _, limit := range []int64{spillAt, 8} {
		t.Run(fmt.Sprintf("spill after %d bytes", limit), func(t *testing.T) {
			defer func(saved int64) { spillAt = saved }(spillAt)
			spillAt = limit
			recordLeavingOut(t)
		})
	}
}

func recordLeavingOut(t *testing.T) {
	name := filepath.Join(t.TempDir(), "unit")
	sess := eval.NewSession(io.Discard)
	rec, err := newRecorder(name, sess.SocketPorts, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	show := func(s string) { io.WriteString(sess.Output(), s) }

	rec.begin(sess, "Print[1]; 1 + 1")
	show("1\n")
	rec.end("Print[1]; 1 + 1", eval.Result{Value: eval.Int(2), Line: 1}, false)
	rec.begin(sess, "Pause[60]")
	show("dropped 3f1c09ab-1111-4222-8333-444455556666\n")
	rec.end("Pause[60]", eval.Result{Value: eval.SymAborted, Line: 2}, true)
	rec.begin(sess, "f[1 +]")
	rec.drop()
	rec.begin(sess, "{x,\n y}")
	show("kept 9a0e77c1-1111-4222-8333-444455556666\n")
	rec.end("{x,\n y}", eval.Result{Value: eval.Int(7), Line: 3}, false)
	show("between inputs\n")
	rec.begin(sess, "Exit[3]")
	rec.end("Exit[3]", eval.Result{Value: eval.SymNull, Line: 4, Exit: true, Code: 3}, false)
	rec.Close()

	wantWL := recordHeader("unit") + "Print[1]; 1 + 1\n{x,\n y}\nExit[3]\n"
	if got := readFile(t, name+".wl"); got != wantWL {
		t.Errorf("unit.wl:\n%s\nwant:\n%s", got, wantWL)
	}
	wantGolden := "In[1]:= Print[1]; 1 + 1\n1\nOut[1]= 2\nIn[2]:= {x,\n         y}\nkept UUID1\nOut[2]= 7\nbetween inputs\nIn[3]:= Exit[3]\n"
	if got := readFile(t, name+".golden"); got != wantGolden {
		t.Errorf("unit.golden:\n%s\nwant:\n%s", got, wantGolden)
	}
}

// A session that recorded nothing leaves no files, so the name is free again.
func TestRecordNothing(t *testing.T) {
	dir := t.TempDir()
	out, code := runMain(t, "(* only a comment *)\nf[1 +]\n", "--record", filepath.Join(dir, "empty"))
	if code != exitSyntax || !strings.Contains(out, "Syntax::") {
		t.Errorf("status %d, printed %q", code, out)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %v behind", entries)
	}
}

// The files grow an input at a time: what was recorded is there while the session runs, and
// after a kill it is still a pair that --check passes.
func TestRecordSurvivesKill(t *testing.T) {
	bin := buildBinary(t)
	name := filepath.Join(t.TempDir(), "killed")
	cmd := exec.Command(bin, "--record", name)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	io.WriteString(stdin, "s = SocketOpen[Automatic]\n{1,\n 2}\n")
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(readFileOrEmpty(name+".golden"), "Out[2]= {1, 2}\n") {
		if time.Now().After(deadline) {
			t.Fatalf("the golden never showed the second input; it holds %q", readFileOrEmpty(name+".golden"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	io.WriteString(stdin, "Pause[60]\n") // under way when the kill comes
	cmd.Process.Kill()
	cmd.Wait()
	if got, want := readFile(t, name+".wl"), recordHeader("killed")+"s = SocketOpen[Automatic]\n{1,\n 2}\n"; got != want {
		t.Errorf("killed.wl:\n%s\nwant:\n%s", got, want)
	}
	checkOK(t, name+".wl")
}

func readFileOrEmpty(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

// A live terminal session, recorded: a multi-line input, sockets whose ids and ports are
// masked, an input interrupted with Ctrl-C and one that did not parse (both left out, the
// rest renumbered), a line thrown away at the prompt, Quit[]. The recording passes --check.
func TestRecordTerminal(t *testing.T) {
	tmux := peertest.NeedProgram(t, "tmux") // it drives the interactive terminal
	bin := buildBinary(t)
	dir := t.TempDir()
	name := filepath.Join(dir, "live")
	socket := filepath.Join(dir, "tmux.sock")
	s := startTmux(t, tmux, socket, "record", []string{"HOME=" + dir, "TERM=xterm"}, bin+" --no-history --record "+name)
	s.waitFor("In[1]:=")
	s.keys("1 + 1", "Enter")
	s.waitFor("Out[1]= 2")
	s.keys("f[1,", "Enter")
	s.waitFor("In[2]:= f[1,\n")
	s.keys("2]", "Enter")
	s.waitFor("Out[2]= f[1, 2]")
	s.keys(`Print["started " <> "pause"]; Pause[60]`, "Enter")
	s.waitFor("started pause") // the input runs: Ctrl-C now aborts it
	s.keys("C-c")
	s.waitFor("Out[3]= $Aborted")
	s.keys("f[1 +]", "Enter")
	s.waitFor("Syntax::sntxf")
	s.keys("partial", "C-c")
	s.waitFor("partial^C\nIn[4]:=")
	s.keys("server = SocketOpen[Automatic]", "Enter")
	s.waitFor("Out[4]= SocketObject[«TCP server · 127.0.0.1:")
	s.keys("client = SocketConnect[server]", "Enter")
	s.waitFor("Out[5]= SocketObject[«TCP client · 127.0.0.1:")
	s.keys("Close[server]", "Enter")
	s.waitFor("Out[6]= 127.0.0.1:")
	s.keys("Quit[]", "Enter")
	deadline := time.Now().Add(15 * time.Second)
	for exec.Command(tmux, "-S", socket, "has-session", "-t", "record").Run() == nil {
		if time.Now().After(deadline) {
			t.Fatalf("the session did not end after Quit[]; the screen:\n%s", s.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}

	wantWL := recordHeader("live") + "1 + 1\nf[1,\n2]\nserver = SocketOpen[Automatic]\nclient = SocketConnect[server]\nClose[server]\nQuit[]\n"
	if got := readFile(t, name+".wl"); got != wantWL {
		t.Errorf("live.wl:\n%s\nwant:\n%s", got, wantWL)
	}
	wantGolden := "In[1]:= 1 + 1\nOut[1]= 2\nIn[2]:= f[1,\n        2]\nOut[2]= f[1, 2]\n" +
		"In[3]:= server = SocketOpen[Automatic]\nOut[3]= SocketObject[«TCP server · 127.0.0.1:PORT1 · UUID1»]\n" +
		"In[4]:= client = SocketConnect[server]\nOut[4]= SocketObject[«TCP client · 127.0.0.1:PORT2 → 127.0.0.1:PORT1 · UUID2»]\n" +
		"In[5]:= Close[server]\nOut[5]= 127.0.0.1:PORT1\nIn[6]:= Quit[]\n"
	if got := readFile(t, name+".golden"); got != wantGolden {
		t.Errorf("live.golden:\n%s\nwant:\n%s", got, wantGolden)
	}
	checkOK(t, name+".wl")
}

// A golden transcript that no longer matches makes --check say so with status 1 and a
// unified diff of where they part.
func TestCheckDiffers(t *testing.T) {
	name := filepath.Join(t.TempDir(), "changed")
	if _, code := runMain(t, "x = 6 * 7\nPrint[x]\nx + 1\n", "--record", name); code != 0 {
		t.Fatalf("recording: status %d", code)
	}
	golden := readFile(t, name+".golden")
	edited := strings.Replace(golden, "Out[3]= 43\n", "Out[3]= 44\n", 1)
	if edited == golden {
		t.Fatalf("the golden lacks Out[3]= 43:\n%s", golden)
	}
	if err := os.WriteFile(name+".golden", []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := runMain(t, "", "--check", name+".wl")
	want := "FAIL " + name + ".wl: the replay differs from " + name + ".golden\n" +
		"--- " + name + ".golden\n+++ " + name + ".wl (replayed)\n" +
		"@@ -3,4 +3,4 @@\n In[2]:= Print[x]\n 42\n In[3]:= x + 1\n-Out[3]= 44\n+Out[3]= 43\n"
	if code != exitDiffers || out != want {
		t.Errorf("status %d, printed:\n%s\nwant status 1 and:\n%s", code, out, want)
	}
}

// --check's usage errors have status 2: a missing golden or script, a file not named .wl,
// no file, or -e beside it.
func TestCheckUsage(t *testing.T) {
	dir := t.TempDir()
	lone := filepath.Join(dir, "lone.wl")
	if err := os.WriteFile(lone, []byte("1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--check", lone}, "lone.golden: no such file"},
		{[]string{"--check", filepath.Join(dir, "none.wl")}, "none.wl: no such file"},
		{[]string{"--check", filepath.Join(dir, "script.txt")}, "does not end in .wl"},
		{[]string{"--check"}, "--check takes FILE.wl"},
		{[]string{"--check", "-e", "1", lone}, "--check takes FILE.wl"},
	} {
		out, code := runMain(t, "", c.args...)
		if code != exitUsage || !strings.Contains(out, c.want) {
			t.Errorf("%q: status %d, printed %q; want status 2 and %q", c.args, code, out, c.want)
		}
	}
}

// echoServer answers each line with "pong " and the line, to any number of clients, on a port
// the system chose, which it prints first.
const echoServer = `
import socketserver
class Echo(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            self.wfile.write(b"pong " + line)
socketserver.ThreadingTCPServer.daemon_threads = True
server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Echo)
print(server.server_address[1], flush=True)
server.serve_forever()
`

// A session that talked to an outside peer (a Python server) is recorded all the same; --check
// passes while the peer runs and, once it is gone, names the peer it needs besides the diff.
func TestCheckOutsidePeer(t *testing.T) {
	ctx, stopPeer := context.WithCancel(context.Background())
	defer stopPeer()
	peer := peertest.StartPython(t, ctx, echoServer)
	port := peer.Line(t)
	name := filepath.Join(t.TempDir(), "outside")
	input := fmt.Sprintf("c = SocketConnect[{\"127.0.0.1\", %s}]\nWriteString[c, \"ping\\n\"]\nReadString[c, \"\\n\"]\nClose[c]\n", port)
	if out, code := runMain(t, input, "--record", name); code != 0 || !strings.Contains(out, "pong ping") {
		t.Fatalf("recording: status %d, printed:\n%s", code, out)
	}
	if golden := readFile(t, name+".golden"); !strings.Contains(golden, "Out[3]= pong ping\n") {
		t.Errorf("the golden lacks the peer's answer:\n%s", golden)
	}
	checkOK(t, name+".wl")

	stopPeer()
	peer.Wait()
	out, code := runMain(t, "", "--check", name+".wl")
	need := "needs a peer listening at 127.0.0.1:" + port + " (SocketConnect::refused at In[1])\n"
	if code != exitDiffers || !strings.Contains(out, need) || !strings.Contains(out, "\n-Out[3]= pong ping\n") {
		t.Errorf("without the peer: status %d, printed:\n%s\nwant status 1, %q and the diff", code, out, need)
	}
}

// zmqPushPeer is libzmq pushing "hello" to whoever connects, bound on a port the system
// chose, which it prints first.
const zmqPushPeer = `
import zmq
push = zmq.Context().socket(zmq.PUSH)
print(push.bind_to_random_port("tcp://127.0.0.1"), flush=True)
while True:
    push.send(b"hello")
`

// A ZeroMQ socket connects without complaint when nothing listens, so without its peer the
// replay shows no message: it waits for ever in the read. Stopped (here by a time limit, for a
// person by Ctrl-C), --check still names the peer, having found nothing listening there.
func TestCheckSilentZMQPeer(t *testing.T) {
	peertest.NeedPyZMQ(t)
	ctx, stopPeer := context.WithCancel(context.Background())
	defer stopPeer()
	peer := peertest.StartPython(t, ctx, zmqPushPeer)
	port := peer.Line(t)
	name := filepath.Join(t.TempDir(), "zmqpeer")
	input := fmt.Sprintf("pull = SocketConnect[{\"127.0.0.1\", %s}, {\"ZMQ\", \"Pull\"}]\nByteArrayToString[SocketReadMessage[pull]]\n", port)
	if out, code := runMain(t, input, "--record", name); code != 0 || !strings.Contains(out, "hello") {
		t.Fatalf("recording: status %d, printed:\n%s", code, out)
	}
	checkOK(t, name+".wl")

	stopPeer()
	peer.Wait()
	limit, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	var out bytes.Buffer
	code := checkScripts(limit, []string{name + ".wl"}, &out, &out)
	need := "needs a peer listening at 127.0.0.1:" + port + " (the recording connected there; nothing listens there now)\n"
	if code != exitDiffers || !strings.Contains(out.String(), need) {
		t.Errorf("without the peer: status %d, printed:\n%s\nwant status 1 and %q", code, out.String(), need)
	}
}

// silentPeers names the far ends of the golden's connections where nothing listens, and only
// those: not one where something does, not the session's own ports (masked, shown bound, or
// written in an input that opens), not one already named.
func TestSilentPeers(t *testing.T) {
	live, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	gone, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	goneAddr := gone.Addr().String()
	gone.Close()
	golden := "In[1]:= s = SocketOpen[5599]; z = SocketOpen[\n          5598, {\"ZMQ\", \"Pull\"}];\n" +
		"Out[1]= SocketObject[«TCP client · 127.0.0.1:PORT1 → " + live.Addr().String() + " · UUID1»]\n" +
		"Out[2]= SocketObject[«ZMQ Pull · connected tcp://" + goneAddr + " · UUID2»]\n" +
		"Out[3]= SocketObject[«TCP client · 127.0.0.1:PORT2 → 127.0.0.1:PORT1 · UUID3»]\n" +
		"Out[4]= SocketObject[«TCP client · 127.0.0.1:PORT3 → " + goneAddr + " · UUID4»]\n" +
		"Out[5]= SocketObject[«TCP server · 0.0.0.0:5597 · UUID5»]\n" +
		"Out[6]= SocketObject[«TCP client · 127.0.0.1:PORT4 → 127.0.0.1:5597 · UUID6»]\n" +
		"Out[7]= SocketObject[«TCP client · 127.0.0.1:PORT5 → 127.0.0.1:5599 · UUID7»]\n" +
		"Out[8]= SocketObject[«ZMQ Push · connected tcp://127.0.0.1:5598 · UUID8»]\n"
	got := silentPeers(context.Background(), golden, "", nil)
	want := []string{"needs a peer listening at " + goneAddr + " (the recording connected there; nothing listens there now)"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := silentPeers(context.Background(), golden, "", []string{"needs a peer listening at " + goneAddr + " (SocketConnect::refused at In[4])"}); len(got) != 0 {
		t.Errorf("named again: %q", got)
	}
}

func TestMissingPeers(t *testing.T) {
	refused := `SocketConnect::refused: The connection to "127.0.0.1:5555" was refused: nothing is listening there.`
	cases := []struct {
		name, want, got string
		needs           []string
	}{
		{"refused, absent from the golden",
			"In[1]:= 1\nOut[1]= 1\nIn[2]:= c = SocketConnect[5555]\nOut[2]= SocketObject[«…»]\n",
			"In[1]:= 1\nOut[1]= 1\nIn[2]:= c = SocketConnect[5555]\n" + refused + "\nOut[2]= $Failed\nIn[3]:= WriteString[c, 1]\n" + refused + "\n",
			[]string{"needs a peer listening at 127.0.0.1:5555 (SocketConnect::refused at In[2])"}},
		{"refused in the golden too: part of the experiment",
			"In[1]:= SocketConnect[5555]\n" + refused + "\nOut[1]= $Failed\n",
			"In[1]:= SocketConnect[5555]\n" + refused + "\nOut[1]= $Failed\nIn[2]:= 1\n",
			nil},
		{"a masked port is the session's own",
			"",
			"In[1]:= x\nSocketConnect::refused: The connection to \"127.0.0.1:PORT2\" was refused: nothing is listening there.\n",
			nil},
		{"a port the session opened itself: the open says why",
			"In[1]:= SocketOpen[5555];\nIn[2]:= c = SocketConnect[5555]\nOut[2]= SocketObject[«…»]\n",
			"In[1]:= SocketOpen[5555];\nSocketOpen::addrinuse: The address \"127.0.0.1:5555\" is already in use.\n" +
				"In[2]:= c = SocketConnect[5555]\n" + refused + "\nOut[2]= $Failed\n",
			[]string{"needs 127.0.0.1:5555 free, but another program is using it (SocketOpen::addrinuse at In[1])"}},
		{"timeout, handshake, address in use, dropped at exit",
			"",
			"In[1]:= a\nSocketConnect::timeout: The connection to \"10.0.0.1:80\" timed out.\n" +
				"In[2]:= b\nSocketConnect::handshake: The connection to \"127.0.0.1:6000\" was refused in the ZeroMQ handshake: wrong type.\n" +
				"In[3]:= c\nSocketOpen::addrinuse: The address \"127.0.0.1:8000\" is already in use.\n" +
				"Close::dropped: SocketObject[«ZMQ Push · connected tcp://127.0.0.1:5598 · UUID1»] closed before a peer took all it had queued within ZMQ_LINGER (1000 ms); messages dropped: 1.\n",
			[]string{
				"needs a peer listening at 10.0.0.1:80 (SocketConnect::timeout at In[1])",
				"needs a ZeroMQ peer of a matching type at 127.0.0.1:6000 (SocketConnect::handshake at In[2])",
				"needs 127.0.0.1:8000 free, but another program is using it (SocketOpen::addrinuse at In[3])",
				"needs a peer listening at 127.0.0.1:5598 (Close::dropped at In[3])",
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := missingPeers(c.want, c.got)
			if strings.Join(got, "\n") != strings.Join(c.needs, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.needs, "\n"))
			}
		})
	}
}

// The diff's hunks are numbered and laid out as diff -u lays them out (the expected texts are
// diff -u's), and a long one is cut short.
func TestTranscriptDiff(t *testing.T) {
	letters := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"
	cases := []struct{ name, want, got, diff string }{
		{"same", letters, letters, ""},
		{"one line changed", letters, strings.Replace(letters, "e\n", "E\n", 1),
			"@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"},
		{"lines added at the end", "a\nb\n", "a\nb\nc\nd\n", "@@ -1,2 +1,4 @@\n a\n b\n+c\n+d\n"},
		{"lines lost at the end", "a\nb\nc\nd\n", "a\nb\n", "@@ -1,4 +1,2 @@\n a\n b\n-c\n-d\n"},
		{"a line added at the start", "a\nb\n", "x\na\nb\n", "@@ -1,2 +1,3 @@\n+x\n a\n b\n"},
		{"no newline at the end", "a\nb\n", "a\nb", "@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n"},
		{"everything new", "", "x\n", "@@ -0,0 +1 @@\n+x\n"},
		{"two hunks", letters + letters, strings.Replace(letters, "a\n", "A\n", 1) + strings.Replace(letters, "j\n", "J\n", 1),
			"@@ -1,4 +1,4 @@\n-a\n+A\n b\n c\n d\n@@ -17,4 +17,4 @@\n g\n h\n i\n-j\n+J\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := transcriptDiff("W", c.want, "G", c.got)
			want := ""
			if c.diff != "" {
				want = "--- W\n+++ G\n" + c.diff
			}
			if got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
	// a run that differs everywhere shows the first lines only
	var many, other strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&many, "line %d\n", i)
		fmt.Fprintf(&other, "line %d\n", i*7)
	}
	d := transcriptDiff("W", many.String(), "G", other.String())
	if n := strings.Count(d, "\n"); n > diffMaxLines+diffMaxHunks+4 || !strings.HasSuffix(d, "… more differences follow\n") {
		t.Errorf("%d lines, ending %q", n, d[max(len(d)-60, 0):])
	}
}
