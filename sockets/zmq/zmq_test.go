package zmq

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/internal/peertest"
)

// open makes a socket of typ closed when the test ends.
func open(t *testing.T, typ string) *Socket {
	t.Helper()
	s, err := New(typ, Defaults())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(0) })
	return s
}

// bind makes s listen on a free port of 127.0.0.1 and gives the port.
func bind(t *testing.T, s *Socket) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(ln); err != nil {
		t.Fatal(err)
	}
	return ln.Addr().(*net.TCPAddr).Port
}

// python runs a pyzmq script with the port as PORT; it prints lines the test reads.
func python(t *testing.T, port int, script string) *peertest.Proc {
	t.Helper()
	peertest.NeedPyZMQ(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return peertest.StartPython(t, ctx, "import zmq, sys, time\nctx = zmq.Context()\nPORT = "+strconv.Itoa(port)+"\n"+script)
}

func ctx(t *testing.T, d time.Duration) context.Context {
	c, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return c
}

func waitPeers(t *testing.T, s *Socket, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(s.Peers()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d peers after 10 s, want %d; events %v", len(s.Peers()), n, s.Events())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A bound PUSH splits messages between two libzmq PULLs in turn (round-robin), as libzmq's
// PUSH does — not to both.
func TestPushRoundRobinToLibzmq(t *testing.T) {
	push := open(t, "PUSH")
	port := bind(t, push)
	const n = 1000
	var peers []*peertest.Proc
	for i := 0; i < 2; i++ {
		peers = append(peers, python(t, port, `
s = ctx.socket(zmq.PULL)
s.connect('tcp://127.0.0.1:%d' % PORT)
got = 0
while True:
    m = s.recv()
    if m == b'end': break
    got += 1
print(got, flush=True)
`))
	}
	waitPeers(t, push, 2)
	for i := 0; i < n; i++ {
		if err := push.Send(ctx(t, 10*time.Second), [][]byte{[]byte("m" + strconv.Itoa(i))}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 2; i++ {
		push.Send(ctx(t, 10*time.Second), [][]byte{[]byte("end")})
	}
	total := 0
	for _, p := range peers {
		got, _ := strconv.Atoi(p.Line(t))
		if got < n/2*8/10 || got > n/2*12/10 {
			t.Fatalf("one PULL got %d of %d messages, want %d ± 20 %%", got, n, n/2)
		}
		total += got
	}
	if total != n {
		t.Fatalf("the PULLs got %d messages in all, want %d", total, n)
	}
}

// A bound PULL receives from a libzmq PUSH, in order, none missing.
func TestPullFromLibzmq(t *testing.T) {
	pull := open(t, "PULL")
	port := bind(t, pull)
	const n = 20000
	python(t, port, fmt.Sprintf(`
s = ctx.socket(zmq.PUSH)
s.linger = 5000
s.connect('tcp://127.0.0.1:%%d' %% PORT)
for i in range(%d):
    s.send_multipart([b'%%d' %% i, b'tail'] if i %% 3 == 0 else [b'%%d' %% i])
s.close()
`, n))
	for i := 0; i < n; i++ {
		wait := 10 * time.Second
		if i == 0 {
			wait = time.Minute // Python starting and importing zmq on a loaded machine
		}
		msg, err := pull.Recv(ctx(t, wait))
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		want := fmt.Sprintf("[%d]", i)
		if i%3 == 0 {
			want = fmt.Sprintf("[%d tail]", i)
		}
		if got := fmt.Sprintf("%s", msg); got != want {
			t.Fatalf("message %d is %s, want %s", i, got, want)
		}
	}
}

// A connecting PUSH queues what it sends before its peer exists (up to the high-water mark),
// delivers it when the peer comes, and reconnects when the peer goes away and comes back.
func TestPushConnectsLateAndReconnects(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nothing listens there yet
	push := open(t, "PUSH")
	if err := push.Connect(fmt.Sprintf("127.0.0.1:%d", port)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		if ok, err := push.TrySend([][]byte{[]byte("early" + strconv.Itoa(i))}); !ok || err != nil {
			t.Fatalf("send %d before the peer: %v %v", i, ok, err)
		}
	}
	peer := `
s = ctx.socket(zmq.PULL)
s.bind('tcp://127.0.0.1:%d' % PORT)
print(' '.join(s.recv().decode() for i in range(N)), flush=True)
s.close()
`
	first := python(t, port, "N = 10"+peer)
	if got := first.Line(t); got != "early0 early1 early2 early3 early4 early5 early6 early7 early8 early9" {
		t.Fatalf("the late peer read %q", got)
	}
	first.Wait()
	second := python(t, port, "N = 3"+peer)
	for i := 0; i < 3; i++ {
		if err := push.Send(ctx(t, 20*time.Second), [][]byte{[]byte("again" + strconv.Itoa(i))}); err != nil {
			t.Fatal(err)
		}
	}
	if got := second.Line(t); got != "again0 again1 again2" {
		t.Fatalf("after the restart the peer read %q; events %v", got, push.Events())
	}
	var seen []string
	for _, e := range push.Events() {
		seen = append(seen, e.What)
	}
	if s := strings.Join(seen, ","); !strings.Contains(s, "connected,disconnected") || !strings.Contains(s, "retrying") {
		t.Fatalf("events: %s", s)
	}
}

// A bound PUSH with no peer cannot send: Send waits (and stops when its context ends).
func TestBoundPushWithoutPeerWaits(t *testing.T) {
	push := open(t, "PUSH")
	bind(t, push)
	if ok, err := push.TrySend([][]byte{[]byte("x")}); ok || err != nil {
		t.Fatalf("TrySend with no peer: %v %v", ok, err)
	}
	if err := push.Send(ctx(t, 100*time.Millisecond), [][]byte{[]byte("x")}); err != context.DeadlineExceeded {
		t.Fatalf("Send with no peer: %v", err)
	}
}

// Two sockets of this runtime talk to each other, PAIR to PAIR.
func TestPairGoToGo(t *testing.T) {
	a, b := open(t, "PAIR"), open(t, "PAIR")
	port := bind(t, a)
	b.Connect(fmt.Sprintf("127.0.0.1:%d", port))
	if err := b.Send(ctx(t, 5*time.Second), [][]byte{[]byte("ping")}); err != nil {
		t.Fatal(err)
	}
	msg, err := a.Recv(ctx(t, 5*time.Second))
	if err != nil || string(msg[0]) != "ping" {
		t.Fatalf("%q %v", msg, err)
	}
	a.Send(ctx(t, 5*time.Second), [][]byte{[]byte("pong")})
	msg, err = b.Recv(ctx(t, 5*time.Second))
	if err != nil || string(msg[0]) != "pong" {
		t.Fatalf("%q %v", msg, err)
	}
}

// Hostile clients (one silent, one announcing a 2^40-byte frame, one speaking HTTP) neither
// stall the socket nor stop the next real libzmq peer from being served; each failed
// handshake is an event with its reason.
func TestHostileClientsDoNotStallOthers(t *testing.T) {
	pull := open(t, "PULL")
	port := bind(t, pull)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	silent, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	huge := append(make([]byte, 64), 0x06, 0, 0, 1, 0, 0, 0, 0, 0)
	huge[0], huge[9], huge[10] = 0xff, 0x7f, 3
	copy(huge[12:], "NULL")
	for _, b := range [][]byte{huge, []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.Write(b)
	}
	python(t, port, `
s = ctx.socket(zmq.PUSH)
s.connect('tcp://127.0.0.1:%d' % PORT)
s.send(b'served')
time.sleep(5)
`)
	if got := recv(t, pull); got != "served" {
		t.Fatalf("got %q", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		var reasons []string
		for _, e := range pull.Events() {
			if e.What == "handshake failed" {
				reasons = append(reasons, e.Detail)
			}
		}
		all := strings.Join(reasons, "; ")
		if strings.Contains(all, "frame of 1099511627776 bytes") && strings.Contains(all, "not a ZeroMQ socket") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("handshake failures: %s", all)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A bound PAIR turns a second peer away while it has one, as libzmq's does: the second
// libzmq PAIR's message never arrives, the first one's does.
func TestPairTakesOnePeer(t *testing.T) {
	pair := open(t, "PAIR")
	port := bind(t, pair)
	script := `
s = ctx.socket(zmq.PAIR)
s.connect('tcp://127.0.0.1:%d' % PORT)

s.send(NAME)
time.sleep(5)
`
	python(t, port, "NAME = b'first'"+script)
	if got := recv(t, pair); got != "first" {
		t.Fatalf("got %q", got)
	}
	python(t, port, "NAME = b'second'"+script)
	if msg, err := pair.Recv(ctx(t, 500*time.Millisecond)); err == nil {
		t.Fatalf("a second peer's message arrived: %q", msg)
	}
	refused := false
	for _, e := range pair.Events() {
		refused = refused || e.What == "refused"
	}
	if !refused {
		t.Fatalf("no refusal among the events %v", pair.Events())
	}
}

// TryRecvMany takes what TryRecv would, in order, at most max at a time; with CONFLATE only the
// newest; a socket that cannot receive says so.
func TestTryRecvMany(t *testing.T) {
	pull, push := open(t, "PULL"), open(t, "PUSH")
	push.Connect(fmt.Sprintf("127.0.0.1:%d", bind(t, pull)))
	for i := range 10 {
		if err := push.Send(ctx(t, 5*time.Second), [][]byte{[]byte(strconv.Itoa(i)), []byte("x")}); err != nil {
			t.Fatal(err)
		}
	}
	var got [][][]byte
	deadline := time.Now().Add(10 * time.Second)
	for len(got) < 10 && time.Now().Before(deadline) {
		before := len(got)
		var err error
		if got, err = pull.TryRecvMany(got, 4); err != nil {
			t.Fatal(err)
		}
		if len(got)-before > 4 {
			t.Fatalf("took %d at once, max 4", len(got)-before)
		}
		if len(got) == before {
			time.Sleep(time.Millisecond)
		}
	}
	for i, msg := range got {
		if len(msg) != 2 || string(msg[0]) != strconv.Itoa(i) || string(msg[1]) != "x" {
			t.Fatalf("message %d: %q", i, msg)
		}
	}
	if len(got) != 10 {
		t.Fatalf("got %d messages, want 10", len(got))
	}
	if more, err := pull.TryRecvMany(nil, 4); len(more) != 0 || err != nil {
		t.Fatalf("nothing left: %q %v", more, err)
	}
	if _, err := push.TryRecvMany(nil, 4); err != ErrCannotRecv {
		t.Fatalf("a PUSH receives: %v", err)
	}

	opts := Defaults()
	opts.Conflate = true
	latest, err := New("PULL", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { latest.Close(0) })
	push2 := open(t, "PUSH")
	push2.Connect(fmt.Sprintf("127.0.0.1:%d", bind(t, latest)))
	for i := range 5 {
		push2.Send(ctx(t, 5*time.Second), [][]byte{[]byte(strconv.Itoa(i))})
	}
	deadline = time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		msgs, _ := latest.TryRecvMany(nil, 4)
		if len(msgs) > 1 {
			t.Fatalf("CONFLATE gave %d messages at once", len(msgs))
		}
		if len(msgs) == 1 && string(msgs[0][0]) == "4" {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("CONFLATE never gave the newest message")
}

// WaitHere: a REQ waiting for its reply reads it (true, then TryRecv has it); with no reply the
// time runs out (false, no error); a cancelled context ends the wait with its error.
func TestWaitHere(t *testing.T) {
	rep, req := open(t, "REP"), open(t, "REQ")
	req.Connect(fmt.Sprintf("127.0.0.1:%d", bind(t, rep)))
	for i := range 3 {
		if err := req.Send(ctx(t, 5*time.Second), [][]byte{[]byte("ping")}); err != nil {
			t.Fatal(err)
		}
		if _, err := rep.Recv(ctx(t, 5*time.Second)); err != nil {
			t.Fatal(err)
		}
		if err := rep.Send(ctx(t, 5*time.Second), [][]byte{[]byte("pong" + strconv.Itoa(i))}); err != nil {
			t.Fatal(err)
		}
		var msg [][]byte
		for ok := false; !ok; {
			if got, err := req.WaitHere(ctx(t, 5*time.Second), 5*time.Second); !got || err != nil {
				t.Fatalf("trip %d: WaitHere %v %v", i, got, err)
			}
			var err error
			if msg, ok, err = req.TryRecv(); err != nil {
				t.Fatal(err)
			}
		}
		if string(msg[0]) != "pong"+strconv.Itoa(i) {
			t.Fatalf("trip %d: %q", i, msg)
		}
	}
	req.Send(ctx(t, 5*time.Second), [][]byte{[]byte("unanswered")})
	if got, err := req.WaitHere(ctx(t, 5*time.Second), 50*time.Millisecond); got || err != nil {
		t.Fatalf("no reply: WaitHere %v %v", got, err)
	}
	c, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if got, err := req.WaitHere(c, -1); got || err == nil {
		t.Fatalf("cancelled: WaitHere %v %v", got, err)
	}
}

// A REP takes one request at a time even when asked for many: it must answer the one it took
// before it takes the next.
func TestTryRecvManyREPTakesOne(t *testing.T) {
	rep, dealer := open(t, "REP"), open(t, "DEALER")
	dealer.Connect(fmt.Sprintf("127.0.0.1:%d", bind(t, rep)))
	for _, q := range []string{"first", "second"} {
		if err := dealer.Send(ctx(t, 5*time.Second), [][]byte{{}, []byte(q)}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for in, _ := rep.Queued(); in < 2; in, _ = rep.Queued() {
		if time.Now().After(deadline) {
			t.Fatal("the two requests never arrived")
		}
		time.Sleep(time.Millisecond)
	}
	got, err := rep.TryRecvMany(nil, 4)
	if err != nil || len(got) != 1 || string(got[0][len(got[0])-1]) != "first" {
		t.Fatalf("a REP took %q (%v), want the first request alone", got, err)
	}
}
