package zmq

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func send(t *testing.T, s *Socket, frames ...string) {
	t.Helper()
	msg := make([][]byte, len(frames))
	for i, f := range frames {
		msg[i] = []byte(f)
	}
	if err := s.Send(ctx(t, 10*time.Second), msg); err != nil {
		t.Fatalf("send %q: %v", frames, err)
	}
}

func recv(t *testing.T, s *Socket) string {
	t.Helper()
	msg, err := s.Recv(ctx(t, 10*time.Second))
	if err != nil {
		t.Fatalf("recv on %s: %v; events %v", s.Type, err, s.Events())
	}
	parts := make([]string, len(msg))
	for i, f := range msg {
		parts[i] = string(f)
	}
	return strings.Join(parts, "|")
}

// Our PUB sends each libzmq SUB what its subscriptions match (filtered on our side).
func TestPubToLibzmqSubs(t *testing.T) {
	pub := open(t, "PUB")
	port := bind(t, pub)
	script := `
s = ctx.socket(zmq.SUB)
s.setsockopt(zmq.SUBSCRIBE, TOPIC)
s.connect('tcp://127.0.0.1:%d' % PORT)
got = []
while True:
    m = s.recv_multipart()
    if m[-1] == b'end': break
    got.append(b'|'.join(m).decode())
print(' '.join(got), flush=True)
`
	a := python(t, port, "TOPIC = b'a'"+script)
	b := python(t, port, "TOPIC = b'b'"+script)
	waitPeers(t, pub, 2)
	// the subscriptions arrive after the connection: wait until both are known
	deadline := time.Now().Add(10 * time.Second)
	for {
		pub.mu.Lock()
		n := len(pub.pat.(*pubPattern).all)
		pub.mu.Unlock()
		if n == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	send(t, pub, "apple", "1")
	send(t, pub, "banana")
	send(t, pub, "cherry")
	send(t, pub, "avocado")
	send(t, pub, "a", "end")
	send(t, pub, "b", "end")
	if got := a.Line(t); got != "apple|1 avocado" {
		t.Fatalf("the SUB to a got %q", got)
	}
	if got := b.Line(t); got != "banana" {
		t.Fatalf("the SUB to b got %q", got)
	}
}

// Our SUB subscribes at a libzmq PUB and gets only what matches; XPUB-side, libzmq sees the
// subscription.
func TestSubFromLibzmqXPub(t *testing.T) {
	sub := open(t, "SUB")
	sub.Subscribe([]byte("news"))
	port := bind(t, sub)
	python(t, port, `
s = ctx.socket(zmq.XPUB)
s.connect('tcp://127.0.0.1:%d' % PORT)
sub = s.recv()
for topic in [b'weather', b'news1', b'sports', b'news2']:
    s.send(topic + b' ' + sub)
time.sleep(5)
`)
	if got := recv(t, sub); got != "news1 \x01news" {
		t.Fatalf("got %q", got)
	}
	if got := recv(t, sub); got != "news2 \x01news" {
		t.Fatalf("got %q", got)
	}
}

// Our XPUB hands libzmq SUBs' subscriptions to its reader: new ones only, and an unsubscribe
// when the last subscriber of a prefix goes.
func TestXPubSeesSubscriptions(t *testing.T) {
	xpub := open(t, "XPUB")
	port := bind(t, xpub)
	python(t, port, `
s = ctx.socket(zmq.SUB)
s.connect('tcp://127.0.0.1:%d' % PORT)
s.setsockopt(zmq.SUBSCRIBE, b'x')
s.setsockopt(zmq.SUBSCRIBE, b'x')
s.setsockopt(zmq.SUBSCRIBE, b'y')
time.sleep(0.5)
s.setsockopt(zmq.UNSUBSCRIBE, b'y')
time.sleep(5)
`)
	for _, want := range []string{"\x01x", "\x01y", "\x00y"} {
		if got := recv(t, xpub); got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
}

// REQ to a libzmq REP and back; a second send before the reply is refused.
func TestReqToLibzmqRep(t *testing.T) {
	req := open(t, "REQ")
	port := bind(t, req)
	python(t, port, `
s = ctx.socket(zmq.REP)
s.connect('tcp://127.0.0.1:%d' % PORT)
for i in range(3):
    m = s.recv_multipart()
    s.send_multipart([b're:'] + m)
time.sleep(5)
`)
	for i := 0; i < 3; i++ {
		send(t, req, fmt.Sprint("q", i), "more")
		if ok, err := req.TrySend([][]byte{[]byte("again")}); ok || err != ErrReqState {
			t.Fatalf("a second send: %v %v", ok, err)
		}
		if got := recv(t, req); got != fmt.Sprintf("re:|q%d|more", i) {
			t.Fatalf("reply %d: %q", i, got)
		}
	}
}

// A libzmq REQ's requests reach our REP without their envelope, and the replies go back.
func TestLibzmqReqToRep(t *testing.T) {
	rep := open(t, "REP")
	port := bind(t, rep)
	p := python(t, port, `
s = ctx.socket(zmq.REQ)
s.connect('tcp://127.0.0.1:%d' % PORT)
out = []
for i in range(3):
    s.send(b'q%d' % i)
    out.append(b'|'.join(s.recv_multipart()).decode())
print(' '.join(out), flush=True)
`)
	if ok, err := rep.TrySend([][]byte{[]byte("x")}); ok || err != ErrRepState {
		t.Fatalf("a reply before any request: %v %v", ok, err)
	}
	for i := 0; i < 3; i++ {
		q := recv(t, rep)
		send(t, rep, "a:"+q, "end")
	}
	if got := p.Line(t); got != "a:q0|end a:q1|end a:q2|end" {
		t.Fatalf("libzmq's REQ read %q", got)
	}
}

// Our ROUTER reads {id, …} from libzmq DEALERs (the announced identity, or a generated
// 5-byte one) and routes replies by it; an unknown id is dropped.
func TestRouterWithLibzmqDealers(t *testing.T) {
	router := open(t, "ROUTER")
	port := bind(t, router)
	script := `
s = ctx.socket(zmq.DEALER)
if ID: s.setsockopt(zmq.IDENTITY, ID)
s.connect('tcp://127.0.0.1:%d' % PORT)
s.send_multipart([b'hello', NAME])
print(b'|'.join(s.recv_multipart()).decode(), flush=True)
`
	named := python(t, port, "ID = b'alice'; NAME = b'alice'"+script)
	anon := python(t, port, "ID = None; NAME = b'anon'"+script)
	ids := map[string][]byte{}
	for i := 0; i < 2; i++ {
		msg, err := router.Recv(ctx(t, 10*time.Second))
		if err != nil || len(msg) != 3 || string(msg[1]) != "hello" {
			t.Fatalf("%q %v", msg, err)
		}
		ids[string(msg[2])] = msg[0]
	}
	if string(ids["alice"]) != "alice" || len(ids["anon"]) != 5 || ids["anon"][0] != 0 {
		t.Fatalf("routing ids: %q", ids)
	}
	router.Send(ctx(t, time.Second), [][]byte{[]byte("nobody"), []byte("lost")})
	router.Send(ctx(t, time.Second), [][]byte{ids["anon"], []byte("to"), []byte("anon")})
	router.Send(ctx(t, time.Second), [][]byte{ids["alice"], []byte("to"), []byte("alice")})
	if got := named.Line(t); got != "to|alice" {
		t.Fatalf("alice read %q", got)
	}
	if got := anon.Line(t); got != "to|anon" {
		t.Fatalf("the anonymous dealer read %q", got)
	}
}

// DEALER to a libzmq ROUTER: the ROUTER sees our identity.
func TestDealerToLibzmqRouter(t *testing.T) {
	opts := Defaults()
	opts.Identity = []byte("me")
	dealer, err := New("DEALER", opts)
	if err != nil {
		t.Fatal(err)
	}
	defer dealer.Close(0)
	port := bind(t, dealer)
	python(t, port, `
s = ctx.socket(zmq.ROUTER)
s.connect('tcp://127.0.0.1:%d' % PORT)
m = s.recv_multipart()
s.send_multipart([m[0], b'id was', m[0]] + m[1:])
time.sleep(5)
`)
	send(t, dealer, "x", "y")
	if got := recv(t, dealer); got != "id was|me|x|y" {
		t.Fatalf("got %q", got)
	}
}

// A STREAM socket serves a plain TCP client (Python's socket): the arrival, the request, a
// reply, closing by an empty frame, and the departure, each as libzmq gives them.
func TestStreamServesPlainTCP(t *testing.T) {
	st := open(t, "STREAM")
	port := bind(t, st)
	p := python(t, port, `
import socket
c = socket.create_connection(('127.0.0.1', PORT))
c.sendall(b'GET / HTTP/1.0\r\n\r\n')
data = b''
while True:
    b = c.recv(65536)
    if not b: break
    data += b
print(repr(data), flush=True)
`)
	msg, err := st.Recv(ctx(t, 10*time.Second))
	if err != nil || len(msg) != 2 || len(msg[0]) != 5 || len(msg[1]) != 0 {
		t.Fatalf("the arrival: %q %v", msg, err)
	}
	id := msg[0]
	var request []byte
	for len(request) < len("GET / HTTP/1.0\r\n\r\n") {
		msg, err = st.Recv(ctx(t, 10*time.Second))
		if err != nil || string(msg[0]) != string(id) {
			t.Fatalf("the request: %q %v", msg, err)
		}
		request = append(request, msg[1]...)
	}
	if string(request) != "GET / HTTP/1.0\r\n\r\n" {
		t.Fatalf("the request: %q", request)
	}
	st.Send(ctx(t, time.Second), [][]byte{id, []byte("HTTP/1.0 200 OK\r\n\r\nhi")})
	st.Send(ctx(t, time.Second), [][]byte{id, {}})
	if got := p.Line(t); got != `b'HTTP/1.0 200 OK\r\n\r\nhi'` {
		t.Fatalf("the client read %s", got)
	}
	msg, err = st.Recv(ctx(t, 10*time.Second))
	if err != nil || len(msg) != 2 || string(msg[0]) != string(id) || len(msg[1]) != 0 {
		t.Fatalf("the departure: %q %v", msg, err)
	}
}

// Only the patterns that take messages on the reader goroutine (PUB and XPUB, for
// subscriptions) have their connections made with an Intercept: for the others it would be
// a call per message on the reader's hot path, for nothing.
func TestInterceptOnlyWherePatternsTakeMessages(t *testing.T) {
	for _, typ := range Types {
		s, err := New(typ, Defaults())
		if err != nil {
			t.Fatal(err)
		}
		want := typ == "PUB" || typ == "XPUB"
		if got := s.config().Intercept != nil; got != want {
			t.Errorf("%s: Intercept set %v, want %v", typ, got, want)
		}
		s.Close(0)
	}
}
