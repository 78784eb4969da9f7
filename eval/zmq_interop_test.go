//go:build unix

package eval

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/internal/peertest"
)

// ZeroMQ interop at the language level: a session's ZMQ sockets against libzmq in another
// process (Debian's python3-zmq), and a Stream socket against curl. The runtime's own interop
// suite is in sockets/zmq; these check what a user sees.

// startPyZMQ runs a pyzmq script (zmq, sys and time are imported, ctx is a Context).
func startPyZMQ(t *testing.T, script string, args ...string) *peer {
	t.Helper()
	peertest.NeedPyZMQ(t)
	return startPython(t, "import sys, time, zmq\nctx = zmq.Context()\n"+script, args...)
}

func TestZMQPythonPushToSessionPull(t *testing.T) {
	l := newLiveSession(t)
	port := l.integer(`pull = SocketOpen[Automatic, {"ZMQ", "Pull"}]; pull["DestinationPort"]`)
	startPyZMQ(t, `
s = ctx.socket(zmq.PUSH)
s.connect("tcp://127.0.0.1:%s" % sys.argv[1])
s.send(b"one")
s.send_multipart([b"a", b"", b"bc"])
for i in range(1000):
    s.send(b"%d" % i)
time.sleep(10)
`, fmt.Sprint(port))
	l.want(`ByteArrayToString[SocketReadMessage[pull]]`, `"one"`)
	l.want(`ByteArrayToString /@ SocketReadMessage[pull, "Multipart" -> List]`, `{"a", "", "bc"}`)
	l.want(`Table[ToExpression[ByteArrayToString[SocketReadMessage[pull]]], 1000] === Range[0, 999]`, `True`)
	l.want(`Length[pull["Peers"]]`, `1`)
}

func TestZMQSessionPushToPythonPull(t *testing.T) {
	l := newLiveSession(t)
	py := startPyZMQ(t, `
s = ctx.socket(zmq.PULL)
port = s.bind_to_random_port("tcp://127.0.0.1")
print(port, flush=True)
for i in range(4):
    print(repr(s.recv_multipart()), flush=True)
`)
	port := py.line(t, 10*time.Second)
	l.quiet(`push = SocketConnect[{"127.0.0.1", ` + port + `}, "ZMQ_PUSH"];`)
	l.quiet(`WriteString[push, "x", 42]`)
	l.quiet(`ZeroMQLink` + "`" + `ZMQSocketWriteMessage[push, {"f1", ByteArray[{0, 255}]}]`)
	l.quiet(`BinaryWrite[push, {104, 105}]`)
	for _, want := range []string{`[b'x']`, `[b'42']`, `[b'f1', b'\x00\xff']`, `[b'hi']`} {
		if got := py.line(t, 10*time.Second); got != want {
			t.Fatalf("libzmq's PULL read %s, want %s", got, want)
		}
	}
}

func TestZMQSessionRequestToPythonReply(t *testing.T) {
	l := newLiveSession(t)
	py := startPyZMQ(t, `
s = ctx.socket(zmq.REP)
port = s.bind_to_random_port("tcp://127.0.0.1")
print(port, flush=True)
while True:
    s.send(s.recv().upper())
`)
	port := py.line(t, 10*time.Second)
	l.quiet(`req = SocketConnect["tcp://127.0.0.1:` + port + `", {"ZMQ", "Request"}];`)
	l.want(`Table[WriteString[req, "ping " <> ToString[i]]; ByteArrayToString[SocketReadMessage[req]], {i, 3}]`,
		`{"PING 1", "PING 2", "PING 3"}`)
	l.out.take()
	l.eval(`WriteString[req, "a"]; WriteString[req, "b"]`)
	if out := l.out.take(); !strings.Contains(out, "WriteString::reqstate") {
		t.Errorf("a second request before the reply printed %q, want WriteString::reqstate", out)
	}
	l.want(`ByteArrayToString[SocketReadMessage[req]]`, `"A"`)
}

func TestZMQPythonDealerToSessionRouter(t *testing.T) {
	l := newLiveSession(t)
	port := l.integer(`router = SocketOpen[Automatic, {"ZMQ", "Router"}]; router["DestinationPort"]`)
	py := startPyZMQ(t, `
s = ctx.socket(zmq.DEALER)
s.setsockopt(zmq.IDENTITY, b"py-dealer")
s.connect("tcp://127.0.0.1:%s" % sys.argv[1])
s.send_multipart([b"job", b"7"])
print(repr(s.recv_multipart()), flush=True)
`, fmt.Sprint(port))
	l.want(`msg = SocketReadMessage[router, "Multipart" -> List]; ByteArrayToString /@ msg`, `{"py-dealer", "job", "7"}`)
	l.quiet(`ZeroMQLink` + "`" + `ZMQSocketWriteMessage[router, First[msg], "Multipart" -> True]`)
	l.quiet(`WriteString[router, "done"]`)
	if got := py.line(t, 10*time.Second); got != `[b'done']` {
		t.Fatalf("libzmq's DEALER read %s, want [b'done']", got)
	}
}

func TestZMQSessionSubscribeToPythonPublish(t *testing.T) {
	l := newLiveSession(t)
	pub := startPyZMQ(t, `
s = ctx.socket(zmq.PUB)
port = s.bind_to_random_port("tcp://127.0.0.1")
print(port, flush=True)
for i in range(3000):
    s.send(b"other %d" % i)
    s.send(b"topic %d" % i)
    time.sleep(0.005)
`)
	port := pub.line(t, 10*time.Second)
	// a subscription reaches a publisher elsewhere a moment later (libzmq's late joiner):
	// what it published before is missed, what comes after matches
	l.quiet(`sub = SocketConnect[{"127.0.0.1", ` + port + `}, {"ZMQ", "Subscribe"}, "ZMQ_SUBSCRIBE" -> "topic"];`)
	l.want(`And @@ Table[StringStartsQ[ByteArrayToString[SocketReadMessage[sub]], "topic "], 20]`, `True`)
}

// A peer of the wrong type refuses the handshake: the session says so once, with the reason,
// instead of waiting in silence.
func TestZMQHandshakeRefusalIsReported(t *testing.T) {
	l := newLiveSession(t)
	py := startPyZMQ(t, `
s = ctx.socket(zmq.PUB)
port = s.bind_to_random_port("tcp://127.0.0.1")
print(port, flush=True)
time.sleep(20)
`)
	port := py.line(t, 10*time.Second)
	l.out.take()
	l.eval(`pull = SocketConnect[{"127.0.0.1", ` + port + `}, {"ZMQ", "Pull"}, "ZMQ_RCVTIMEO" -> 300];`)
	out := l.out.take()
	if !strings.Contains(out, "SocketConnect::handshake") || !strings.Contains(out, "PUB socket, which cannot talk to a PULL") {
		t.Fatalf("connecting a Pull to libzmq's PUB printed %q, want SocketConnect::handshake naming the types", out)
	}
	l.eval(`SocketReadMessage[pull]`)
	if out := l.out.take(); strings.Contains(out, "handshake") || !strings.Contains(out, "::again") {
		t.Errorf("a read after the refusal printed %q: want only ::again (the refusal is said once)", out)
	}
}

// Ctrl-C during a ZMQ read gives $Aborted and loses nothing: the message sent afterwards is
// the next one read, whole, frame by frame too.
func TestZMQReadAbortLosesNothing(t *testing.T) {
	for _, read := range []string{`SocketReadMessage[pull]`, `SocketReadMessage[pull, "Multipart" -> False]`, `ReadString[pull, "\n"]`} {
		t.Run(read, func(t *testing.T) {
			l := newLiveSession(t)
			port := l.integer(`pull = SocketOpen[Automatic, {"ZMQ", "Pull"}]; pull["DestinationPort"]`)
			py := startPyZMQ(t, `
s = ctx.socket(zmq.PUSH)
s.connect("tcp://127.0.0.1:%s" % sys.argv[1])
sys.stdin.readline()
s.send_multipart([b"after", b" the abort\n"])
print("sent", flush=True)
time.sleep(10)
`, fmt.Sprint(port))
			ctx, cancel := context.WithTimeout(context.Background(), evalLimit)
			defer cancel()
			done := make(chan Expr, 1)
			go func() {
				v, _ := l.evalCtx(ctx, read)
				done <- v
			}()
			time.Sleep(200 * time.Millisecond)
			cancel()
			select {
			case v := <-done:
				if v != SymAborted {
					t.Fatalf("%s gave %s after Ctrl-C, want $Aborted", read, InputForm(v))
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("%s went on waiting after Ctrl-C", read)
			}
			py.send(t, "go\n")
			if got := py.line(t, 10*time.Second); got != "sent" {
				t.Fatalf("python printed %q", got)
			}
			l.want(`ByteArrayToString /@ SocketReadMessage[pull, "Multipart" -> List]`, `{"after", " the abort\n"}`)
		})
	}
}

// curl fetches a page a Stream socket serves: the Stream pattern over plain TCP, as a browser
// sees it.
func TestZMQStreamServesCurl(t *testing.T) {
	curl := peertest.NeedProgram(t, "curl")
	l := newLiveSession(t)
	port := l.integer(`http = SocketOpen[Automatic, {"ZMQ", "Stream"}]; http["DestinationPort"]`)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	type result struct {
		out []byte
		err error
	}
	got := make(chan result, 1)
	go func() {
		out, err := exec.CommandContext(ctx, curl, "-sS", "--http1.1", fmt.Sprintf("http://127.0.0.1:%d/hello", port)).Output()
		got <- result{out, err}
	}()
	l.want(`{id, arrival} = SocketReadMessage[http, "Multipart" -> List]; Length[arrival]`, `0`)
	l.want(`{from, request} = SocketReadMessage[http, "Multipart" -> List]; {from === id, First[StringSplit[ByteArrayToString[request], "\r\n"]]}`,
		`{True, "GET /hello HTTP/1.1"}`)
	l.quiet(`ZeroMQLink` + "`" + `ZMQSocketWriteMessage[http, {id, StringToByteArray["HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello\n"]}]`)
	l.quiet(`ZeroMQLink` + "`" + `ZMQSocketWriteMessage[http, {id, ByteArray[{}]}]`)
	r := <-got
	if r.err != nil || string(r.out) != "hello\n" {
		t.Fatalf("curl got %q, %v; want \"hello\\n\"", r.out, r.err)
	}
}

// ZMQ_CONFLATE keeps only the newest message: of many sent, a reader that comes late reads
// the last one after far fewer reads than were sent (without it, every one, in order).
func TestZMQConflateKeepsTheNewest(t *testing.T) {
	for _, conflate := range []int{0, 1} {
		l := newLiveSession(t)
		l.quiet(fmt.Sprintf(`push = SocketOpen[Automatic, {"ZMQ", "Push"}]; pull = SocketConnect[push, {"ZMQ", "Pull"}, "ZMQ_CONFLATE" -> %d];`, conflate))
		l.quiet(`Do[WriteString[push, ToString[i]], {i, 200}]`)
		reads := l.integer(`n = 0; While[n++; ByteArrayToString[SocketReadMessage[pull]] =!= "200"]; n`)
		switch {
		case conflate == 0 && reads != 200:
			t.Errorf("without ZMQ_CONFLATE the last of 200 messages came at read %d", reads)
		case conflate == 1 && reads >= 200:
			t.Errorf("with ZMQ_CONFLATE the last of 200 messages still took %d reads", reads)
		}
	}
}
