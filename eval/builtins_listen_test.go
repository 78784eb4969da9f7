//go:build unix

package eval

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// SocketListen, SocketListener, DeleteObject, SocketWaitNext and SocketWaitAll, against real
// peers: handlers run at the safe points only (Pause, blocking reads and waits, between
// inputs), on the evaluator's goroutine.

// A libzmq PUSH streams to a listened PULL: the handler hears every message, in order, while
// the session waits in Pause; nothing is left for SocketReadMessage.
func TestListenZMQPullHearsEveryMessageInOrder(t *testing.T) {
	const n = 2000
	l := newLiveSession(t)
	port := l.integer(`pull = SocketOpen[Automatic, {"ZMQ", "Pull"}]; pull["DestinationPort"]`)
	l.quiet(`got = {}; lis = SocketListen[pull, AppendTo[got, #Data] &];`)
	startPyZMQ(t, fmt.Sprintf(`
s = ctx.socket(zmq.PUSH)
s.connect("tcp://127.0.0.1:%%s" %% sys.argv[1])
for i in range(%d):
    s.send(b"%%d" %% i)
time.sleep(30)
`, n), fmt.Sprint(port))
	l.want(fmt.Sprintf(`TimeConstrained[While[Length[got] < %d, Pause[0.01]], 20]; Length[got]`, n), fmt.Sprint(n))
	l.want(fmt.Sprintf(`got === ToString /@ Range[0, %d]`, n-1), `True`)
	l.want(`SocketReadyQ[pull]`, `False`)
}

// Each frame of a multipart message is an event of its own, MultipartComplete saying which
// is the last, and the keys asked for are the ones given.
func TestListenZMQFramesAndKeys(t *testing.T) {
	l := newLiveSession(t)
	l.quiet(`pull = SocketOpen[Automatic, {"ZMQ", "Pull"}]; push = SocketConnect[pull];`)
	l.quiet(`ev = {}; lis = SocketListen[pull, AppendTo[ev, #] &, HandlerFunctionsKeys -> {"DataByteArray", "MultipartComplete", "Socket"}];`)
	l.quiet(`ZeroMQLink` + "`" + `ZMQSocketWriteMessage[push, {"a", "bc"}]; Pause[0.3];`)
	l.want(`{Normal[#DataByteArray], #MultipartComplete, #Socket === pull, Keys[#]} & /@ ev`,
		`{{{97}, False, True, {"DataByteArray", "MultipartComplete", "Socket"}}, {{98, 99}, True, True, {"DataByteArray", "MultipartComplete", "Socket"}}}`)
}

// SocketListen[port, f] is an echo server for a Python client: #SourceSocket is the client
// that sent, and writable; records are cut at the separator.
func TestListenTCPEchoServerAnswersPython(t *testing.T) {
	l := newLiveSession(t)
	port := l.integer(`echo = SocketListen[Automatic, WriteString[#SourceSocket, "echo: " <> #Data <> "\n"] &, RecordSeparators -> "\n"]; echo["Socket"]["DestinationPort"]`)
	py := startPython(t, `
import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
f = c.makefile("rwb")
for w in ["one", "two", "three"]:
    f.write(w.encode() + b"\n"); f.flush()
    print(f.readline().decode().strip(), flush=True)
`, fmt.Sprint(port))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, want := range []string{"echo: one", "echo: two", "echo: three"} {
			if got := py.line(t, 20*time.Second); got != want {
				t.Errorf("the client read %q, want %q", got, want)
				return
			}
		}
	}()
	for { // the session serves while it pauses
		l.eval(`Pause[0.05]`)
		select {
		case <-done:
			l.want(`srv = echo["Socket"]; DeleteObject[echo]`, `Null`)
			l.want(`{echo["Socket"], MemberQ[Sockets[], srv]}`, `{$Failed, False}`) // gone, and its server with it
			return
		default:
		}
	}
}

// A Pause that serves one client's conversation reads that client's connection itself (see
// hereSource): the conversation is answered, another client that speaks meanwhile is answered
// at once (its news ends the read), and once the Pause is over the connection is read by its
// own goroutine again, which announces what comes (nobody would see it otherwise).
func TestListenPauseServesOneClientHere(t *testing.T) {
	l := newLiveSession(t)
	port := l.integer(`echo = SocketListen[Automatic, WriteString[#SourceSocket, "<" <> #Data <> ">"] &]; echo["Socket"]["DestinationPort"]`)
	dial := func() net.Conn {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	trip := func(c net.Conn, msg string) {
		t.Helper()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.WriteString(c, msg); err != nil {
			t.Fatal(err)
		}
		want := "<" + msg + ">"
		got := make([]byte, len(want))
		if _, err := io.ReadFull(c, got); err != nil || string(got) != want {
			t.Fatalf("sent %q, read %q (%v)", msg, got, err)
		}
	}
	a, b := dial(), dial()
	ctx, stop := context.WithCancel(context.Background())
	paused := make(chan Expr, 1)
	go func() { v, _ := l.evalCtx(ctx, `Pause[60]`); paused <- v }()
	for i := range 20 {
		trip(a, fmt.Sprint("a", i))
	}
	trip(b, "b") // a's connection is read here now: b's news must end that read
	for i := range 3 {
		trip(a, fmt.Sprint("a", i))
	}
	stop() // Ctrl-C ends the Pause
	select {
	case v := <-paused:
		if InputForm(v) != "$Aborted" {
			t.Errorf("the interrupted Pause gave %s", InputForm(v))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Pause[60] did not stop when interrupted")
	}
	select { // what the Pause left signalled
	case <-l.s.Wake():
	default:
	}
	io.WriteString(a, "late")
	select {
	case <-l.s.Wake():
	case <-time.After(10 * time.Second):
		t.Fatal("data sent after the Pause was not announced: nobody reads the connection")
	}
	l.want(`Pause[0.2]; Length[echo["Socket"]["ConnectedClients"]]`, `2`)
	a.SetDeadline(time.Now().Add(10 * time.Second))
	got := make([]byte, len("<late>"))
	if _, err := io.ReadFull(a, got); err != nil || string(got) != "<late>" {
		t.Errorf("read %q (%v) for what came after the Pause", got, err)
	}
}

// While a Pause reads a conversation's connection itself, its handlers still see what the same
// client sends meanwhile when they look (SocketReadyQ), and the client's end is recorded once.
func TestListenPauseHereHandlersSeeNewData(t *testing.T) {
	l := newLiveSession(t)
	port := l.integer(`echo = SocketListen[Automatic, If[#Data == "wait",
		t0 = AbsoluteTime[]; While[!SocketReadyQ[#SourceSocket] && AbsoluteTime[] - t0 < 10];
		WriteString[#SourceSocket, If[SocketReadyQ[#SourceSocket], "<ready>", "<nope!>"]],
		WriteString[#SourceSocket, "<" <> #Data <> ">"]] &]; echo["Socket"]["DestinationPort"]`)
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	read := func(n int) string {
		c.SetDeadline(time.Now().Add(20 * time.Second))
		got := make([]byte, n)
		io.ReadFull(c, got)
		return string(got)
	}
	ctx, stop := context.WithCancel(context.Background())
	paused := make(chan struct{})
	go func() { l.evalCtx(ctx, `Pause[60]`); close(paused) }()
	for i := range 5 { // the conversation: its connection is read here now
		msg := fmt.Sprint("a", i)
		io.WriteString(c, msg)
		if got := read(len(msg) + 2); got != "<"+msg+">" {
			t.Fatalf("sent %q, read %q", msg, got)
		}
	}
	io.WriteString(c, "wait")
	time.Sleep(100 * time.Millisecond)
	io.WriteString(c, "more")
	if got := read(7); got != "<ready>" {
		t.Errorf("the handler looking with SocketReadyQ answered %q", got)
	}
	if got := read(6); got != "<more>" {
		t.Errorf("then %q", got)
	}
	c.Close()
	time.Sleep(200 * time.Millisecond) // the end comes during the Pause
	stop()
	<-paused
	l.want(`Count[echo["Socket"]["Events"], _?(!FreeQ[#, "peer closed"] &)]`, `1`)
}

// 100 clients each send 1,000 lines to one listened server: the handler counts every line,
// none lost, none merged.
func TestListenHundredClientsLoseNoLine(t *testing.T) {
	clients, lines := 100, 1000
	if testing.Short() {
		clients = 20
	}
	l := newLiveSession(t)
	port := l.integer(`count = 0; bad = 0; srv = SocketOpen[Automatic]; lis = SocketListen[srv, If[StringTake[#Data, 5] == "line ", count++, bad++] &, RecordSeparators -> "\n"]; srv["DestinationPort"]`)
	py := startPython(t, fmt.Sprintf(`
import socket, sys, threading
def send():
    c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    c.sendall(b"".join(b"line %%d\n" %% i for i in range(%d)))
    c.close()
ts = [threading.Thread(target=send) for _ in range(%d)]
for t in ts: t.start()
for t in ts: t.join()
print("sent", flush=True)
`, lines, clients), fmt.Sprint(port))
	if got := py.line(t, 60*time.Second); got != "sent" {
		t.Fatalf("the clients said %q", got)
	}
	total := clients * lines
	l.want(fmt.Sprintf(`TimeConstrained[While[count < %d, Pause[0.01]], 60]; {count, bad}`, total), fmt.Sprintf("{%d, 0}", total))
}

// A handler that fails prints its message and the listener goes on; one that is stopped
// with Ctrl-C while the session waits stops the wait too.
func TestListenHandlerErrorsDoNotStopIt(t *testing.T) {
	l := newLiveSession(t)
	l.quiet(`pull = SocketOpen[Automatic, {"ZMQ", "Pull"}]; push = SocketConnect[pull]; n = 0;`)
	l.quiet(`lis = SocketListen[pull, (n++; 1/0; Throw[x]) &];`)
	l.eval(`WriteString[push, "a", "b"]; Pause[0.3]`)
	out := l.out.take()
	if strings.Count(out, "Power::infy") != 2 || strings.Count(out, "Throw::nocatch") != 2 {
		t.Fatalf("the session printed:\n%s", out)
	}
	l.want(`n`, `2`)
}

// Handlers run inside a blocking read of another socket, and between inputs: never in the
// middle of evaluation that does not wait.
func TestListenSafePoints(t *testing.T) {
	l := newLiveSession(t)
	l.quiet(`a = SocketOpen[Automatic, {"ZMQ", "Pull"}]; pa = SocketConnect[a]; b = SocketOpen[Automatic, {"ZMQ", "Pull"}]; pb = SocketConnect[b]; log = {};`)
	l.quiet(`lis = SocketListen[a, AppendTo[log, "handler " <> #Data] &];`)
	// a busy loop is no safe point: the message waits until the loop is done
	l.want(`WriteString[pa, "1"]; t0 = AbsoluteTime[]; While[AbsoluteTime[] - t0 < 0.3, Null]; AppendTo[log, "loop done"]`,
		`{"loop done"}`)
	// a blocking read is one: the handler runs while it waits for b
	l.want(`Pause[0.01]; log`, `{"loop done", "handler 1"}`)
	l.quiet(`WriteString[pa, "2"];`)
	l.want(`WriteString[pb, "x"]; ByteArrayToString[SocketReadMessage[b]]`, `"x"`)
	l.want(`SocketWaitNext[{b}, TimeConstraint -> 0.3]; log`, `{"loop done", "handler 1", "handler 2"}`)
}

// RunHandlers is the safe point between inputs: it runs what is waiting, and a cancelled
// context (Ctrl-C) stops the handler under way; the rest run at the next safe point.
func TestRunHandlersBetweenInputs(t *testing.T) {
	l := newLiveSession(t)
	l.quiet(`pull = SocketOpen[Automatic, {"ZMQ", "Pull"}]; push = SocketConnect[pull]; seen = {};`)
	l.quiet(`lis = SocketListen[pull, (AppendTo[seen, #Data]; If[#Data == "slow", Pause[30]]) &];`)
	if l.s.RunHandlers(context.Background()) {
		t.Fatal("RunHandlers ran handlers with nothing arrived")
	}
	l.quiet("ZeroMQLink`ZMQSocketWriteMessage[push, {\"slow\", \"next\"}];") // two frames: two events
	deadline := time.Now().Add(10 * time.Second)
	for !l.s.async.any() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for !l.s.Handling() {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	start := time.Now()
	l.s.RunHandlers(ctx)
	if time.Since(start) > 20*time.Second {
		t.Fatal("Ctrl-C did not stop the handler")
	}
	l.want(`Pause[0.2]; seen`, `{"slow", "next"}`)
}

// The listener's settings, their messages, and DeleteObject.
func TestListenerSettings(t *testing.T) {
	checkEval(t, []evalCase{
		{`s = SocketOpen[Automatic]; l = SocketListen[s, f]; {l["Socket"] === s, l["HandlerFunctionsKeys"], l["RecordSeparators"], l["CharacterEncoding"]}`,
			`{True, Default, None, UTF-8}`},
		{`s = SocketOpen[Automatic]; l = SocketListen[s, f]; l["RecordSeparators"] = 0`,
			"SocketListener::invalidRecSep: The option setting 0 for RecordSeparators is invalid - valid options are integers greater than 0 or any string or list of strings.\n0"},
		{`s = SocketOpen[Automatic]; l = SocketListen[s, f]; l["Color"]`,
			"SocketListener::invalidOpt: The socket listener option \"Color\" is invalid.\n$Failed"},
		{`s = SocketOpen[Automatic]; SocketListen[s, HandlerFunctions -> <|"Closed" -> f|>]`,
			"SocketListen::pollError: The handlers {\"Closed\"} are invalid, valid HandlerFunctions are {\"DataReceived\"}\n$Failed"},
		{`s = SocketOpen[Automatic]; l = SocketListen[s]; l["HandlerFunctions"]`, `Automatic`},
		{`s = SocketOpen[Automatic]; l = SocketListen[s, f, RecordSeparators -> "|"]; Quiet[l["RecordSeparators"] = {"a", 1}; l["HandlerFunctionsKeys"] = "Bad"; l["HandlerFunctions"] = 7]; {l["RecordSeparators"], l["HandlerFunctionsKeys"], l["HandlerFunctions"]}`,
			`{|, Default, <|DataReceived :> f|>}`}, // a bad setting changes nothing
		{`s = SocketOpen[Automatic]; l = SocketListen[s, f]; {DeleteObject[l], s["Protocol"]}`, `{Null, TCP}`},
		{`l = SocketListen[Automatic, f]; s = l["Socket"]; DeleteObject[l]; Sockets[]`, `{}`},
		{`SocketWaitAll[{1}]`, "SocketWaitAll::sock: SocketWaitAll only works on a list of valid SocketObjects.\n$Failed"},
		{`c = SocketConnect[SocketOpen[Automatic]]; SocketWaitNext[{c}, TimeConstraint -> -1]`,
			"SocketWaitNext::timeout: The value -1 for timeout is invalid, must be a non negative Integer in seconds, a Quantity, or Infinity\n$Failed"},
	})
}

// Deleting a listener twice: the second time the socket has no handlers.
func TestDeleteObjectTwice(t *testing.T) {
	l := newLiveSession(t)
	l.want(`s = SocketOpen[Automatic]; lis = SocketListen[s, f]; DeleteObject[{lis, lis}]`, `$Failed`)
	if out := l.out.take(); !strings.Contains(out, "SocketListener::nosock: The socket SocketObject[«TCP server") {
		t.Fatalf("the session printed %q", out)
	}
}

// A listener on an accepted client goes before its server's: that client's data reaches only
// its own handler; the other clients' data reaches the server's.
func TestListenClientListenerGoesFirst(t *testing.T) {
	l := newLiveSession(t)
	l.quiet(`srv = SocketOpen[Automatic]; a = SocketConnect[srv]; b = SocketConnect[srv]; log = {};`)
	l.quiet(`ls = SocketListen[srv, AppendTo[log, "server: " <> #Data] &];`)
	l.quiet(`acc = First[Select[srv["ConnectedClients"], #["SourcePort"] === a["DestinationPort"] || #["DestinationPort"] === a["SourcePort"] &]];`)
	l.quiet(`la = SocketListen[acc, AppendTo[log, "a's own: " <> #Data] &];`)
	l.want(`WriteString[a, "1"]; WriteString[b, "2"]; Pause[0.3]; Sort[log]`, `{"a's own: 1", "server: 2"}`)
}
