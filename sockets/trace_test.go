package sockets

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/sockets/zmq"
)

// recorder collects trace records as text, the way a reader would tell them apart: the
// socket's role, the direction or the event, the peer, and the data.
type recorder struct {
	mu    sync.Mutex
	lines []string
}

func (r *recorder) fn(t TraceRecord) {
	var line string
	switch {
	case t.Event != nil:
		line = fmt.Sprintf("%s %s %s %s", t.Sock.Role, t.Event.What, t.Event.Peer, t.Event.Detail)
	case t.Out:
		line = fmt.Sprintf("%s → %s %q", t.Sock.Role, t.Peer, t.Data)
	default:
		line = fmt.Sprintf("%s ← %s %q", t.Sock.Role, t.Peer, t.Data)
	}
	if t.Command != "" {
		line += " " + t.Command
	}
	r.mu.Lock()
	r.lines = append(r.lines, strings.TrimSpace(line))
	r.mu.Unlock()
}

func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.lines
	r.lines = nil
	return out
}

// waitLines waits until the recorder holds n lines and takes them.
func (r *recorder) waitLines(t *testing.T, n int) []string {
	t.Helper()
	var got []string
	waitFor(t, 10*time.Second, fmt.Sprintf("%d trace lines", n), func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return len(r.lines) >= n
	})
	got = r.take()
	return got
}

func whats(events []Event) string {
	var out []string
	for _, e := range events {
		out = append(out, e.What)
	}
	return strings.Join(out, ",")
}

func sameLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("traced:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A traced TCP server shows its client's arrival, what the client sends and what it is sent,
// and its departure, in order; the server's events tell the same story, the accepted
// socket's its own part of it.
func TestTraceTCPServer(t *testing.T) {
	r := newRegistry(t)
	srv := openServer(t, r, "127.0.0.1")
	rec := &recorder{}
	srv.SetTrace(rec.fn)
	if !srv.Tracing() {
		t.Fatal("Tracing() is false after SetTrace")
	}
	c := dialGo(t, srv.Local)
	peer := c.LocalAddr().String()
	acc := acceptedFor(t, srv, c)
	c.Write([]byte("hello"))
	ctx := testCtx(t, 10*time.Second)
	if got := readN(t, ctx, acc, 5); string(got) != "hello" {
		t.Fatalf("read %q", got)
	}
	if err := acc.Write(ctx, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 2)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(c, buf); err != nil { // (closing with it unread would reset)
		t.Fatal(err)
	}
	c.Close()
	waitFor(t, 10*time.Second, "the end", acc.AtEnd)
	sameLines(t, rec.waitLines(t, 4), []string{
		"server accepted " + peer,
		`accepted ← ` + peer + ` ["hello"]`,
		`accepted → ` + peer + ` ["hi"]`,
		"accepted peer closed " + peer,
	})
	acc.Close()
	srv.Close()
	sameLines(t, rec.waitLines(t, 2), []string{"accepted closed " + peer, "server closed"})
	if got, want := whats(srv.Events()), "listening,accepted,peer closed,closed,closed"; got != want {
		t.Errorf("server events %s, want %s", got, want)
	}
	if got, want := whats(acc.Events()), "accepted,peer closed,closed"; got != want {
		t.Errorf("accepted events %s, want %s", got, want)
	}
}

// A client that resets its connection reads differently from one that closes it: the
// event says reset, with the system's words.
func TestTraceTCPReset(t *testing.T) {
	r := newRegistry(t)
	srv := openServer(t, r, "127.0.0.1")
	c := dialGo(t, srv.Local)
	acc := acceptedFor(t, srv, c)
	c.SetLinger(0) // close with RST
	c.Close()
	waitFor(t, 10*time.Second, "the reset", func() bool { _, eof := acc.stream.Buffered(); return eof })
	evs := acc.Events()
	last := evs[len(evs)-1]
	if last.What != "reset" || !strings.Contains(last.Detail, "reset") || last.Peer != c.LocalAddr().String() {
		t.Fatalf("events %+v, want a reset by %s last", evs, c.LocalAddr())
	}
}

// A client of the session: connected, its traffic, and its own close.
func TestTraceTCPClient(t *testing.T) {
	r := newRegistry(t)
	srv := openServer(t, r, "127.0.0.1")
	r2 := newRegistry(t) // another session: the server's side is not this one's
	cli, err := r2.DialTCP(testCtx(t, 5*time.Second), Endpoint{Host: "127.0.0.1", Port: int(srv.Local.Port())})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	cli.SetTrace(rec.fn)
	cli.Write(context.Background(), []byte("ping"))
	acc := waitClients(t, srv, 1)[0]
	readN(t, testCtx(t, 5*time.Second), acc, 4)
	acc.Write(context.Background(), []byte("pong"))
	readN(t, testCtx(t, 5*time.Second), cli, 4)
	cli.SetTrace(nil)
	cli.Write(context.Background(), []byte("unseen"))
	cli.Close()
	to := srv.Local.String()
	sameLines(t, rec.take(), []string{`client → ` + to + ` ["ping"]`, `client ← ` + to + ` ["pong"]`})
	if got, want := whats(cli.Events()), "connected,closed"; got != want {
		t.Errorf("client events %s, want %s", got, want)
	}
}

// Events are bounded: a server whose clients come and go forever keeps the newest.
func TestEventsBounded(t *testing.T) {
	r := newRegistry(t)
	srv := openServer(t, r, "127.0.0.1")
	rec := &recorder{}
	srv.SetTrace(rec.fn)
	const n = 150 // each: accepted, peer closed
	var last string
	for i := 0; i < n; i++ {
		c := dialGo(t, srv.Local)
		last = c.LocalAddr().String()
		acc := acceptedFor(t, srv, c)
		c.Close()
		waitFor(t, 10*time.Second, "the end", acc.AtEnd)
		acc.Close()
	}
	evs := srv.Events()
	if len(evs) != maxEvents {
		t.Fatalf("%d events kept, want %d", len(evs), maxEvents)
	}
	if e := evs[len(evs)-1]; e.What != "closed" || e.Peer != last {
		t.Fatalf("the newest event is %+v, want the last client's close", e)
	}
	if got := len(rec.take()); got != 3*n {
		t.Fatalf("%d trace records, want %d (every event of every client)", got, 3*n)
	}
}

// ZeroMQ: a bound socket traced sees its peer arrive (and what it is), each message's frames,
// and a peer of the wrong type refused, with the reason.
func TestTraceZMQ(t *testing.T) {
	r := newRegistry(t)
	ctx := context.Background()
	pull, err := r.OpenZMQ(ctx, Endpoint{Host: "127.0.0.1", AnyPort: true}, "PULL", zmq.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	pull.SetTrace(rec.fn)
	addr := Endpoint{Host: "127.0.0.1", Port: int(pull.Local.Port())}
	push, err := r.ConnectZMQ(ctx, addr, "PUSH", zmq.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	local := push.ZMQ().Connected()[0].Local
	push.WriteMessage(ctx, [][]byte{[]byte("a"), []byte("bc")}, false)
	msg, err := pull.ReadMessage(testCtx(t, 10*time.Second))
	if err != nil || len(msg) != 2 {
		t.Fatalf("read %q, %v", msg, err)
	}
	pub, err := r.ConnectZMQ(ctx, addr, "PUB", zmq.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	got := rec.waitLines(t, 3)
	sameLines(t, got[:2], []string{
		"server accepted " + local + " the peer is a PUSH socket",
		`server ← ` + local + ` ["a" "bc"]`,
	})
	if !strings.HasPrefix(got[2], "server handshake failed 127.0.0.1:") || !strings.HasSuffix(got[2], "the peer is a PUB socket, which cannot talk to a PULL socket") {
		t.Fatalf("the third record is %q, want the PUB refused", got[2])
	}
	if _, ok := r.Ports()[int(netip.MustParseAddrPort(local).Port())]; !ok {
		t.Error("a ZeroMQ connection's own port is not among Ports(): transcripts would show it")
	}
	// the PUB's own view: its handshake failed, and it tries again
	waitFor(t, 10*time.Second, "the PUB's retry", func() bool { return strings.Contains(whats(pub.Events()), "handshake failed,retrying") })
}

// A connecting socket with nobody at its address says so, and that it tries again: not the
// same story as a wrong peer.
func TestEventsZMQDeadServer(t *testing.T) {
	r := newRegistry(t)
	port := freePort(t)
	req, err := r.ConnectZMQ(context.Background(), Endpoint{Host: "127.0.0.1", Port: port}, "REQ", zmq.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "a retry", func() bool { return strings.Contains(whats(req.Events()), "connect failed,retrying") })
	e := req.Events()[0]
	if e.What != "connect failed" || e.Detail != "connection refused: nothing is listening there" || e.Peer != fmt.Sprintf("127.0.0.1:%d", port) {
		t.Fatalf("first event %+v", e)
	}
}

// TraceNew traces sockets from their start: their first events are seen.
func TestTraceNew(t *testing.T) {
	r := newRegistry(t)
	rec := &recorder{}
	r.TraceNew(rec.fn)
	srv := openServer(t, r, "127.0.0.1")
	z, err := r.OpenZMQ(context.Background(), Endpoint{Host: "127.0.0.1", AnyPort: true}, "PULL", zmq.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	r.TraceNew(nil)
	later := openServer(t, r, "127.0.0.1")
	sameLines(t, rec.take(), []string{"server listening " + srv.Local.String(), "server listening " + z.Local.String()})
	if !srv.Tracing() || !z.Tracing() || later.Tracing() {
		t.Fatalf("tracing: %v %v %v, want true true false", srv.Tracing(), z.Tracing(), later.Tracing())
	}
	if z.ID == "" || r.byID[z.ID] != z {
		t.Fatal("a socket traced from its start is not registered under its id")
	}
}
