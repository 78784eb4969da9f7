package zmtp

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/internal/peertest"
)

// ---------------------------------------------------------------- frames

func TestFrameRoundTrip(t *testing.T) {
	var wire []byte
	bodies := [][]byte{{}, []byte("a"), bytes.Repeat([]byte("x"), 255), bytes.Repeat([]byte("y"), 256), bytes.Repeat([]byte("z"), 3<<20)}
	for i, b := range bodies {
		wire = AppendFrame(wire, b, i%2 == 0)
	}
	wire = AppendCommand(wire, "PING", []byte{0, 10, 'c'})
	r := NewReader(bytes.NewReader(wire), 4<<20)
	for i, b := range bodies {
		f, err := r.Next()
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if !bytes.Equal(f.Body, b) || f.More != (i%2 == 0) || f.Command {
			t.Fatalf("frame %d: got %d bytes more=%v command=%v", i, len(f.Body), f.More, f.Command)
		}
	}
	f, err := r.Next()
	name, data, ok := ParseCommand(f.Body)
	if err != nil || !f.Command || !ok || name != "PING" || string(data) != "\x00\x0ac" {
		t.Fatalf("command: %+v %v %q %q", f, err, name, data)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after the last frame: %v, want EOF", err)
	}
}

// A header announcing more than the maximum is refused before anything is allocated for it,
// whatever it announces; a frame cut short is an unexpected EOF.
func TestFrameReaderRefusesLargeFrames(t *testing.T) {
	for _, size := range []uint64{1<<20 + 1, 1 << 40, 1<<63 - 1, 1<<64 - 1} {
		hdr := binary.BigEndian.AppendUint64([]byte{flagLong}, size)
		_, err := NewReader(bytes.NewReader(hdr), 1<<20).Next()
		var tl *TooLargeError
		if !errors.As(err, &tl) || tl.Size != size {
			t.Fatalf("a frame of %d bytes: %v", size, err)
		}
	}
	cut := append(binary.BigEndian.AppendUint64([]byte{flagLong}, 1000), "only this"...)
	if _, err := NewReader(bytes.NewReader(cut), 1<<20).Next(); err != io.ErrUnexpectedEOF {
		t.Fatalf("a cut frame: %v", err)
	}
	if _, err := NewReader(bytes.NewReader([]byte{0x80, 0}), 1<<20).Next(); err != ErrBadFlags {
		t.Fatalf("reserved flags: %v", err)
	}
}

// The reader allocates as the bytes arrive: a header that announces 200 MiB followed by a
// trickle costs what arrived, not what was announced.
func TestFrameReaderAllocatesAsBytesArrive(t *testing.T) {
	hdr := binary.BigEndian.AppendUint64([]byte{flagLong}, 200<<20)
	data := append(hdr, bytes.Repeat([]byte("q"), 10)...)
	// what one read allocates: the bufio buffer (64 KiB) and the first step of the body
	before := memUsed()
	for i := 0; i < 20; i++ {
		NewReader(bytes.NewReader(data), 1<<30).Next()
	}
	if perRead := (memUsed() - before) / 20; perRead > 4<<20 {
		t.Fatalf("reading 10 bytes of an announced 200 MiB frame allocated %d bytes", perRead)
	}
}

func FuzzReader(f *testing.F) {
	f.Add(AppendFrame(AppendFrame(nil, []byte("hello"), true), nil, false))
	f.Add(AppendCommand(nil, "READY", []byte("\x0bSocket-Type\x00\x00\x00\x04PUSH")))
	f.Add(binary.BigEndian.AppendUint64([]byte{flagLong | flagMore}, 1<<62))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), 1<<16)
		total := 0
		for {
			f, err := r.Next()
			if err != nil {
				return
			}
			total += len(f.Body)
			if len(f.Body) > 1<<16 || total > len(data) {
				t.Fatalf("a frame of %d bytes from %d bytes of input", len(f.Body), len(data))
			}
			if f.Command {
				ParseCommand(f.Body)
				ParseMetadata(f.Body)
			}
		}
	})
}

// ---------------------------------------------------------------- libzmq peers

// pyServer runs a libzmq socket of type typ bound to a free port on 127.0.0.1 and gives its
// port; the script's body runs after that with the socket as s.
func pyServer(t *testing.T, typ, setup, body string) (*peertest.Proc, int) {
	t.Helper()
	peertest.NeedPyZMQ(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	script := fmt.Sprintf("import sys, zmq, hashlib\nctx = zmq.Context()\ns = ctx.socket(zmq.%s)\ns.linger = 1000\n%s\nport = s.bind_to_random_port('tcp://127.0.0.1')\nprint(port, flush=True)\n%s\n", typ, setup, body)
	p := peertest.StartPython(t, ctx, script)
	var port int
	fmt.Sscan(p.Line(t), &port)
	return p, port
}

// dial connects to port and runs the handshake as typ.
func dial(t *testing.T, port int, typ string, identity []byte) (net.Conn, Peer, error) {
	t.Helper()
	raw, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	peer, err := Handshake(raw, typ, identity, 10*time.Second)
	return raw, peer, err
}

// Messages with every frame shape go from our PUSH to libzmq's PULL whole and in order.
func TestPushToLibzmqPull(t *testing.T) {
	const n = 2000
	p, port := pyServer(t, "PULL", "", fmt.Sprintf(`
h = hashlib.sha256()
for i in range(%d):
    parts = s.recv_multipart()
    h.update(repr([len(x) for x in parts]).encode())
    for x in parts: h.update(x)
print(h.hexdigest(), flush=True)
`, n))
	raw, peer, err := dial(t, port, "PUSH", nil)
	if err != nil || peer.Type != "PULL" {
		t.Fatalf("handshake: %v, peer %+v", err, peer)
	}
	c := Start(raw, peer, Config{})
	want := sha256Of(n, func(i int) [][]byte { return testMessage(i) }, c.Send)
	if got := p.Line(t); got != want {
		t.Fatalf("libzmq read a different stream: %s, want %s", got, want)
	}
	if dropped := c.Close(time.Second); dropped != 0 {
		t.Fatalf("%d messages dropped at close", dropped)
	}
}

// Messages from libzmq's PUSH arrive whole and in order at our PULL; the reader stops at the
// high-water mark and goes on as they are taken.
func TestLibzmqPushToPull(t *testing.T) {
	const n = 2000
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	peertest.NeedPyZMQ(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p := peertest.StartPython(t, ctx, fmt.Sprintf(`
import zmq
ctx = zmq.Context()
s = ctx.socket(zmq.PUSH)
s.linger = 5000
s.connect('tcp://127.0.0.1:%d')
for i in range(%d):
    if i %% 7 == 3:
        s.send_multipart([b'', b'part%%d' %% i, b'x' * (i %% 300)])
    else:
        s.send(b'm%%d' %% i)
s.close()
print('sent', flush=True)
`, ln.Addr().(*net.TCPAddr).Port, n))
	raw, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	peer, err := Handshake(raw, "PULL", nil, 10*time.Second)
	if err != nil || peer.Type != "PUSH" {
		t.Fatalf("handshake: %v, peer %+v", err, peer)
	}
	arrived := make(chan struct{}, 1)
	c := Start(raw, peer, Config{RecvHWM: 10, Notify: func(*Conn) {
		select {
		case arrived <- struct{}{}:
		default:
		}
	}})
	defer c.Close(0)
	for i := 0; i < n; i++ {
		var msg [][]byte
		for {
			var ok bool
			if msg, ok = c.Recv(); ok {
				break
			}
			if c.Pending() > 10 {
				t.Fatalf("%d messages held, past the high-water mark of 10", c.Pending())
			}
			select {
			case <-arrived:
			case <-time.After(10 * time.Second):
				t.Fatalf("message %d did not arrive (%v)", i, c.Err())
			}
		}
		want := fmt.Sprintf("[m%d]", i)
		if i%7 == 3 {
			want = fmt.Sprintf("[ part%d %s]", i, strings.Repeat("x", i%300))
		}
		if got := fmt.Sprintf("%s", msg); got != want {
			t.Fatalf("message %d is %q, want %q", i, got, want)
		}
	}
	if line := p.Line(t); line != "sent" {
		t.Fatal(line)
	}
}

// A DEALER's identity and type arrive with the handshake.
func TestHandshakeLearnsIdentity(t *testing.T) {
	peertest.NeedPyZMQ(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	peertest.StartPython(t, ctx, fmt.Sprintf(`
import zmq, time
s = zmq.Context().socket(zmq.DEALER)
s.setsockopt(zmq.IDENTITY, b'dealer-7')
s.connect('tcp://127.0.0.1:%d')
time.sleep(20)
`, ln.Addr().(*net.TCPAddr).Port))
	raw, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	peer, err := Handshake(raw, "ROUTER", nil, 10*time.Second)
	if err != nil || peer.Type != "DEALER" || string(peer.Identity) != "dealer-7" {
		t.Fatalf("handshake: %v, peer %+v", err, peer)
	}
}

// A peer of a type ours cannot talk to is refused with the reason.
func TestHandshakeRefusesIncompatibleType(t *testing.T) {
	_, port := pyServer(t, "PUB", "", "import time\ntime.sleep(20)")
	_, _, err := dial(t, port, "PULL", nil)
	var he *HandshakeError
	if !errors.As(err, &he) || he.Reason != "the peer is a PUB socket, which cannot talk to a PULL socket" {
		t.Fatalf("handshake with a PUB as PULL: %v", err)
	}
}

// libzmq's heartbeats (PING) are answered with PONG through the writer: with a 100 ms
// heartbeat and a 300 ms timeout, a connection that is quiet for 1.5 s is still up.
func TestHeartbeatsAnswered(t *testing.T) {
	p, port := pyServer(t, "PULL", "s.setsockopt(zmq.HEARTBEAT_IVL, 100)\ns.setsockopt(zmq.HEARTBEAT_TIMEOUT, 300)", `
print(s.recv().decode(), flush=True)
`)
	raw, peer, err := dial(t, port, "PUSH", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := Start(raw, peer, Config{})
	defer c.Close(time.Second)
	time.Sleep(1500 * time.Millisecond)
	if err := c.Err(); err != nil {
		t.Fatalf("the connection ended while quiet: %v", err)
	}
	c.Send([][]byte{[]byte("still here")})
	if got := p.Line(t); got != "still here" {
		t.Fatalf("libzmq read %q", got)
	}
}

// ---------------------------------------------------------------- hostile peers

func greeting(version byte, mechanism string) []byte {
	g := make([]byte, 64)
	g[0], g[9], g[10] = 0xff, 0x7f, version
	copy(g[12:32], mechanism)
	return g
}

func ready(props ...string) []byte {
	var body []byte
	for i := 0; i+1 < len(props); i += 2 {
		body = append(body, byte(len(props[i])))
		body = append(body, props[i]...)
		body = binary.BigEndian.AppendUint32(body, uint32(len(props[i+1])))
		body = append(body, props[i+1]...)
	}
	return AppendCommand(nil, "READY", body)
}

// Each of these, sent by a raw TCP client, ends the handshake with a reason and nothing else:
// no panic, no allocation of what a header announces, no wait past the deadline.
func TestHandshakeHostilePeers(t *testing.T) {
	long := func(size uint64) []byte { return binary.BigEndian.AppendUint64([]byte{flagLong | flagCommand}, size) }
	cases := []struct {
		name, sends, reason string
		bytes               []byte
	}{
		{name: "http", bytes: []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), reason: "not a ZeroMQ socket"},
		{name: "0xff×200", bytes: bytes.Repeat([]byte{0xff}, 200), reason: "not a ZeroMQ socket"},
		{name: "ZMTP 2", bytes: greeting(2, "NULL"), reason: "ZMTP 2.x"},
		{name: "CURVE", bytes: greeting(3, "CURVE"), reason: `"CURVE" security mechanism`},
		{name: "2^40 before READY", bytes: append(greeting(3, "NULL"), long(1<<40)...), reason: "frame of 1099511627776 bytes"},
		{name: "2^63-1 before READY", bytes: append(greeting(3, "NULL"), long(1<<63-1)...), reason: "frame of 9223372036854775807 bytes"},
		{name: "CLIENT", bytes: append(greeting(3, "NULL"), ready("Socket-Type", "CLIENT")...), reason: `socket type "CLIENT"`},
		{name: "PUB to PULL", bytes: append(greeting(3, "NULL"), ready("Socket-Type", "PUB")...), reason: "PUB socket, which cannot talk to a PULL"},
		{name: "cut metadata", bytes: append(greeting(3, "NULL"), AppendCommand(nil, "READY", []byte("\x0bSocket-Type\x00\x00"))...), reason: "malformed"},
		{name: "ERROR", bytes: append(greeting(3, "NULL"), AppendCommand(nil, "ERROR", []byte("\x07go away"))...), reason: `"go away"`},
		{name: "data before READY", bytes: append(greeting(3, "NULL"), AppendFrame(nil, []byte("hi"), false)...), reason: "before completing the handshake"},
		{name: "silent", bytes: nil, reason: "did not complete the handshake within"},
	}
	var wg sync.WaitGroup
	for _, tc := range cases {
		wg.Add(1)
		t.Run(tc.name, func(t *testing.T) {
			defer wg.Done()
			t.Parallel()
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			client, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer client.Close()
			go io.Copy(io.Discard, client)
			client.Write(tc.bytes)
			raw, err := ln.Accept()
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			start := time.Now()
			_, err = Handshake(raw, "PULL", nil, 500*time.Millisecond)
			var he *HandshakeError
			if !errors.As(err, &he) || !strings.Contains(he.Reason, tc.reason) {
				t.Fatalf("got %v, want a reason with %q", err, tc.reason)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Fatalf("took %v", took)
			}
		})
	}
}

// A message larger than the maximum ends the connection after the handshake too, before
// allocation; so does a message of many frames that adds up past it.
func TestConnRefusesLargeMessages(t *testing.T) {
	for _, tc := range []struct {
		name  string
		bytes []byte
	}{
		{"one frame of 2^40", binary.BigEndian.AppendUint64([]byte{flagLong}, 1<<40)},
		{"frames adding up", bytes.Repeat(AppendFrame(nil, bytes.Repeat([]byte("f"), 200), true), 10000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := net.Pipe()
			defer b.Close()
			go b.Write(tc.bytes)
			c := Start(a, Peer{Type: "PUSH"}, Config{MaxMsgSize: 1 << 20})
			select {
			case <-c.Done():
			case <-time.After(5 * time.Second):
				t.Fatal("the connection did not end")
			}
			var tl *TooLargeError
			if !errors.As(c.Err(), &tl) {
				t.Fatalf("ended with %v", c.Err())
			}
		})
	}
}

// ---------------------------------------------------------------- helpers

func testMessage(i int) [][]byte {
	switch i % 5 {
	case 0:
		return [][]byte{[]byte(fmt.Sprintf("m%d", i))}
	case 1:
		return [][]byte{{}, []byte("b"), bytes.Repeat([]byte("c"), i%700)}
	case 2:
		return [][]byte{bytes.Repeat([]byte{byte(i)}, 100<<10)}
	case 3:
		return [][]byte{{}}
	}
	return [][]byte{[]byte("x"), []byte("y"), []byte("z")}
}

// sha256Of sends n messages of gen through send and gives the digest the Python side computes.
func sha256Of(n int, gen func(int) [][]byte, send func([][]byte) bool) string {
	h := newDigest()
	for i := 0; i < n; i++ {
		msg := gen(i)
		h.add(msg)
		for !send(msg) {
			time.Sleep(time.Millisecond)
		}
	}
	return h.hex()
}
