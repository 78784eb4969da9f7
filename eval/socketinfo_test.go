//go:build unix

package eval

import (
	"fmt"
	"strings"
	"testing"
)

// info is SocketInfo of the socket src evaluates to, times masked.
func (l *liveSession) info(src string) string {
	l.t.Helper()
	text, ok := l.s.SocketInfo(l.eval(src))
	if !ok {
		l.t.Fatalf("SocketInfo[%s] is not ok", src)
	}
	return traceTime.ReplaceAllLiteralString(text, "T «")
}

// ??sock's text: a bound ZeroMQ socket with a peer and unread messages, a Request socket
// awaiting its reply, a TCP server with a client that has unread bytes, a closed socket.
func TestSocketInfo(t *testing.T) {
	l := newLiveSession(t)
	l.quiet(`pull = SocketOpen[Automatic, {"ZMQ", "Pull"}]; push = SocketConnect[pull, "ZMQ_IDENTITY" -> "p1"]; WriteString[push, "a", "b"]; SocketTrace[pull];`)
	l.eval(`TimeConstrained[While[!SocketReadyQ[pull], Pause[0.01]], 10]; Pause[0.1]`)
	peer := l.str(`First[pull["Peers"]]`)
	port := l.integer(`pull["DestinationPort"]`)
	pullID := l.str(`pull["UUID"]`)[:8]
	sameText(t, "??pull", l.info(`pull`), strings.Join([]string{
		fmt.Sprintf("SocketObject[«ZMQ Pull · bound tcp://127.0.0.1:%d · %s»]", port, pullID),
		"  State:    Bound",
		"  Peers:    1: " + peer + ` (PUSH, identity "p1")`,
		"  Queued:   2 messages to read, 0 to send",
		"  Trace:    on",
		"  Events:",
		fmt.Sprintf("T «ZMQ Pull · %s» listening 127.0.0.1:%d", pullID, port),
		fmt.Sprintf("T «ZMQ Pull · %s» accepted %s: the peer is a PUSH socket", pullID, peer),
	}, "\n")+"\n")

	l.quiet(`rep = SocketOpen[Automatic, {"ZMQ", "Reply"}]; req = SocketConnect[rep]; WriteString[req, "q"];`)
	if got := l.info(`req`); !strings.Contains(got, "\n  State:    Connected\n") || !strings.Contains(got, "\n  Request:  sent; awaiting the reply\n") ||
		!strings.Contains(got, "\n  Queued:   0 messages to read, 0 to send\n") || !strings.Contains(got, "\n  Trace:    off (SocketTrace[sock] turns it on)\n") {
		t.Fatalf("??req:\n%s", got)
	}

	l.quiet(`srv = SocketOpen[Automatic]; c = SocketConnect[srv]; WriteString[c, "hello"];`)
	l.eval(`acc = First[srv["ConnectedClients"]]; TimeConstrained[While[!SocketReadyQ[acc], Pause[0.01]], 10];`)
	client := l.str(`ToString[c["SourcePort"]]`)
	if got := l.info(`srv`); !strings.Contains(got, "\n  State:    Listening\n  Clients:  1: 127.0.0.1:"+client+" (5 bytes unread)\n") {
		t.Fatalf("??srv:\n%s", got)
	}
	if got := l.info(`acc`); !strings.Contains(got, "\n  State:    Connected\n  Unread:   5 bytes\n") {
		t.Fatalf("??acc:\n%s", got)
	}
	l.eval(`Close[c]; Pause[0.1];`)
	if got := l.info(`acc`); !strings.Contains(got, "\n  State:    Peer closed\n  Unread:   5 bytes\n  Peer:     closed its end\n") {
		t.Fatalf("??acc after its peer closed:\n%s", got)
	}
	got := l.info(`c`)
	if !strings.Contains(got, "\n  State:    Closed\n  Events:\nT «TCP client · ") || !strings.HasSuffix(got, " closed 127.0.0.1:"+fmt.Sprint(l.integer(`srv["DestinationPort"]`))+"\n") {
		t.Fatalf("??c after Close:\n%s", got)
	}
	if got := l.info(`lis = SocketListen[Automatic, Print]; lis["Socket"]`); !strings.Contains(got, "\n  Listener: a handler runs on each piece that arrives\n") {
		t.Fatalf("??lis[\"Socket\"]:\n%s", got)
	}
	if _, ok := l.s.SocketInfo(l.eval(`5`)); ok {
		t.Fatal("SocketInfo[5] is ok")
	}
	if _, ok := l.s.SocketInfo(l.eval(`SocketObject["nope"]`)); ok {
		t.Fatal("SocketInfo of an unknown socket is ok")
	}
}
