//go:build unix

package eval

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/grammar"
	"github.com/socketrepl/socketrepl/internal/peertest"
)

// Interop: the socket builtins driven through a Session against real peers on the loopback
// interface — Python's socket module and http.server (Debian's /usr/bin/python3), ncat, and
// Go's net package. Every peer and every evaluation is bounded in time. A missing peer fails
// the test under CI=true (.ci/run installs them all) and skips it elsewhere; where ::1 cannot
// be bound, the IPv6 tests skip, in CI too (DESIGN.md, Tests).

// ---------------------------------------------------------------- a live session

// evalLimit bounds one evaluation; a test that needs more is broken.
const evalLimit = 20 * time.Second

// liveSession is one session kept across inputs, as the REPL keeps it; its sockets are closed
// when the test ends.
type liveSession struct {
	t   *testing.T
	s   *Session
	out *lockedBuffer
}

func newLiveSession(t *testing.T) *liveSession {
	t.Helper()
	out := &lockedBuffer{}
	s := NewSession(out)
	t.Cleanup(s.CloseSockets)
	return &liveSession{t: t, s: s, out: out}
}

// evalCtx evaluates one input under ctx (cancelling ctx is the REPL's Ctrl-C). It may run on
// another goroutine than the test's, so it reports problems as errors, never Fatal.
func (l *liveSession) evalCtx(ctx context.Context, src string) (Expr, error) {
	n, err := grammar.Parse(src)
	if err != nil {
		return nil, fmt.Errorf("parse %q: %v", src, err)
	}
	return l.s.Run(ctx, n, src).Value, nil
}

// eval evaluates one input, failing the test if it does not finish within evalLimit.
func (l *liveSession) eval(src string) Expr {
	l.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), evalLimit)
	defer cancel()
	v, err := l.evalCtx(ctx, src)
	if err != nil {
		l.t.Fatal(err)
	}
	if ctx.Err() != nil {
		l.t.Fatalf("%s did not finish within %v; the session printed:\n%s", src, evalLimit, l.out.take())
	}
	return v
}

// want evaluates src and compares the InputForm of its value.
func (l *liveSession) want(src, want string) {
	l.t.Helper()
	if got := InputForm(l.eval(src)); got != want {
		l.t.Fatalf("%s\n got: %s\nwant: %s\nthe session printed:\n%s", src, got, want, l.out.take())
	}
}

// quiet evaluates src and fails if the session printed anything (a message).
func (l *liveSession) quiet(src string) Expr {
	l.t.Helper()
	l.out.take()
	v := l.eval(src)
	if printed := l.out.take(); printed != "" {
		l.t.Fatalf("%s printed:\n%s", src, printed)
	}
	return v
}

// integer evaluates src to a machine integer.
func (l *liveSession) integer(src string) int {
	l.t.Helper()
	v := l.eval(src)
	n, ok := v.(Int)
	if !ok {
		l.t.Fatalf("%s gave %s, not an integer; the session printed:\n%s", src, InputForm(v), l.out.take())
	}
	return int(n)
}

// ---------------------------------------------------------------- peers

// needIPv6 skips, in CI too, where the machine cannot bind ::1.
func needIPv6(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("cannot bind ::1 (IPv6 is off on this machine): %v", err)
	}
	ln.Close()
}

// peer is a program the test runs beside the session: its stdout lines arrive on lines, its
// stderr is kept for failure reports (and its lines on errLines), and it lives at most as long
// as the context it was started with.
type peer struct {
	name     string
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	lines    chan string
	errLines chan string
	stderr   lockedBuffer
	done     chan struct{}
	err      error
}

// startPeer runs a program for at most life; it is killed, if still running, when the test ends.
func startPeer(t *testing.T, life time.Duration, path string, args ...string) *peer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), life)
	t.Cleanup(cancel)
	p := &peer{
		name:     filepath.Base(path),
		cmd:      exec.CommandContext(ctx, path, args...),
		lines:    make(chan string, 100),
		errLines: make(chan string, 100),
		done:     make(chan struct{}),
	}
	p.cmd.WaitDelay = 2 * time.Second
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	var readers sync.WaitGroup
	scan := func(r io.Reader, ch chan string, keep io.Writer) {
		defer readers.Done()
		defer close(ch)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if keep != nil {
				fmt.Fprintln(keep, sc.Text())
			}
			select {
			case ch <- sc.Text():
			default: // nobody is listening for so many lines; they are kept in stderr, if at all
			}
		}
		io.Copy(io.Discard, r)
	}
	readers.Add(2)
	go scan(stdout, p.lines, nil)
	go scan(stderr, p.errLines, &p.stderr)
	go func() {
		readers.Wait()
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// line is the next line the peer prints on stdout, within d.
func (p *peer) line(t *testing.T, d time.Duration) string {
	t.Helper()
	select {
	case s, ok := <-p.lines:
		if ok {
			return s
		}
		<-p.done
		t.Fatalf("%s ended (%v) before printing a line; stderr:\n%s", p.name, p.err, p.stderr.take())
	case <-time.After(d):
		t.Fatalf("%s printed no line within %v; stderr:\n%s", p.name, d, p.stderr.take())
	}
	return ""
}

// waitStderr waits up to d for a stderr line containing text; false if the peer ended first.
func (p *peer) waitStderr(text string, d time.Duration) bool {
	timeout := time.After(d)
	for {
		select {
		case s, ok := <-p.errLines:
			if !ok {
				return false
			}
			if strings.Contains(s, text) {
				return true
			}
		case <-timeout:
			return false
		}
	}
}

// send writes to the peer's standard input.
func (p *peer) send(t *testing.T, s string) {
	t.Helper()
	if _, err := io.WriteString(p.stdin, s); err != nil {
		t.Fatalf("writing to %s: %v", p.name, err)
	}
}

// finish waits up to d for the peer to exit, and wants status 0.
func (p *peer) finish(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(d):
		t.Fatalf("%s did not exit within %v; stderr:\n%s", p.name, d, p.stderr.take())
	}
	if p.err != nil {
		t.Fatalf("%s: %v; stderr:\n%s", p.name, p.err, p.stderr.take())
	}
}

// startPython runs a Python script under Debian's python3 for at most 30 s.
func startPython(t *testing.T, script string, args ...string) *peer {
	t.Helper()
	peertest.NeedPython(t)
	return startPeer(t, 30*time.Second, peertest.Python, append([]string{"-c", script}, args...)...)
}

// startPythonServer runs a Python script that listens, and reads the port it prints first.
func startPythonServer(t *testing.T, script string, args ...string) (*peer, int) {
	t.Helper()
	p := startPython(t, script, args...)
	line := p.line(t, 10*time.Second)
	port, err := strconv.Atoi(line)
	if err != nil {
		t.Fatalf("python printed %q, not a port; stderr:\n%s", line, p.stderr.take())
	}
	return p, port
}

// pyEcho listens on argv[1], prints its port, accepts one connection and sends back
// everything it reads in upper case until the end, then closes.
const pyEcho = `
import socket, sys
l = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET)
l.bind((sys.argv[1], 0))
l.listen(1)
l.settimeout(15)
print(l.getsockname()[1], flush=True)
c, _ = l.accept()
c.settimeout(15)
while True:
    b = c.recv(65536)
    if not b:
        break
    c.sendall(b.upper())
c.close()
`

// pyClient connects to argv[1]:argv[2], prints "connected PORT" (its own port), sends the
// bytes argv[3] spells in hex, then prints each line it receives until the end, and "eof".
const pyClient = `
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=15)
print("connected", s.getsockname()[1], flush=True)
s.sendall(bytes.fromhex(sys.argv[3]))
f = s.makefile("rb")
for line in f:
    print(line.decode().rstrip("\n"), flush=True)
print("eof", flush=True)
`

// pyReset listens, prints its port, reads 5 bytes from one client, then resets the
// connection (SO_LINGER 0) and prints "reset".
const pyReset = `
import socket, struct, sys
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(1)
l.settimeout(15)
print(l.getsockname()[1], flush=True)
c, _ = l.accept()
c.settimeout(15)
got = b""
while len(got) < 5:
    got += c.recv(5 - len(got))
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()
print("reset", flush=True)
`

// pyFlood listens, prints its port, then for one client prints the SHA-256 of argv[1] random
// bytes, sends them and closes.
const pyFlood = `
import hashlib, os, socket, sys
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(1)
l.settimeout(15)
print(l.getsockname()[1], flush=True)
c, _ = l.accept()
data = os.urandom(int(sys.argv[1]))
print(hashlib.sha256(data).hexdigest(), flush=True)
c.sendall(data)
c.close()
print("sent", flush=True)
`

// pyHTTP serves the directory argv[1] with http.server on 127.0.0.1 and prints its port.
const pyHTTP = `
import functools, http.server, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
`

// ---------------------------------------------------------------- Python's socket module

func TestSocketsPythonEcho(t *testing.T) {
	py, port := startPythonServer(t, pyEcho, "127.0.0.1")
	l := newLiveSession(t)
	l.quiet(fmt.Sprintf(`c = SocketConnect[{"127.0.0.1", %d}];`, port))
	l.want(`{c["DestinationPort"], c["DestinationIPAddress"], c["Protocol"], c["DirectionType"]}`,
		fmt.Sprintf(`{%d, IPAddress["127.0.0.1"], "TCP", "Client"}`, port))
	l.quiet(`WriteString[c, "hello, python"]`)
	l.want(`ByteArrayToString[SocketReadMessage[c]]`, `"HELLO, PYTHON"`)
	l.quiet(`WriteLine[c, "second"]`)
	l.want(`ReadLine[c]`, `"SECOND"`)
	l.quiet(`BinaryWrite[c, {104, 105, 10}]`)
	l.want(`ReadString[c, "\n"]`, `"HI"`)
	l.want(`SocketReadyQ[c]`, `False`)
	// Close ends the connection: Python reads its end and exits
	l.want(`Close[c]`, fmt.Sprintf(`"127.0.0.1:%d"`, port))
	py.finish(t, 10*time.Second)
}

// Python connects to a SocketOpen server: lines, typed binary values and expressions both ways.
func TestSocketsPythonClient(t *testing.T) {
	l := newLiveSession(t)
	l.quiet(`server = SocketOpen[Automatic];`)
	port := l.integer(`server["SourcePort"]`)
	py := startPython(t, pyClient, "127.0.0.1", strconv.Itoa(port),
		hex.EncodeToString([]byte("line one\r\nline two\n"+"\x00\x00\x00\x00\x00\x00\x04\x40"+"{1, 2/3, \"x\"}\n")))
	connected := py.line(t, 10*time.Second)
	pyPort, err := strconv.Atoi(strings.TrimPrefix(connected, "connected "))
	if err != nil {
		t.Fatalf("python printed %q", connected)
	}
	l.quiet(`n = 0; While[server["ConnectedClients"] === {} && n < 400, Pause[0.025]; n++]`)
	l.quiet(`a = First[server["ConnectedClients"]];`)
	l.want(`{a["DestinationPort"], a["SourcePort"], a["DirectionType"]}`, fmt.Sprintf(`{%d, %d, "Client"}`, pyPort, port))
	l.want(`{ReadLine[a], ReadLine[a]}`, `{"line one", "line two"}`)
	l.want(`BinaryRead[a, "Real64"]`, `2.5`)
	l.want(`Read[a]`, `{1, 2/3, "x"}`)
	l.quiet(`Write[a, {1, 2/3, "x"}]; WriteLine[a, "bye"]`)
	if got := py.line(t, 5*time.Second); got != `{1, 2/3, "x"}` {
		t.Errorf("python read %q after Write", got)
	}
	if got := py.line(t, 5*time.Second); got != "bye" {
		t.Errorf("python read %q after WriteLine", got)
	}
	l.quiet(`Close[a]`)
	if got := py.line(t, 5*time.Second); got != "eof" {
		t.Errorf("python read %q after Close", got)
	}
	py.finish(t, 10*time.Second)
}

// Closing a server closes the connections it accepted: the Python client reads its end.
func TestSocketsServerCloseDisconnectsClients(t *testing.T) {
	l := newLiveSession(t)
	l.quiet(`server = SocketOpen[Automatic];`)
	port := l.integer(`server["SourcePort"]`)
	var pys []*peer
	for range 3 {
		py := startPython(t, pyClient, "127.0.0.1", strconv.Itoa(port), "")
		py.line(t, 10*time.Second) // connected
		pys = append(pys, py)
	}
	l.quiet(`n = 0; While[Length[server["ConnectedClients"]] < 3 && n < 400, Pause[0.025]; n++]`)
	l.want(`Length[server["ConnectedClients"]]`, `3`)
	l.want(`Length[Sockets["Remote"]]`, `3`)
	l.want(`Close[server]`, fmt.Sprintf(`"127.0.0.1:%d"`, port))
	for i, py := range pys {
		if got := py.line(t, 5*time.Second); got != "eof" {
			t.Errorf("client %d read %q after Close[server], want its end", i, got)
		}
		py.finish(t, 5*time.Second)
	}
	l.want(`{Sockets[], Sockets[All]}`, `{{}, {}}`)
}

// A peer that resets the connection: the next write fails with ::reset and $Failed.
func TestSocketsPeerReset(t *testing.T) {
	py, port := startPythonServer(t, pyReset)
	l := newLiveSession(t)
	l.quiet(fmt.Sprintf(`c = SocketConnect[{"127.0.0.1", %d}];`, port))
	l.quiet(`WriteString[c, "hello"]`)
	if got := py.line(t, 10*time.Second); got != "reset" {
		t.Fatalf("python printed %q", got)
	}
	py.finish(t, 5*time.Second)
	// the reset travels on its own; a write that left before it arrived succeeds
	l.out.take()
	l.want(`r = Null; i = 0; While[r =!= $Failed && i < 100, r = WriteString[c, "x"]; If[r =!= $Failed, Pause[0.02]]; i++]; r`, `$Failed`)
	wantMsg := fmt.Sprintf(`WriteString::reset: The peer "127.0.0.1:%d" closed or reset the connection.`, port)
	if out := l.out.take(); strings.TrimSpace(out) != wantMsg {
		t.Errorf("the session printed\n%s\nwant\n%s", out, wantMsg)
	}
	// the socket stays a socket: a second write says the same, and Close works
	l.want(`WriteString[c, "y"]`, `$Failed`)
	if out := l.out.take(); !strings.Contains(out, "WriteString::reset:") {
		t.Errorf("the second write printed %q", out)
	}
	l.want(`Close[c]`, fmt.Sprintf(`"127.0.0.1:%d"`, port))
}

// 64 MiB from a Python peer, read to its end with ReadByteArray.
func TestSocketsReadByteArray64MiB(t *testing.T) {
	const size = 64 << 20
	py, port := startPythonServer(t, pyFlood, strconv.Itoa(size))
	l := newLiveSession(t)
	l.quiet(fmt.Sprintf(`c = SocketConnect[{"127.0.0.1", %d}];`, port))
	sum := py.line(t, 10*time.Second)
	start := time.Now()
	v := l.quiet(`b = ReadByteArray[c]`)
	elapsed := time.Since(start)
	ba, ok := v.(*ByteArray)
	if !ok {
		t.Fatalf("ReadByteArray gave %s", InputForm(v))
	}
	if len(ba.B) != size {
		t.Fatalf("read %d bytes, want %d", len(ba.B), size)
	}
	if got := sha256.Sum256(ba.B); hex.EncodeToString(got[:]) != sum {
		t.Fatalf("the bytes read differ from those sent: SHA-256 %x, want %s", got, sum)
	}
	t.Logf("64 MiB read to the end in %v", elapsed)
	l.want(`{Length[b], ReadByteArray[c], SocketReadyQ[c]}`, fmt.Sprintf(`{%d, EndOfFile, False}`, size))
	if got := py.line(t, 5*time.Second); got != "sent" {
		t.Errorf("python printed %q", got)
	}
	py.finish(t, 5*time.Second)
}

// ---------------------------------------------------------------- Python's http.server

func TestSocketsPythonHTTPServer(t *testing.T) {
	dir := t.TempDir()
	body := "héllo from http.server\n"
	if err := os.WriteFile(filepath.Join(dir, "x"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	// ReadString maps bytes to characters one to one (DESIGN.md)
	latin1 := func(s string) string {
		r := make([]rune, len(s))
		for i := range len(s) {
			r[i] = rune(s[i])
		}
		return string(r)
	}
	_, port := startPythonServer(t, pyHTTP, dir)
	l := newLiveSession(t)
	get := func(connect, path string) string {
		t.Helper()
		l.quiet(fmt.Sprintf(`c = SocketConnect[%s];`, connect))
		l.want(`c["DestinationPort"]`, strconv.Itoa(port)) // the URL's port wins over the scheme's
		l.quiet(fmt.Sprintf(`WriteString[c, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n"]`, path, port))
		v := l.quiet(`r = ReadString[c, EndOfFile]`)
		l.quiet(`Close[c]`)
		s, ok := v.(String)
		if !ok {
			t.Fatalf("ReadString gave %s", InputForm(v))
		}
		return string(s)
	}
	check := func(what, resp, status, wantBody string) {
		t.Helper()
		head, gotBody, ok := strings.Cut(resp, "\r\n\r\n")
		if !ok {
			t.Fatalf("%s: no header end in %q", what, resp)
		}
		if first, _, _ := strings.Cut(head, "\r\n"); first != status {
			t.Errorf("%s: status line %q, want %q", what, first, status)
		}
		if wantBody != "" && gotBody != wantBody {
			t.Errorf("%s: body %q, want %q", what, gotBody, wantBody)
		}
	}
	resp := get(fmt.Sprintf(`"http://127.0.0.1:%d/"`, port), "/x")
	check("GET /x", resp, "HTTP/1.0 200 OK", latin1(body))
	if !strings.Contains(resp, fmt.Sprintf("\r\nContent-Length: %d\r\n", len(body))) {
		t.Errorf("GET /x: no Content-Length %d in\n%s", len(body), resp)
	}
	check("GET /x through URL[…]", get(fmt.Sprintf(`URL["http://127.0.0.1:%d/x"]`, port), "/x"), "HTTP/1.0 200 OK", latin1(body))
	check("GET /missing", get(fmt.Sprintf(`"http://127.0.0.1:%d/missing"`, port), "/missing"), "HTTP/1.0 404 File not found", "")
	// the same bytes, decoded as UTF-8
	l.quiet(fmt.Sprintf(`c = SocketConnect[URL["http://127.0.0.1:%d/x"]];`, port))
	l.quiet(`WriteString[c, "GET /x HTTP/1.0\r\n\r\n"]`)
	l.want(`Last[StringSplit[ByteArrayToString[ReadByteArray[c]], "\r\n\r\n"]]`, strconv.Quote(body))
}

// ---------------------------------------------------------------- ncat

// freePort finds a port nothing listens on (for a peer that cannot be told to pick one).
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// ncat listens (ncat -l 127.0.0.1 PORT); the session connects.
func TestSocketsNcatListener(t *testing.T) {
	ncat := peertest.NeedProgram(t, "ncat")
	var nc *peer
	var port int
	for try := 0; ; try++ {
		port = freePort(t)
		nc = startPeer(t, 30*time.Second, ncat, "-v", "-l", "127.0.0.1", strconv.Itoa(port))
		if nc.waitStderr("Listening on", 10*time.Second) {
			break
		}
		if try == 4 {
			t.Fatalf("ncat -l never listened; stderr:\n%s", nc.stderr.take())
		}
	}
	l := newLiveSession(t)
	l.quiet(fmt.Sprintf(`c = SocketConnect[{"127.0.0.1", %d}];`, port))
	l.quiet(`WriteLine[c, "to ncat"]`)
	if got := nc.line(t, 5*time.Second); got != "to ncat" {
		t.Errorf("ncat printed %q", got)
	}
	nc.send(t, "to the session\n")
	l.want(`ReadLine[c]`, `"to the session"`)
	// ncat half-closes when its input ends: the session reads the end, and can still write
	nc.stdin.Close()
	l.want(`ReadString[c]`, `EndOfFile`)
	l.want(`SocketReadMessage[c]`, `EndOfFile`)
	l.quiet(`WriteString[c, "after the end\n"]`)
	if got := nc.line(t, 5*time.Second); got != "after the end" {
		t.Errorf("ncat printed %q", got)
	}
	l.want(`Close[c]`, fmt.Sprintf(`"127.0.0.1:%d"`, port))
	nc.finish(t, 5*time.Second)
}

// ncat connects to a SocketOpen server.
func TestSocketsNcatClient(t *testing.T) {
	ncat := peertest.NeedProgram(t, "ncat")
	l := newLiveSession(t)
	l.quiet(`server = SocketOpen[Automatic];`)
	port := l.integer(`server["SourcePort"]`)
	nc := startPeer(t, 30*time.Second, ncat, "127.0.0.1", strconv.Itoa(port))
	l.quiet(`n = 0; While[server["ConnectedClients"] === {} && n < 400, Pause[0.025]; n++]`)
	l.quiet(`a = First[server["ConnectedClients"]];`)
	l.quiet(`WriteString[a, "to ncat\n"]`)
	if got := nc.line(t, 5*time.Second); got != "to ncat" {
		t.Errorf("ncat printed %q", got)
	}
	nc.send(t, "to the session\n")
	l.want(`ReadString[a, "\n"]`, `"to the session"`)
	nc.send(t, "last words")
	nc.stdin.Close()
	l.want(`{ReadString[a], ReadString[a]}`, `{"last words", EndOfFile}`)
	// read to its end, the client drops out of the list, and closes without complaint
	l.want(`server["ConnectedClients"]`, `{}`)
	l.quiet(`Close[a]`)
	nc.finish(t, 5*time.Second)
	l.quiet(`Close[server]`)
}

// ---------------------------------------------------------------- Go's net package

func TestSocketsGoPeer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- c
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	l := newLiveSession(t)
	l.quiet(fmt.Sprintf(`c = SocketConnect["127.0.0.1:%d"];`, port))
	var g net.Conn
	select {
	case g = <-accepted:
	case <-time.After(5 * time.Second):
		t.Fatal("the Go listener accepted nothing")
	}
	defer g.Close()
	g.SetDeadline(time.Now().Add(20 * time.Second))
	if got, want := g.RemoteAddr().(*net.TCPAddr).Port, l.integer(`c["SourcePort"]`); got != want {
		t.Errorf("Go sees the client at port %d, the session says %d", got, want)
	}

	// session -> Go
	l.quiet(`BinaryWrite[c, {1, -2, 70000}, "Integer32"]; BinaryWrite[c, 2.5, "Real64", ByteOrdering -> 1]; WriteString[c, "héllo"]`)
	var ints [3]int32
	var real float64
	if err := binary.Read(g, binary.LittleEndian, &ints); err != nil {
		t.Fatal(err)
	}
	if err := binary.Read(g, binary.BigEndian, &real); err != nil {
		t.Fatal(err)
	}
	text := make([]byte, len("héllo"))
	if _, err := io.ReadFull(g, text); err != nil {
		t.Fatal(err)
	}
	if ints != [3]int32{1, -2, 70000} || real != 2.5 || string(text) != "héllo" {
		t.Errorf("Go read %v, %v, %q", ints, real, text)
	}

	// Go -> session
	var msg bytes.Buffer
	binary.Write(&msg, binary.LittleEndian, []uint16{1, 65535})
	binary.Write(&msg, binary.LittleEndian, math.Float32bits(-0.5))
	msg.WriteString("héllo\r\n")
	g.Write(msg.Bytes())
	l.want(`BinaryReadList[c, "UnsignedInteger16", 2]`, `{1, 65535}`)
	l.want(`BinaryRead[c, "Real32"]`, `-0.5`)
	l.want(`ByteArrayToString[ReadByteArray[c, EndOfLine]]`, `"héllo"`)
	g.Write([]byte{0, 1, 2, 255})
	g.(*net.TCPConn).CloseWrite()
	l.want(`BinaryReadList[c]`, `{0, 1, 2, 255}`)
	l.want(`{ReadByteArray[c], SocketReadyQ[c], BinaryRead[c]}`, `{EndOfFile, False, EndOfFile}`)
	l.quiet(`Close[c]`)
	if n, err := g.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("after Close the Go peer read %d bytes, %v; want its end", n, err)
	}
}

// A Go client connects to a SocketOpen server and sends while the session waits.
func TestSocketsGoClient(t *testing.T) {
	l := newLiveSession(t)
	l.quiet(`server = SocketOpen[Automatic];`)
	port := l.integer(`server["SourcePort"]`)
	g, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	g.SetDeadline(time.Now().Add(20 * time.Second))
	l.quiet(`n = 0; While[server["ConnectedClients"] === {} && n < 400, Pause[0.025]; n++]`)
	l.quiet(`a = First[server["ConnectedClients"]];`)
	l.want(`a["DestinationPort"]`, strconv.Itoa(g.LocalAddr().(*net.TCPAddr).Port))
	go func() {
		time.Sleep(100 * time.Millisecond) // the session is waiting by now
		g.Write([]byte("first|second|"))
	}()
	l.want(`{ReadString[a, "|"], ReadString[a, "|"]}`, `{"first", "second"}`)
	l.quiet(`WriteString[a, "reply"]`)
	buf := make([]byte, 5)
	if _, err := io.ReadFull(g, buf); err != nil || string(buf) != "reply" {
		t.Errorf("Go read %q, %v", buf, err)
	}
	g.(*net.TCPConn).CloseWrite()
	l.want(`ReadString[a]`, `EndOfFile`)
	l.quiet(`Close[server]`)
	if n, err := g.Read(buf); err != io.EOF {
		t.Errorf("after Close[server] the Go client read %d bytes, %v; want its end", n, err)
	}
}

// ---------------------------------------------------------------- IPv6

func TestSocketsIPv6(t *testing.T) {
	needIPv6(t)
	l := newLiveSession(t)

	// SocketOpen[{"::1", Automatic}], with a Python client
	l.quiet(`server = SocketOpen[{"::1", Automatic}];`)
	l.want(`server["SourceIPAddress"]`, `IPAddress["::1"]`)
	port := l.integer(`server["SourcePort"]`)
	py := startPython(t, pyClient, "::1", strconv.Itoa(port), hex.EncodeToString([]byte("over six\n")))
	py.line(t, 10*time.Second) // connected
	l.quiet(`n = 0; While[server["ConnectedClients"] === {} && n < 400, Pause[0.025]; n++]`)
	l.quiet(`a = First[server["ConnectedClients"]];`)
	l.want(`{a["DestinationIPAddress"], ReadLine[a]}`, `{IPAddress["::1"], "over six"}`)
	l.quiet(`WriteLine[a, "back"]; Close[a]`)
	if got := py.line(t, 5*time.Second); got != "back" {
		t.Errorf("python read %q", got)
	}
	py.finish(t, 5*time.Second)

	// SocketConnect[server] on ::1, and "[::1]:port"
	l.quiet(`c = SocketConnect[server]; WriteString[c, "self"]`)
	l.want(`{c["DestinationIPAddress"], ByteArrayToString[SocketReadMessage[Last[server["ConnectedClients"]]]]}`, `{IPAddress["::1"], "self"}`)
	l.want(`Close[server]`, fmt.Sprintf(`"[::1]:%d"`, port))

	// "[::1]:port" to a Python server on ::1
	py6, port6 := startPythonServer(t, pyEcho, "::1")
	l.quiet(fmt.Sprintf(`c6 = SocketConnect["[::1]:%d"];`, port6))
	l.want(`{c6["DestinationIPAddress"], c6["DestinationPort"]}`, fmt.Sprintf(`{IPAddress["::1"], %d}`, port6))
	l.quiet(`WriteString[c6, "six"]`)
	l.want(`ByteArrayToString[SocketReadMessage[c6]]`, `"SIX"`)
	l.want(`Close[c6]`, fmt.Sprintf(`"[::1]:%d"`, port6))
	py6.finish(t, 5*time.Second)
}

// ---------------------------------------------------------------- many clients

// A thousand clients of one server, in one session: every one listed, in the order they
// connected.
func TestSocketsThousandClients(t *testing.T) {
	n := peertest.ScaleToFileLimit(t, 1000, 2, 100) // each connection: two descriptors here
	l := newLiveSession(t)
	l.quiet(`server = SocketOpen[Automatic];`)
	start := time.Now()
	l.quiet(fmt.Sprintf(`cs = Table[SocketConnect[server], {%d}];`, n))
	t.Logf("%d clients connected in %v", n, time.Since(start))
	l.quiet(`accepted = server["ConnectedClients"];`)
	l.want(`{Length[cs], Length[accepted], Length[Sockets[]], Length[Sockets["Remote"]]}`,
		fmt.Sprintf(`{%d, %d, %d, %d}`, n, n, n+1, n))
	l.want(`(#["SourcePort"] & /@ cs) === (#["DestinationPort"] & /@ accepted)`, `True`)
	l.want(`Length[DeleteDuplicates[#["SourcePort"] & /@ cs]]`, strconv.Itoa(n))
	// the first, a middle one and the last carry data to the right place
	for _, i := range []int{1, n/2 + 1, n} {
		l.want(fmt.Sprintf(`WriteString[cs[[%d]], "n%d"]; ByteArrayToString[SocketReadMessage[accepted[[%d]]]]`, i, i, i), fmt.Sprintf(`"n%d"`, i))
	}
	l.quiet(`Close[server]`)
	l.want(`Length[Sockets["Remote"]]`, `0`)
	l.want(`Union[ReadString /@ cs]`, `{EndOfFile}`)
}

// ---------------------------------------------------------------- Ctrl-C

// dataPeer is a Go peer connected to the client c of the session: it sends when told to.
func dataPeer(t *testing.T, l *liveSession) net.Conn {
	t.Helper()
	return goPeerOfClient(t, l.quiet)
}

// goPeerOfClient makes the session's client c (evaluating through quiet), connected to a Go
// listener, and returns the Go end.
func goPeerOfClient(t *testing.T, quiet func(string) Expr) *net.TCPConn {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- c
		}
	}()
	quiet(fmt.Sprintf(`c = SocketConnect[{"127.0.0.1", %d}];`, ln.Addr().(*net.TCPAddr).Port))
	select {
	case g := <-accepted:
		t.Cleanup(func() { g.Close() })
		return g.(*net.TCPConn)
	case <-time.After(5 * time.Second):
		t.Fatal("the Go listener accepted nothing")
	}
	return nil
}

// abortCase is a blocking read, what the peer sends before the abort and after it, and what a
// second read gives.
type abortCase struct {
	name          string
	read          string
	before, after string
	reread        string
	want          string
}

var abortCases = []abortCase{
	{"SocketReadMessage", `SocketReadMessage[c]`, "", "after", `ByteArrayToString[SocketReadMessage[c]]`, `"after"`},
	{"ReadString with a terminator", `ReadString[c, "\n"]`, "abc", "def\n", `ReadString[c, "\n"]`, `"abcdef"`},
	{"ReadLine", `ReadLine[c]`, "ab", "c\r\nrest;", `{ReadLine[c], ReadString[c, ";"]}`, `{"abc", "rest"}`},
	{"ReadByteArray of a count", `ReadByteArray[c, 6]`, "1234", "5678", `ByteArrayToString[ReadByteArray[c, 8]]`, `"12345678"`},
}

// runAbort evaluates the case's blocking read on another goroutine, lets interrupt stop it,
// and checks that nothing the peer sent is lost. It never waits longer than a few seconds: if
// the read does not stop, the peer closes the connection to end it.
func runAbort(t *testing.T, tc abortCase, interrupt func(l *liveSession, cancel context.CancelFunc)) {
	l := newLiveSession(t)
	g := dataPeer(t, l)
	if tc.before != "" {
		g.Write([]byte(tc.before))
	}
	ctx, cancel := context.WithTimeout(context.Background(), evalLimit)
	defer cancel()
	type result struct {
		v   Expr
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := l.evalCtx(ctx, tc.read)
		done <- result{v, err}
	}()
	time.Sleep(200 * time.Millisecond) // the read is waiting by now
	select {
	case r := <-done:
		t.Fatalf("%s returned %v before the interrupt", tc.read, r.v)
	default:
	}
	interrupt(l, cancel)
	var r result
	select {
	case r = <-done:
	case <-time.After(3 * time.Second):
		g.Close() // end the read, so that the test stops by itself
		r = <-done
		t.Fatalf("%s went on waiting after the interrupt (it returned %v once the peer closed)", tc.read, InputForm(r.v))
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.v != SymAborted {
		t.Fatalf("%s gave %s after the interrupt, want $Aborted", tc.read, InputForm(r.v))
	}
	if out := l.out.take(); out != "" {
		t.Errorf("the abort printed %q", out)
	}
	g.Write([]byte(tc.after))
	l.want(tc.reread, tc.want)
	// the session goes on
	l.want(`1 + 1`, `2`)
}

// Ctrl-C in the REPL cancels the input's context (repl.evaluate): a blocking read ends with
// $Aborted and loses nothing — neither what arrived before the abort nor what comes after.
func TestSocketsReadAbortCtrlC(t *testing.T) {
	for _, tc := range abortCases {
		t.Run(tc.name, func(t *testing.T) {
			runAbort(t, tc, func(_ *liveSession, cancel context.CancelFunc) { cancel() })
		})
	}
}

// Session.Interrupt, called from another goroutine, is documented to abort the evaluation
// under way as Ctrl-C does; a blocking socket read does not notice it.
func TestSocketsReadAbortInterrupt(t *testing.T) {
	for _, tc := range abortCases {
		t.Run(tc.name, func(t *testing.T) {
			runAbort(t, tc, func(l *liveSession, _ context.CancelFunc) { l.s.Interrupt() })
		})
	}
}

// ---------------------------------------------------------------- bugs

// A line that ends in a lone "\r" (one of EndOfLine's three endings) just before the peer's
// end keeps its "\r": the terminator waits for a "\n" that may follow, and at the end of the
// data nothing looks again.
func TestSocketsReadLineCRAtEnd(t *testing.T) {
	l := newLiveSession(t)
	g := dataPeer(t, l)
	g.Write([]byte("a\rb\r"))
	g.(*net.TCPConn).CloseWrite()
	l.want(`{ReadLine[c], ReadLine[c], ReadLine[c]}`, `{"a", "b", EndOfFile}`)
}

// After a peer resets the connection and everything it sent has been read, SocketReadMessage
// gives EndOfFile (after ::reset) but ReadString, ReadByteArray and ReadLine give $Failed, on
// every call: a loop that reads until EndOfFile never ends.
func TestSocketsReadAfterResetEnds(t *testing.T) {
	l := newLiveSession(t)
	g := dataPeer(t, l)
	g.Write([]byte("bye"))
	g.(*net.TCPConn).SetLinger(0)
	g.Close() // a reset
	l.quiet(`n = 0; While[!SocketReadyQ[c] && n < 400, Pause[0.025]; n++]`)
	l.want(`ReadString[c, "!"]`, `"bye"`)
	l.want(`{SocketReadMessage[c], ReadString[c], ReadByteArray[c], ReadLine[c]}`,
		`{EndOfFile, EndOfFile, EndOfFile, EndOfFile}`)
	l.want(`n = 0; While[ReadString[c] =!= EndOfFile && n < 5, n++]; n`, `0`)
}
