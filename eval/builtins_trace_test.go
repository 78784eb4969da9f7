//go:build unix

package eval

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/sockets"
)

// SocketTrace and sock["Events"]: known exchanges with real peers traced line by line (times
// masked), the events that tell a dead server from a wrong peer, and the bounds under a flood.

var traceTime = regexp.MustCompile(`(?m)^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} «`)

// traceLines prints what waits in the trace (the safe point between inputs) and gives the
// session's output since the last take, times masked as T.
func (l *liveSession) traceLines() string {
	l.t.Helper()
	l.s.RunHandlers(context.Background())
	return traceTime.ReplaceAllLiteralString(l.out.take(), "T «")
}

func (l *liveSession) str(src string) string {
	l.t.Helper()
	v, ok := l.eval(src).(String)
	if !ok {
		l.t.Fatalf("%s is not a string; the session printed:\n%s", src, l.out.take())
	}
	return string(v)
}

func sameText(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Fatalf("%s:\n%s\nwant:\n%s", what, got, want)
	}
}

// A Python client sends "hello" to a traced server, which answers "hi"; the client closes.
// The trace shows it byte for byte, in order, with the server's client as the socket.
func TestTraceTCPExchangeWithPython(t *testing.T) {
	l := newLiveSession(t)
	port := l.integer(`srv = SocketOpen[Automatic]; SocketTrace[srv]; srv["DestinationPort"]`)
	py := startPython(t, `
import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print(c.getsockname()[1], flush=True)
c.sendall(b"hello")
got = b""
while len(got) < 2:
    b = c.recv(16)
    if not b:
        break
    got += b
print(got.decode(), flush=True)
c.close()
`, fmt.Sprint(port))
	peer := "127.0.0.1:" + py.line(t, 10*time.Second)
	l.want(`acc = (TimeConstrained[While[srv["ConnectedClients"] === {}, Pause[0.01]], 10]; First[srv["ConnectedClients"]]); ByteArrayToString[SocketReadMessage[acc]]`, `"hello"`)
	l.eval(`WriteString[acc, "hi"];`)
	if got := py.line(t, 10*time.Second); got != "hi" {
		t.Fatalf("the client read %q", got)
	}
	l.want(`TimeConstrained[While[MemberQ[srv["ConnectedClients"], acc], Pause[0.01]], 10]; Close[acc]; {#Event, #Peer} & /@ acc["Events"]`,
		fmt.Sprintf(`{{"accepted", %[1]q}, {"peer closed", %[1]q}, {"closed", %[1]q}}`, peer))
	srvTag := "«TCP server · " + l.str(`srv["UUID"]`)[:8] + "»"
	accTag := "«TCP accepted · " + l.str(`acc["UUID"]`)[:8] + "»"
	sameText(t, "the trace", l.traceLines(), strings.Join([]string{
		"T " + srvTag + " accepted " + peer,
		"T " + accTag + " ← " + peer + ` 5 B "hello"`,
		"T " + accTag + " → " + peer + ` 2 B "hi"`,
		"T " + accTag + " peer closed " + peer,
		"T " + accTag + " closed " + peer,
	}, "\n")+"\n")
	l.want(`{SocketTrace[], SocketTrace[srv, False], SocketTrace[]}`, `{{SocketObject["`+l.str(`srv["UUID"]`)+`"]}, SocketObject["`+l.str(`srv["UUID"]`)+`"], {}}`)
}

// libzmq's PUSH sends a message of two frames, one of them binary, to a traced PULL: the
// peer's arrival with its type, each frame with its place in the message (MORE, LAST), a hex
// preview for the binary one, and the peer's departure.
func TestTraceZMQMultipartFromLibzmq(t *testing.T) {
	l := newLiveSession(t)
	port := l.integer(`pull = SocketOpen[Automatic, {"ZMQ", "Pull"}]; SocketTrace[pull]; pull["DestinationPort"]`)
	py := startPyZMQ(t, `
s = ctx.socket(zmq.PUSH)
s.connect("tcp://127.0.0.1:%s" % sys.argv[1])
s.send_multipart([b"a", b"\x00\xffbinary"])
sys.stdin.readline()
s.close(linger=0)
ctx.term()
print("closed", flush=True)
`, fmt.Sprint(port))
	l.want(`ByteArrayToString /@ SocketReadMessage[pull, "Multipart" -> List]`, `{"a", "\.00ÿbinary"}`)
	peer := l.str(`First[pull["Peers"]]`)
	py.send(t, "go\n")
	py.line(t, 10*time.Second)
	l.want(`TimeConstrained[While[pull["Peers"] =!= {}, Pause[0.01]], 10]; pull["Peers"]`, `{}`)
	tag := "«ZMQ Pull · " + l.str(`pull["UUID"]`)[:8] + "»"
	sameText(t, "the trace", l.traceLines(), strings.Join([]string{
		"T " + tag + " accepted " + peer + ": the peer is a PUSH socket",
		"T " + tag + " ← " + peer + ` MORE 1 B "a"`,
		"T " + tag + " ← " + peer + " LAST 8 B",
		"    0000  00 ff 62 69 6e 61 72 79                           |..binary|",
		"T " + tag + " disconnected " + peer + ": the peer closed the connection",
	}, "\n")+"\n")
}

// A dead server and a peer of the wrong type look alike to a socket that waits for a peer
// (nothing arrives), but its events read differently: a refused connection, and a handshake
// that failed because the peer is a PUB.
func TestEventsDeadServerAndWrongPeer(t *testing.T) {
	l := newLiveSession(t)
	free := freeTCPPort(t)
	l.quiet(fmt.Sprintf(`dead = SocketConnect[{"127.0.0.1", %d}, {"ZMQ", "Pull"}];`, free))
	l.want(`TimeConstrained[While[Length[dead["Events"]] < 2, Pause[0.01]], 10]; {#Event, #Peer, #Detail} & /@ dead["Events"]`,
		fmt.Sprintf(`{{"connect failed", "127.0.0.1:%[1]d", "connection refused: nothing is listening there"}, {"retrying", "127.0.0.1:%[1]d", "connection refused: nothing is listening there"}}`, free))
	py := startPyZMQ(t, `
s = ctx.socket(zmq.PUB)
print(s.bind_to_random_port("tcp://127.0.0.1"), flush=True)
time.sleep(30)
`)
	port := py.line(t, 10*time.Second)
	l.eval(`wrong = SocketConnect[{"127.0.0.1", ` + port + `}, {"ZMQ", "Pull"}];`)
	if out := l.out.take(); !strings.Contains(out, "SocketConnect::handshake") {
		t.Fatalf("the session printed %q, want the handshake refused", out)
	}
	l.want(`TimeConstrained[While[Length[wrong["Events"]] < 2, Pause[0.01]], 10]; {#Event, #Detail} & /@ wrong["Events"]`,
		`{{"handshake failed", "the peer is a PUB socket, which cannot talk to a PULL socket"}, {"retrying", "the peer is a PUB socket, which cannot talk to a PULL socket"}}`)
	l.want(`{Head[#Time], Keys[#]} & @ First[wrong["Events"]]`, `{DateObject, {"Time", "Event", "Peer", "Detail"}}`)
}

// freeTCPPort is a port nothing listens on (it was free a moment ago).
func freeTCPPort(t *testing.T) int {
	t.Helper()
	r := sockets.NewRegistry()
	s, err := r.OpenTCP(context.Background(), sockets.Endpoint{Host: "127.0.0.1", AnyPort: true})
	if err != nil {
		t.Fatal(err)
	}
	port := int(s.Local.Port())
	s.Close()
	return port
}

// A traced PULL that libzmq floods while the session is busy (no safe point) holds at most
// maxTraceQueue entries; what did not fit is counted, and said, where it was dropped: every
// message is either a line or counted.
func TestTraceFloodIsBounded(t *testing.T) {
	const n = 20000
	l := newLiveSession(t)
	port := l.integer(`pull = SocketOpen[Automatic, {"ZMQ", "Pull"}]; SocketTrace[pull]; pull["DestinationPort"]`)
	startPyZMQ(t, fmt.Sprintf(`
s = ctx.socket(zmq.PUSH)
s.connect("tcp://127.0.0.1:%%s" %% sys.argv[1])
for i in range(%d):
    s.send(b"m%%d" %% i)
time.sleep(30)
`, n), fmt.Sprint(port))
	// SocketReadyQ without a time limit and a read of what is there are no safe points
	l.want(fmt.Sprintf(`k = 0; TimeConstrained[While[k < %d, If[SocketReadyQ[pull], SocketReadMessage[pull]; k++]], 30]; k`, n), fmt.Sprint(n))
	q := l.s.trace
	q.mu.Lock()
	held, dropped := len(q.entries), q.dropped
	q.mu.Unlock()
	if held != maxTraceQueue || dropped != n+1-maxTraceQueue {
		t.Fatalf("the queue holds %d entries and dropped %d, want %d and %d", held, dropped, maxTraceQueue, n+1-maxTraceQueue)
	}
	out := l.traceLines()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != maxTraceQueue+1 || !strings.Contains(lines[1], `← 127.0.0.1:`) || !strings.HasSuffix(lines[1], `2 B "m0"`) ||
		lines[maxTraceQueue] != fmt.Sprintf("… %d trace lines dropped", n+1-maxTraceQueue) {
		t.Fatalf("%d lines printed, beginning %q, ending %q", len(lines), lines[:2], lines[len(lines)-1])
	}
}

// A server whose 150 clients come and go keeps its newest 100 events; its trace shows all
// 300.
func TestEventsBoundedWithPython(t *testing.T) {
	l := newLiveSession(t)
	port := l.integer(`srv = SocketOpen[Automatic]; SocketTrace[srv]; srv["DestinationPort"]`)
	py := startPython(t, `
import socket, sys
for i in range(150):
    socket.create_connection(("127.0.0.1", int(sys.argv[1]))).close()
print("done", flush=True)
`, fmt.Sprint(port))
	py.line(t, 20*time.Second)
	out := ""
	for deadline := time.Now().Add(10 * time.Second); strings.Count(out, " peer closed ") < 150; {
		if time.Now().After(deadline) {
			t.Fatalf("the trace after 10 s:\n%s", out)
		}
		l.eval(`Pause[0.01]`)
		out += l.traceLines()
	}
	if n := strings.Count(out, "\n"); n != 300 || strings.Count(out, "» accepted ") != 150 {
		t.Fatalf("%d trace lines, %d accepted:\n%s", n, strings.Count(out, "» accepted "), out)
	}
	l.want(`Length[srv["Events"]]`, `100`)
	// the oldest (listening, the first accepts) have gone
	l.want(`{Complement[#Event & /@ srv["Events"], {"accepted", "peer closed"}], Last[srv["Events"]]["Event"]}`, `{{}, "peer closed"}`)
}

// The queue itself, fed from many goroutines at once: bounded, and every record either queued
// or counted; a count of dropped entries goes in where they were dropped.
func TestTraceQueueBound(t *testing.T) {
	s := NewSession(&lockedBuffer{})
	q := s.traceQueue()
	srv, err := s.registry().OpenTCP(context.Background(), sockets.Endpoint{Host: "127.0.0.1", AnyPort: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.CloseSockets()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				q.record(sockets.TraceRecord{Time: time.Now(), Sock: srv, Peer: "p", Data: [][]byte{make([]byte, 1<<20)}})
			}
		}()
	}
	wg.Wait()
	entries, dropped := q.take()
	if len(entries) != maxTraceQueue || dropped != 8*500-maxTraceQueue {
		t.Fatalf("%d entries, %d dropped", len(entries), dropped)
	}
	for _, e := range entries {
		if len(e.preview) > tracePreview {
			t.Fatalf("an entry keeps %d bytes of its frame", len(e.preview))
		}
	}
	q.done(entries)
	q.record(sockets.TraceRecord{Time: time.Now(), Sock: srv, Event: &sockets.Event{What: "closed"}})
	entries, dropped = q.take()
	if len(entries) != 1 || dropped != 0 || entries[0].what != "closed" {
		t.Fatalf("after a take: %d entries, %d dropped", len(entries), dropped)
	}
}

// The previews: text quoted (escapes for CR, LF, tab and quotes), cut at 32 bytes on a
// character's boundary; anything else in hex; multipart frames labelled; a message of many
// frames shows the first 16.
func TestTracePreview(t *testing.T) {
	s := NewSession(&lockedBuffer{})
	srv, err := s.registry().OpenTCP(context.Background(), sockets.Endpoint{Host: "127.0.0.1", AnyPort: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.CloseSockets()
	tag := "T «TCP server · " + srv.ID[:8] + "» "
	at := time.Date(2026, 11, 25, 15, 4, 5, 123e6, time.Local)
	frames := make([][]byte, 20)
	var many []string
	for i := range frames {
		frames[i] = []byte{byte('a' + i)}
		if i < traceFrames {
			many = append(many, fmt.Sprintf("%s← p MORE 1 B %q", tag, frames[i]))
		}
	}
	many = append(many, tag+"← p … 4 more frames of this message")
	cases := []struct {
		rec  sockets.TraceRecord
		want string
	}{
		{sockets.TraceRecord{Data: [][]byte{[]byte("GET / HTTP/1.1\r\n\"x\"\t")}}, `← p 20 B "GET / HTTP/1.1\r\n\"x\"\t"`},
		{sockets.TraceRecord{Out: true, Data: [][]byte{[]byte(strings.Repeat("é", 20))}}, `→ p 40 B "` + strings.Repeat("é", 16) + `" … 8 more bytes`},
		{sockets.TraceRecord{Data: [][]byte{[]byte(strings.Repeat("a", 31) + "é")}}, `← p 33 B "` + strings.Repeat("a", 31) + `" … 2 more bytes`},
		{sockets.TraceRecord{Data: [][]byte{{}}}, `← p 0 B`},
		{sockets.TraceRecord{Data: [][]byte{[]byte("bell\x07")}}, "← p 5 B\n    0000  62 65 6c 6c 07                                    |bell.|"},
		{sockets.TraceRecord{Data: [][]byte{make([]byte, 40)}}, "← p 40 B\n" +
			"    0000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n" +
			"    0010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n" +
			"    … 8 more bytes"},
		{sockets.TraceRecord{Framed: true, Data: [][]byte{[]byte("id"), {}, []byte("x")}}, tag + `← p MORE 2 B "id"` + "\n" + tag + "← p MORE 0 B\n" + tag + `← p LAST 1 B "x"`},
		{sockets.TraceRecord{Framed: true, Data: [][]byte{[]byte("one")}}, `← p 3 B "one"`},
		{sockets.TraceRecord{Out: true, Framed: true, Command: "PING", Data: [][]byte{{0, 10}}}, "→ p PING 2 B\n    0000  00 0a                                             |..|"},
		{sockets.TraceRecord{Framed: true, Data: frames}, strings.Join(many, "\n")},
		{sockets.TraceRecord{Event: &sockets.Event{What: "handshake failed", Peer: "q", Detail: "the peer is a PUB socket"}}, "handshake failed q: the peer is a PUB socket"},
		{sockets.TraceRecord{Event: &sockets.Event{What: "closed"}}, "closed p"},
	}
	for _, c := range cases {
		c.rec.Time, c.rec.Sock, c.rec.Peer = at, srv, "p"
		s.traceQueue().record(c.rec)
		var b strings.Builder
		entries, _ := s.trace.take()
		for i := range entries {
			entries[i].write(&b)
		}
		got := strings.TrimSuffix(traceTime.ReplaceAllLiteralString(b.String(), "T «"), "\n")
		want := c.want
		if !strings.HasPrefix(want, tag) {
			want = tag + want
		}
		if got != want {
			t.Errorf("%+v:\n got: %s\nwant: %s", c.rec, got, want)
		}
	}
}

// SocketTrace's arguments, its messages, SocketTrace[All] tracing a socket from its first
// event, and the Events property's place among the properties.
func TestSocketTraceArguments(t *testing.T) {
	l := newLiveSession(t)
	l.eval(`SocketTrace[5]`)
	sameText(t, "SocketTrace[5]", l.out.take(), "SocketTrace::sock: 5 is not a socket; SocketTrace takes a SocketObject, a list of them, or All.\n")
	l.eval(`s = SocketOpen[Automatic]; SocketTrace[s, 1]`)
	sameText(t, "SocketTrace[s, 1]", l.out.take(), "SocketTrace::bool: 1 should be True or False.\n")
	l.eval(`Close[s]; SocketTrace[s]`)
	if out := l.out.take(); !strings.HasPrefix(out, "SocketObject::invalidSock:") {
		t.Fatalf("SocketTrace of a closed socket printed %q", out)
	}
	l.want(`SocketTrace[All]; a = SocketOpen[Automatic]; b = SocketOpen[Automatic]; SocketTrace[] === {a, b}`, `True`)
	l.want(`SocketTrace[All, False]; c = SocketOpen[Automatic]; SocketTrace[]`, `{}`)
	out := l.traceLines()
	a, b := l.str(`a["UUID"]`)[:8], l.str(`b["UUID"]`)[:8]
	if !strings.Contains(out, "T «TCP server · "+a+"» listening 127.0.0.1:") || !strings.Contains(out, "T «TCP server · "+b+"» listening 127.0.0.1:") ||
		strings.Count(out, "listening") != 2 {
		t.Fatalf("SocketTrace[All] printed:\n%s", out)
	}
	l.want(`MemberQ[a["Properties"], "Events"]`, `True`)
}
