package zmq

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/internal/peertest"
	"github.com/socketrepl/socketrepl/sockets/zmtp"
)

// The interop matrix: each pair of socket types, ours on one side and libzmq (pyzmq under
// Debian's python3) on the other, both ways round where the pair is asymmetric, and both bind
// directions (ours binds and libzmq connects; libzmq binds to a port of the system's choosing
// and ours connects). Each case checks what libzmq's own sockets do: a 3-frame message (with
// an empty frame in the middle) arrives as 3 frames, messages keep their order, subscriptions
// filter, REQ/REP envelopes and routing ids are what libzmq gives. Round-robin over two
// libzmq PULLs is TestPushRoundRobinToLibzmq (zmq_test.go).

// interopN is how many messages each matrix case exchanges.
const interopN = 20

// pyPrelude is what the libzmq peers of these tests share. attach(s) connects s to ours when
// ours binds (PORT is its port) and otherwise binds s to a port of the system's choosing and
// prints its endpoint. msg(i, prefix) is the test's 3-frame message i; show(m) prints a message
// as the Go side's recv gives it (frames joined by '|'). A Gate is a port (printed) that the
// test connects to when the peer may go on: a peer that publishes probes until then knows its
// subscriber has one, so its subscription has arrived.
var pyPrelude = `
import select, socket
N = ` + strconv.Itoa(interopN) + `
def msg(i, p=b''):
    return [p + b'm%d' % i, b'', b't%d' % i + b'x' * {1: 300, 3: 70000}.get(i % 4, 0)]
def show(m):
    print('|'.join(f.decode() for f in m), flush=True)
def attach(s):
    if PORT:
        s.connect('tcp://127.0.0.1:%d' % PORT)
    else:
        s.bind('tcp://127.0.0.1:*')
        print(s.getsockopt(zmq.LAST_ENDPOINT).decode(), flush=True)
class Gate:
    def __init__(self):
        self.l = socket.socket()
        self.l.bind(('127.0.0.1', 0))
        self.l.listen(1)
        print(self.l.getsockname()[1], flush=True)
    def opened(self, timeout):
        return bool(select.select([self.l], [], [], timeout)[0])
`

// msgFrames is message i of the matrix, as frames: prefix+"m<i>", "", "t<i>" and some x's
// (none, 300: a frame with ZMTP's long header, 70,000: larger than the writer's batch).
func msgFrames(prefix string, i int) []string {
	pad := map[int]int{1: 300, 3: 70000}[i%4]
	return []string{fmt.Sprintf("%sm%d", prefix, i), "", fmt.Sprintf("t%d", i) + strings.Repeat("x", pad)}
}

// joined is message i as recv and the peers' show give it.
func joined(prefix string, i int) string { return strings.Join(msgFrames(prefix, i), "|") }

func toFrames(frames []string) [][]byte {
	msg := make([][]byte, len(frames))
	for i, f := range frames {
		msg[i] = []byte(f)
	}
	return msg
}

// libzmq starts a libzmq peer running script (with pyPrelude) with ours at the other end: when
// oursBinds, ours listens and the peer connects to it; otherwise the peer binds, prints its
// endpoint, and ours connects to that.
func libzmq(t *testing.T, ours *Socket, oursBinds bool, script string) *peertest.Proc {
	t.Helper()
	port := 0
	if oursBinds {
		port = bind(t, ours)
	}
	p := python(t, port, pyPrelude+script)
	if !oursBinds {
		connectTo(t, ours, p.Line(t))
	}
	return p
}

// connectTo connects s to a libzmq endpoint ("tcp://127.0.0.1:port").
func connectTo(t *testing.T, s *Socket, endpoint string) {
	t.Helper()
	addr, ok := strings.CutPrefix(endpoint, "tcp://")
	if !ok {
		t.Fatalf("the peer printed %q, not an endpoint", endpoint)
	}
	if err := s.Connect(addr); err != nil {
		t.Fatal(err)
	}
}

// openGate tells a peer waiting at its Gate (whose port it printed) to go on.
func openGate(t *testing.T, port string) {
	t.Helper()
	c, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatalf("the peer's gate %q: %v", port, err)
	}
	c.Close()
}

// probe sends frames on s every 10 ms until stop is called (or the test ends): a subscriber
// that sees one knows its subscription has reached s.
func probe(t *testing.T, s *Socket, frames ...string) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			s.TrySend(toFrames(frames))
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { close(done); <-finished }) }
	t.Cleanup(stop)
	return stop
}

func wantLine(t *testing.T, p *peertest.Proc, want string) {
	t.Helper()
	if got := p.Line(t); got != want {
		t.Fatalf("the libzmq peer printed %s, want %s", short(got), short(want))
	}
}

func wantRecv(t *testing.T, s *Socket, want string) {
	t.Helper()
	if got := recv(t, s); got != want {
		t.Fatalf("our %s received %s, want %s", s.Type, short(got), short(want))
	}
}

// short quotes s, cut to its first 100 bytes and its length when longer.
func short(s string) string {
	if len(s) > 100 {
		return fmt.Sprintf("%q… (%d bytes)", s[:100], len(s))
	}
	return fmt.Sprintf("%q", s)
}

// waitEvent waits up to 10 s for an event what on s whose endpoint is endpoint (any when "")
// and whose detail has detail in it, and gives it.
func waitEvent(t *testing.T, s *Socket, what, endpoint, detail string) Event {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, e := range s.Events() {
			if e.What == what && (endpoint == "" || e.Endpoint == endpoint) && strings.Contains(e.Detail, detail) {
				return e
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q event for %q with %q after 10 s; events %v", what, endpoint, detail, s.Events())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// raceEnabled reports whether the test binary was built with -race: counts shrink under it,
// and memory is never measured under it.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// interopCase is one pair of the matrix: ours of a type, libzmq's peer running script (it
// calls attach(s) on its socket), run driving ours and reading what the peer printed.
type interopCase struct {
	name   string
	ours   string
	opts   func(*Options)
	setup  func(s *Socket) // before ours binds or connects
	script string
	run    func(t *testing.T, s *Socket, p *peertest.Proc)
}

var interopCases = []interopCase{
	{
		name: "ours PUSH, libzmq PULL", ours: "PUSH",
		script: `
s = ctx.socket(zmq.PULL)
attach(s)
for i in range(N):
    show(s.recv_multipart())
`,
		run: func(t *testing.T, s *Socket, p *peertest.Proc) {
			for i := 0; i < interopN; i++ {
				send(t, s, msgFrames("", i)...)
			}
			for i := 0; i < interopN; i++ {
				wantLine(t, p, joined("", i))
			}
		},
	},
	{
		name: "ours PULL, libzmq PUSH", ours: "PULL",
		script: `
s = ctx.socket(zmq.PUSH)
attach(s)
for i in range(N):
    s.send_multipart(msg(i))
time.sleep(30)
`,
		run: func(t *testing.T, s *Socket, p *peertest.Proc) {
			for i := 0; i < interopN; i++ {
				wantRecv(t, s, joined("", i))
			}
		},
	},
	{
		// our PUB filters by the SUB's prefix: drop.* never reaches it
		name: "ours PUB, libzmq SUB", ours: "PUB",
		script: `
s = ctx.socket(zmq.SUB)
s.setsockopt(zmq.SUBSCRIBE, b'keep.')
attach(s)
while s.recv_multipart()[0] != b'keep.sync':
    pass
print('synced', flush=True)
while True:
    m = s.recv_multipart()
    if m[0] == b'keep.sync':
        continue
    show(m)
    if m[0] == b'keep.end':
        break
`,
		run: func(t *testing.T, s *Socket, p *peertest.Proc) {
			stop := probe(t, s, "keep.sync")
			wantLine(t, p, "synced")
			stop()
			for i := 0; i < interopN; i++ {
				send(t, s, msgFrames("drop.", i)...)
				send(t, s, msgFrames("keep.", i)...)
			}
			send(t, s, "keep.end")
			for i := 0; i < interopN; i++ {
				wantLine(t, p, joined("keep.", i))
			}
			wantLine(t, p, "keep.end")
		},
	},
	{
		// our SUB's subscription reaches libzmq's PUB, which then sends keep.* only
		name: "ours SUB, libzmq PUB", ours: "SUB",
		setup: func(s *Socket) { s.Subscribe([]byte("keep.")) },
		script: `
s = ctx.socket(zmq.PUB)
attach(s)
g = Gate()
while not g.opened(0.01):
    s.send(b'keep.sync')
for i in range(N):
    s.send_multipart(msg(i, b'drop.'))
    s.send_multipart(msg(i, b'keep.'))
s.send(b'keep.end')
time.sleep(30)
`,
		run: func(t *testing.T, s *Socket, p *peertest.Proc) {
			gate := p.Line(t)
			wantRecv(t, s, "keep.sync")
			openGate(t, gate)
			for i := 0; i <= interopN; {
				got := recv(t, s)
				if got == "keep.sync" {
					continue
				}
				want := "keep.end"
				if i < interopN {
					want = joined("keep.", i)
				}
				if got != want {
					t.Fatalf("our SUB received %s, want %s", short(got), short(want))
				}
				i++
			}
		},
	},
	{
		// our XPUB reads the XSUB's subscription message, and filters by it
		name: "ours XPUB, libzmq XSUB", ours: "XPUB",
		script: `
s = ctx.socket(zmq.XSUB)
attach(s)
s.send(b'\x01keep.')
while True:
    m = s.recv_multipart()
    show(m)
    if m[0] == b'keep.end':
        break
`,
		run: func(t *testing.T, s *Socket, p *peertest.Proc) {
			wantRecv(t, s, "\x01keep.")
			for i := 0; i < interopN; i++ {
				send(t, s, msgFrames("drop.", i)...)
				send(t, s, msgFrames("keep.", i)...)
			}
			send(t, s, "keep.end")
			for i := 0; i < interopN; i++ {
				wantLine(t, p, joined("keep.", i))
			}
			wantLine(t, p, "keep.end")
		},
	},
	{
		// our XSUB's subscription message is what libzmq's XPUB reads
		name: "ours XSUB, libzmq XPUB", ours: "XSUB",
		script: `
s = ctx.socket(zmq.XPUB)
attach(s)
print(repr(s.recv()), flush=True)
for i in range(N):
    s.send_multipart(msg(i, b'drop.'))
    s.send_multipart(msg(i, b'keep.'))
s.send(b'keep.end')
time.sleep(30)
`,
		run: func(t *testing.T, s *Socket, p *peertest.Proc) {
			send(t, s, "\x01keep.")
			wantLine(t, p, `b'\x01keep.'`)
			for i := 0; i < interopN; i++ {
				wantRecv(t, s, joined("keep.", i))
			}
			wantRecv(t, s, "keep.end")
		},
	},
	{
		name: "ours REQ, libzmq REP", ours: "REQ",
		script: `
s = ctx.socket(zmq.REP)
attach(s)
for i in range(N):
    s.send_multipart([b're'] + s.recv_multipart())
time.sleep(30)
`,
		run: func(t *testing.T, s *Socket, p *peertest.Proc) {
			for i := 0; i < interopN; i++ {
				send(t, s, msgFrames("", i)...)
				wantRecv(t, s, "re|"+joined("", i))
			}
		},
	},
	{
		name: "ours REP, libzmq REQ", ours: "REP",
		script: `
s = ctx.socket(zmq.REQ)
attach(s)
for i in range(N):
    s.send_multipart(msg(i))
    show(s.recv_multipart())
`,
		run: func(t *testing.T, s *Socket, p *peertest.Proc) {
			for i := 0; i < interopN; i++ {
				wantRecv(t, s, joined("", i))
				send(t, s, append([]string{"re"}, msgFrames("", i)...)...)
				wantLine(t, p, "re|"+joined("", i))
			}
		},
	},
	{
		// libzmq's ROUTER reads {our identity, "", body} from our REQ
		name: "ours REQ, libzmq ROUTER", ours: "REQ",
		opts: func(o *Options) { o.Identity = []byte("req-1") },
		script: `
s = ctx.socket(zmq.ROUTER)
attach(s)
for i in range(N):
    m = s.recv_multipart()
    show(m)
    s.send_multipart([m[0], b'', b're'] + m[2:])
time.sleep(30)
`,
		run: func(t *testing.T, s *Socket, p *peertest.Proc) {
			for i := 0; i < interopN; i++ {
				send(t, s, msgFrames("", i)...)
				wantLine(t, p, "req-1||"+joined("", i))
				wantRecv(t, s, "re|"+joined("", i))
			}
		},
	},
	{
		// our ROUTER reads {libzmq's identity, "", body} from libzmq's REQ
		name: "ours ROUTER, libzmq REQ", ours: "ROUTER",
		script: `
s = ctx.socket(zmq.REQ)
s.setsockopt(zmq.IDENTITY, b'req-1')
attach(s)
for i in range(N):
    s.send_multipart(msg(i))
    show(s.recv_multipart())
`,
		run: func(t *testing.T, s *Socket, p *peertest.Proc) {
			for i := 0; i < interopN; i++ {
				wantRecv(t, s, "req-1||"+joined("", i))
				send(t, s, append([]string{"req-1", "", "re"}, msgFrames("", i)...)...)
				wantLine(t, p, "re|"+joined("", i))
			}
		},
	},
	{
		// our DEALER writes the envelope itself: an empty delimiter, as libzmq's REP wants
		name: "ours DEALER, libzmq REP", ours: "DEALER",
		script: `
s = ctx.socket(zmq.REP)
attach(s)
for i in range(N):
    s.send_multipart([b're'] + s.recv_multipart())
time.sleep(30)
`,
		run: func(t *testing.T, s *Socket, p *peertest.Proc) {
			for i := 0; i < interopN; i++ {
				send(t, s, append([]string{""}, msgFrames("", i)...)...)
			}
			for i := 0; i < interopN; i++ {
				wantRecv(t, s, "|re|"+joined("", i))
			}
		},
	},
	{
		// our REP takes libzmq DEALER's delimiter off and puts it back on the reply
		name: "ours REP, libzmq DEALER", ours: "REP",
		script: `
s = ctx.socket(zmq.DEALER)
attach(s)
for i in range(N):
    s.send_multipart([b''] + msg(i))
for i in range(N):
    show(s.recv_multipart())
`,
		run: func(t *testing.T, s *Socket, p *peertest.Proc) {
			for i := 0; i < interopN; i++ {
				wantRecv(t, s, joined("", i))
				send(t, s, append([]string{"re"}, msgFrames("", i)...)...)
			}
			for i := 0; i < interopN; i++ {
				wantLine(t, p, "|re|"+joined("", i))
			}
		},
	},
	{
		// libzmq's ROUTER sees our DEALER's Options.Identity
		name: "ours DEALER, libzmq ROUTER", ours: "DEALER",
		opts: func(o *Options) { o.Identity = []byte("dealer-1") },
		script: `
s = ctx.socket(zmq.ROUTER)
attach(s)
for i in range(N):
    m = s.recv_multipart()
    show(m)
    s.send_multipart([m[0], b're'] + m[1:])
time.sleep(30)
`,
		run: func(t *testing.T, s *Socket, p *peertest.Proc) {
			for i := 0; i < interopN; i++ {
				send(t, s, msgFrames("", i)...)
			}
			for i := 0; i < interopN; i++ {
				wantLine(t, p, "dealer-1|"+joined("", i))
			}
			for i := 0; i < interopN; i++ {
				wantRecv(t, s, "re|"+joined("", i))
			}
		},
	},
	{
		// our ROUTER sees libzmq DEALER's IDENTITY and routes replies by it
		name: "ours ROUTER, libzmq DEALER", ours: "ROUTER",
		script: `
s = ctx.socket(zmq.DEALER)
s.setsockopt(zmq.IDENTITY, b'dealer-1')
attach(s)
for i in range(N):
    s.send_multipart(msg(i))
for i in range(N):
    show(s.recv_multipart())
`,
		run: func(t *testing.T, s *Socket, p *peertest.Proc) {
			for i := 0; i < interopN; i++ {
				wantRecv(t, s, "dealer-1|"+joined("", i))
				send(t, s, append([]string{"dealer-1", "re"}, msgFrames("", i)...)...)
			}
			for i := 0; i < interopN; i++ {
				wantLine(t, p, "re|"+joined("", i))
			}
		},
	},
	{
		name: "ours PAIR, libzmq PAIR", ours: "PAIR",
		script: `
s = ctx.socket(zmq.PAIR)
attach(s)
for i in range(N):
    show(s.recv_multipart())
for i in range(N):
    s.send_multipart(msg(i, b'back.'))
time.sleep(30)
`,
		run: func(t *testing.T, s *Socket, p *peertest.Proc) {
			for i := 0; i < interopN; i++ {
				send(t, s, msgFrames("", i)...)
			}
			for i := 0; i < interopN; i++ {
				wantLine(t, p, joined("", i))
			}
			for i := 0; i < interopN; i++ {
				wantRecv(t, s, joined("back.", i))
			}
		},
	},
	{
		// a plain TCP peer (Python's socket): the arrival {id, ""} with a 5-byte id as
		// libzmq makes them, the data as {id, data}, a reply in two sends, {id, ""} closing
		// the connection, and the departure {id, ""}
		name: "ours STREAM, plain TCP", ours: "STREAM",
		script: `
if PORT:
    c = socket.create_connection(('127.0.0.1', PORT))
else:
    l = socket.socket()
    l.bind(('127.0.0.1', 0))
    l.listen(1)
    print('tcp://127.0.0.1:%d' % l.getsockname()[1], flush=True)
    c, _ = l.accept()
    l.close()
c.sendall(b'hello\n')
data = b''
while True:
    b = c.recv(65536)
    if not b:
        break
    data += b
print(repr(data), flush=True)
`,
		run: func(t *testing.T, s *Socket, p *peertest.Proc) {
			msg, err := s.Recv(ctx(t, 10*time.Second))
			if err != nil || len(msg) != 2 || len(msg[0]) != 5 || msg[0][0] != 0 || len(msg[1]) != 0 {
				t.Fatalf("the arrival: %q %v", msg, err)
			}
			id := string(msg[0])
			var data string
			for len(data) < len("hello\n") {
				got := recv(t, s)
				piece, ok := strings.CutPrefix(got, id+"|")
				if !ok {
					t.Fatalf("the data: %q", got)
				}
				data += piece
			}
			if data != "hello\n" {
				t.Fatalf("the data: %q", data)
			}
			send(t, s, id, "hello ")
			send(t, s, id, "back")
			send(t, s, id, "")
			wantLine(t, p, `b'hello back'`)
			wantRecv(t, s, id+"|")
		},
	},
}

// TestInteropMatrix runs each pair of interopCases both bind directions round.
func TestInteropMatrix(t *testing.T) {
	peertest.NeedPyZMQ(t)
	for _, tc := range interopCases {
		for _, oursBinds := range []bool{true, false} {
			name := tc.name + "/libzmq binds"
			if oursBinds {
				name = tc.name + "/ours binds"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				opts := Defaults()
				if tc.opts != nil {
					tc.opts(&opts)
				}
				s, err := New(tc.ours, opts)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close(0) })
				if tc.setup != nil {
					tc.setup(s)
				}
				tc.run(t, s, libzmq(t, s, oursBinds, tc.script))
			})
		}
	}
}

// Our PUB with a small send high-water mark, to a libzmq SUB that does not read: every Send
// returns at once (a PUB never waits), what is past the mark (and the buffers under it) is
// dropped, and what the SUB reads once it reads is the oldest messages, in order — libzmq's
// PUB drops the newest likewise.
func TestInteropPubDropsPastHWMToStalledLibzmqSub(t *testing.T) {
	peertest.NeedPyZMQ(t)
	const (
		hwm  = 10
		n    = 2000     // 128 MiB offered: more than the kernel's buffers (tcp_rmem/wmem) take
		size = 64 << 10 // each message's payload
	)
	for _, oursBinds := range []bool{true, false} {
		name := "libzmq binds"
		if oursBinds {
			name = "ours binds"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			opts := Defaults()
			opts.SendHWM = hwm
			pub, err := New("PUB", opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { pub.Close(0) })
			p := libzmq(t, pub, oursBinds, `
s = ctx.socket(zmq.SUB)
s.setsockopt(zmq.RCVHWM, 10)
s.setsockopt(zmq.SUBSCRIBE, b'')
attach(s)
while s.recv_multipart()[0] != b'sync':
    pass
print('synced', flush=True)
g = Gate()
g.opened(30)
got = []
while True:
    m = s.recv_multipart()
    if m[0] == b'end':
        break
    if m[0] != b'sync':
        got.append(int(m[0]))
print(len(got), got[0] if got else -1, all(a < b for a, b in zip(got, got[1:])), flush=True)
`)
			stop := probe(t, pub, "sync")
			wantLine(t, p, "synced")
			stop()
			gate := p.Line(t)
			payload := make([]byte, size)
			c := ctx(t, 10*time.Second)
			for i := 0; i < n; i++ {
				if err := pub.Send(c, [][]byte{[]byte(strconv.Itoa(i)), payload}); err != nil {
					t.Fatalf("send %d to a SUB that does not read: %v (a PUB never waits)", i, err)
				}
			}
			openGate(t, gate)
			stop = probe(t, pub, "end")
			line := p.Line(t)
			stop()
			var got, first int
			var ordered string
			if _, err := fmt.Sscan(line, &got, &first, &ordered); err != nil {
				t.Fatalf("the SUB printed %q: %v", line, err)
			}
			t.Logf("the stalled SUB got %d of %d messages", got, n)
			if got >= n || got < hwm || first != 0 || ordered != "True" {
				t.Fatalf("the SUB got %d messages of %d (the first %d, in order: %s); want fewer than all, at least the %d within the high-water mark, from the first on, in order",
					got, n, first, ordered, hwm)
			}
		})
	}
}

// A connecting socket whose libzmq peer is killed (SIGKILL) and started again on the same
// port reconnects and delivers again: messages, identities and subscriptions (ours sent
// again to the new PUB; the new SUB's taken by our PUB) as before.
func TestInteropReconnectAfterLibzmqPeerKilled(t *testing.T) {
	peertest.NeedPyZMQ(t)
	bound := `
s.bind(BIND)
print(s.getsockopt(zmq.LAST_ENDPOINT).decode(), flush=True)
`
	cases := []struct {
		name, ours string
		opts       func(*Options)
		setup      func(*Socket)
		script     string // BIND is where to bind, ROUND the round (1, 2)
		round      func(t *testing.T, s *Socket, p *peertest.Proc, r int)
	}{
		{
			name: "ours PUSH, libzmq PULL", ours: "PUSH",
			script: "s = ctx.socket(zmq.PULL)" + bound + `
while True:
    show(s.recv_multipart())
`,
			round: func(t *testing.T, s *Socket, p *peertest.Proc, r int) {
				prefix := fmt.Sprintf("r%d.", r)
				for i := 0; i < interopN; i++ {
					send(t, s, msgFrames(prefix, i)...)
				}
				for i := 0; i < interopN; i++ {
					wantLine(t, p, joined(prefix, i))
				}
			},
		},
		{
			name: "ours DEALER, libzmq ROUTER", ours: "DEALER",
			opts: func(o *Options) { o.Identity = []byte("dealer-1") },
			script: "s = ctx.socket(zmq.ROUTER)" + bound + `
while True:
    m = s.recv_multipart()
    show(m)
    s.send_multipart([m[0], b're'] + m[1:])
`,
			round: func(t *testing.T, s *Socket, p *peertest.Proc, r int) {
				prefix := fmt.Sprintf("r%d.", r)
				for i := 0; i < interopN; i++ {
					send(t, s, msgFrames(prefix, i)...)
				}
				for i := 0; i < interopN; i++ {
					wantLine(t, p, "dealer-1|"+joined(prefix, i))
				}
				for i := 0; i < interopN; i++ {
					wantRecv(t, s, "re|"+joined(prefix, i))
				}
			},
		},
		{
			name: "ours PUB, libzmq SUB", ours: "PUB",
			script: "s = ctx.socket(zmq.SUB)\ns.setsockopt(zmq.SUBSCRIBE, b'keep.')" + bound + `
while s.recv_multipart()[0] != b'keep.sync':
    pass
print('synced', flush=True)
while True:
    m = s.recv_multipart()
    if m[0] != b'keep.sync':
        show(m)
`,
			round: func(t *testing.T, s *Socket, p *peertest.Proc, r int) {
				stop := probe(t, s, "keep.sync")
				wantLine(t, p, "synced")
				stop()
				for i := 0; i < interopN; i++ {
					send(t, s, msgFrames(fmt.Sprintf("drop.r%d.", r), i)...)
					send(t, s, msgFrames(fmt.Sprintf("keep.r%d.", r), i)...)
				}
				for i := 0; i < interopN; i++ {
					wantLine(t, p, joined(fmt.Sprintf("keep.r%d.", r), i))
				}
			},
		},
		{
			name: "ours SUB, libzmq PUB", ours: "SUB",
			setup: func(s *Socket) { s.Subscribe([]byte("keep.")) },
			script: "s = ctx.socket(zmq.PUB)" + bound + `
g = Gate()
while not g.opened(0.01):
    s.send(b'keep.sync')
for i in range(N):
    s.send_multipart(msg(i, b'drop.r%d.' % ROUND))
    s.send_multipart(msg(i, b'keep.r%d.' % ROUND))
time.sleep(30)
`,
			round: func(t *testing.T, s *Socket, p *peertest.Proc, r int) {
				gate := p.Line(t)
				wantRecv(t, s, "keep.sync")
				openGate(t, gate)
				for i := 0; i < interopN; {
					got := recv(t, s)
					if got == "keep.sync" {
						continue
					}
					if want := joined(fmt.Sprintf("keep.r%d.", r), i); got != want {
						t.Fatalf("our SUB received %s, want %s", short(got), short(want))
					}
					i++
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := Defaults()
			if tc.opts != nil {
				tc.opts(&opts)
			}
			s, err := New(tc.ours, opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close(0) })
			if tc.setup != nil {
				tc.setup(s)
			}
			first, kill := killablePython(t, "BIND = 'tcp://127.0.0.1:*'\nROUND = 1\n"+tc.script)
			endpoint := first.Line(t)
			connectTo(t, s, endpoint)
			tc.round(t, s, first, 1)
			kill()
			waitEvent(t, s, "disconnected", "", "")
			second, _ := killablePython(t, "BIND = '"+endpoint+"'\nROUND = 2\n"+tc.script)
			wantLine(t, second, endpoint)
			tc.round(t, s, second, 2)
		})
	}
}

// killablePython is python (zmq_test.go) for a peer the test kills (SIGKILL) with kill, which
// waits for it to end.
func killablePython(t *testing.T, script string) (p *peertest.Proc, kill func()) {
	t.Helper()
	peertest.NeedPyZMQ(t)
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	p = peertest.StartPython(t, c, "import zmq, sys, time\nctx = zmq.Context()\nPORT = 0\n"+pyPrelude+script)
	return p, func() { cancel(); p.Wait() }
}

// noLossCount is how many messages the no-loss tests send: 10^6, 10^5 under -race.
func noLossCount() int {
	if raceEnabled() {
		return 100_000
	}
	return 1_000_000
}

// A million small messages from our PUSH to our PULL over TCP arrive in order, none missing.
func TestNoLossPushPullGoToGo(t *testing.T) {
	n := noLossCount()
	pull, push := open(t, "PULL"), open(t, "PUSH")
	port := bind(t, pull)
	if err := push.Connect(fmt.Sprintf("127.0.0.1:%d", port)); err != nil {
		t.Fatal(err)
	}
	c := ctx(t, 60*time.Second)
	sent := make(chan error, 1)
	go func() {
		for i := 0; i < n; i++ {
			if err := push.Send(c, [][]byte{binary.BigEndian.AppendUint32(nil, uint32(i))}); err != nil {
				sent <- fmt.Errorf("send %d: %v", i, err)
				return
			}
		}
		sent <- nil
	}()
	for i := 0; i < n; i++ {
		msg, err := pull.Recv(c)
		if err != nil {
			t.Fatalf("message %d of %d: %v; the sender: %v", i, n, err, <-sent)
		}
		if len(msg) != 1 || len(msg[0]) != 4 || binary.BigEndian.Uint32(msg[0]) != uint32(i) {
			t.Fatalf("message %d of %d is %x", i, n, msg)
		}
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	if msg, ok, err := pull.TryRecv(); ok || err != nil {
		t.Fatalf("a message past the last: %q %v", msg, err)
	}
}

// A million small messages from a libzmq PUSH to our PULL arrive in order, none missing.
func TestNoLossFromLibzmqPush(t *testing.T) {
	n := noLossCount()
	pull := open(t, "PULL")
	port := bind(t, pull)
	python(t, port, fmt.Sprintf(`
s = ctx.socket(zmq.PUSH)
s.connect('tcp://127.0.0.1:%%d' %% PORT)
for i in range(%d):
    s.send(b'%%d' %% i)
time.sleep(60)
`, n))
	c := ctx(t, 60*time.Second)
	for i := 0; i < n; i++ {
		msg, err := pull.Recv(c)
		if err != nil {
			t.Fatalf("message %d of %d: %v", i, n, err)
		}
		if len(msg) != 1 || string(msg[0]) != strconv.Itoa(i) {
			t.Fatalf("message %d of %d is %q", i, n, msg)
		}
	}
}

// When libzmq SUBs leave, our XPUB reads an unsubscription for each prefix nobody wants any
// more, and only for those, as libzmq's XPUB does: a SUB of x and y leaving while another
// SUB of x stays gives "\x00y" alone; the last one leaving gives "\x00x".
func TestInteropXPubUnsubscribesWhenLibzmqSubsLeave(t *testing.T) {
	xpub := open(t, "XPUB")
	port := bind(t, xpub)
	script := fmt.Sprintf("PORT = %d\n", port) + `
s = ctx.socket(zmq.SUB)
s.connect('tcp://127.0.0.1:%d' % PORT)
for topic in TOPICS:
    s.setsockopt(zmq.SUBSCRIBE, topic)
time.sleep(30)
`
	_, killFirst := killablePython(t, "TOPICS = [b'x']\n"+script)
	wantRecv(t, xpub, "\x01x")
	_, killSecond := killablePython(t, "TOPICS = [b'x', b'y']\n"+script)
	wantRecv(t, xpub, "\x01y") // its x came first on the same connection: counted, not passed up
	killSecond()
	wantRecv(t, xpub, "\x00y")
	// a departure's unsubscriptions are made together: a wrong "\x00x" would be there already
	if msg, ok, err := xpub.TryRecv(); ok || err != nil {
		t.Fatalf("after the SUB of x and y left, the XPUB read %q %v; another SUB of x stays", msg, err)
	}
	killFirst()
	wantRecv(t, xpub, "\x00x")
}

// rawZMTP is a connection that has done the ZMTP handshake as typ with the socket at addr,
// and whose frames the test writes and reads itself.
type rawZMTP struct {
	conn net.Conn
	rd   *zmtp.Reader
}

func dialRaw(t *testing.T, addr, typ string) *rawZMTP {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := zmtp.Handshake(conn, typ, nil, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	return &rawZMTP{conn: conn, rd: zmtp.NewReader(conn, 1<<20)}
}

// write sends one message.
func (r *rawZMTP) write(t *testing.T, frames ...string) {
	t.Helper()
	var b []byte
	for i, f := range frames {
		b = zmtp.AppendFrame(b, []byte(f), i < len(frames)-1)
	}
	if _, err := r.conn.Write(b); err != nil {
		t.Fatal(err)
	}
}

// read reads one message (skipping commands), its frames joined by '|'.
func (r *rawZMTP) read(t *testing.T) string {
	t.Helper()
	var frames []string
	for {
		f, err := r.rd.Next()
		if err != nil {
			t.Fatalf("the raw peer: %v", err)
		}
		if f.Command {
			continue
		}
		frames = append(frames, string(f.Body))
		if !f.More {
			return strings.Join(frames, "|")
		}
	}
}

// Where the filtering happens, seen by a raw ZMTP peer that does no filtering of its own (a
// libzmq peer filters again, hiding whether the other side did): a publisher, ours or
// libzmq's, sends a raw SUB only what its subscription matches; a subscriber, ours or
// libzmq's, sends a raw PUB its subscription as the message "\x01" + prefix and delivers only
// what matches of what the raw PUB sends it.
func TestInteropFilteringSeenByRawPeers(t *testing.T) {
	peertest.NeedPyZMQ(t)
	pubs := []struct {
		name  string
		start func(t *testing.T) (addr string, publish func(t *testing.T, raw *rawZMTP))
	}{
		{"ours", func(t *testing.T) (string, func(*testing.T, *rawZMTP)) {
			pub := open(t, "PUB")
			return fmt.Sprintf("127.0.0.1:%d", bind(t, pub)), func(t *testing.T, raw *rawZMTP) {
				stop := probe(t, pub, "keep.sync")
				for raw.read(t) != "keep.sync" {
				}
				stop()
				for i := 0; i < interopN; i++ {
					send(t, pub, msgFrames("drop.", i)...)
					send(t, pub, msgFrames("keep.", i)...)
				}
				send(t, pub, "keep.end")
			}
		}},
		{"libzmq", func(t *testing.T) (string, func(*testing.T, *rawZMTP)) {
			p := python(t, 0, pyPrelude+`
s = ctx.socket(zmq.PUB)
attach(s)
g = Gate()
while not g.opened(0.01):
    s.send(b'keep.sync')
for i in range(N):
    s.send_multipart(msg(i, b'drop.'))
    s.send_multipart(msg(i, b'keep.'))
s.send(b'keep.end')
time.sleep(30)
`)
			addr := strings.TrimPrefix(p.Line(t), "tcp://")
			gate := p.Line(t)
			return addr, func(t *testing.T, raw *rawZMTP) {
				for raw.read(t) != "keep.sync" {
				}
				openGate(t, gate)
			}
		}},
	}
	for _, pc := range pubs {
		t.Run(pc.name+" PUB filters", func(t *testing.T) {
			t.Parallel()
			addr, publish := pc.start(t)
			raw := dialRaw(t, addr, "SUB")
			raw.write(t, "\x01keep.")
			publish(t, raw)
			for i := 0; i <= interopN; {
				got := raw.read(t)
				if got == "keep.sync" {
					continue
				}
				want := "keep.end"
				if i < interopN {
					want = joined("keep.", i)
				}
				if got != want {
					t.Fatalf("the raw SUB read %s, want %s", short(got), short(want))
				}
				i++
			}
		})
	}

	subs := []struct {
		name  string
		start func(t *testing.T) (addr string, check func(t *testing.T))
	}{
		{"ours", func(t *testing.T) (string, func(*testing.T)) {
			sub := open(t, "SUB")
			sub.Subscribe([]byte("keep."))
			return fmt.Sprintf("127.0.0.1:%d", bind(t, sub)), func(t *testing.T) {
				for i := 0; i < interopN; i++ {
					wantRecv(t, sub, joined("keep.", i))
				}
				wantRecv(t, sub, "keep.end")
			}
		}},
		{"libzmq", func(t *testing.T) (string, func(*testing.T)) {
			p := python(t, 0, pyPrelude+`
s = ctx.socket(zmq.SUB)
s.setsockopt(zmq.SUBSCRIBE, b'keep.')
attach(s)
while True:
    m = s.recv_multipart()
    show(m)
    if m[0] == b'keep.end':
        break
`)
			return strings.TrimPrefix(p.Line(t), "tcp://"), func(t *testing.T) {
				for i := 0; i < interopN; i++ {
					wantLine(t, p, joined("keep.", i))
				}
				wantLine(t, p, "keep.end")
			}
		}},
	}
	for _, sc := range subs {
		t.Run(sc.name+" SUB filters", func(t *testing.T) {
			t.Parallel()
			addr, check := sc.start(t)
			raw := dialRaw(t, addr, "PUB")
			if got := raw.read(t); got != "\x01keep." {
				t.Fatalf("the raw PUB read %q, want the subscription \"\\x01keep.\"", got)
			}
			for i := 0; i < interopN; i++ {
				raw.write(t, msgFrames("drop.", i)...)
				raw.write(t, msgFrames("keep.", i)...)
			}
			raw.write(t, "keep.end")
			check(t)
		})
	}
}

// ---------------------------------------------------------------- where ours and libzmq differ

// libzmq's XPUB hands its reader what an XSUB sends that is not a subscription (xpub.cpp:
// "user message coming upstream from xsub socket"), in order with the subscriptions.
func TestInteropXPubReadsUpstreamMessages(t *testing.T) {
	xpub := open(t, "XPUB")
	port := bind(t, xpub)

	python(t, port, `
s = ctx.socket(zmq.XSUB)
s.connect('tcp://127.0.0.1:%d' % PORT)
s.send(b'\x01a')
s.send(b'hello')
s.send(b'\x01b')
time.sleep(30)
`)
	wantRecv(t, xpub, "\x01a")
	wantRecv(t, xpub, "hello")
	wantRecv(t, xpub, "\x01b")
}

// libzmq's XSUB sends what is not a subscription upstream as it is (xsub.cpp: "All other
// messages are simply passed to the upstream"), and libzmq's XPUB reads it.
func TestInteropXSubSendsUpstreamMessages(t *testing.T) {
	xsub := open(t, "XSUB")
	port := bind(t, xsub)

	p := python(t, port, `
s = ctx.socket(zmq.XPUB)
s.connect('tcp://127.0.0.1:%d' % PORT)
for i in range(3):
    print(repr(s.recv()), flush=True)
`)
	waitPeers(t, xsub, 1)
	send(t, xsub, "\x01a")
	send(t, xsub, "hello")
	send(t, xsub, "\x01b")
	wantLine(t, p, `b'\x01a'`)
	wantLine(t, p, `b'hello'`)
	wantLine(t, p, `b'\x01b'`)
}

// A second peer announcing a routing id another peer has is ignored by libzmq's ROUTER
// (router.cpp: "Ignore peers with duplicate ID", without ROUTER_HANDOVER): what it sends is
// never read. Ours turns it away after the handshake (a "refused" event). The first keeps the
// id.
func TestInteropRouterIgnoresDuplicateIdentity(t *testing.T) {
	router := open(t, "ROUTER")
	port := bind(t, router)
	first := python(t, port, `
s = ctx.socket(zmq.DEALER)
s.setsockopt(zmq.IDENTITY, b'x')
s.connect('tcp://127.0.0.1:%d' % PORT)
s.send(b'from the first')
print(s.recv().decode(), flush=True)
`)
	wantRecv(t, router, "x|from the first")
	python(t, port, `
s = ctx.socket(zmq.DEALER)
s.setsockopt(zmq.IDENTITY, b'x')
s.connect('tcp://127.0.0.1:%d' % PORT)
s.send(b'from the second')
time.sleep(30)
`)
	waitEvent(t, router, "refused", "", "routing id")
	if msg, ok, err := router.TryRecv(); ok || err != nil {
		t.Fatalf("the ROUTER read %q %v from a peer with the routing id of another", msg, err)
	}
	send(t, router, "x", "to the first")
	wantLine(t, first, "to the first")
}

// libzmq's REP drops a request whose delimiter is its last frame (no body: rep.cpp's "Invalid
// request - no delimiter"), and one that is the delimiter alone; the next request is read.
func TestInteropRepDropsRequestsWithoutBody(t *testing.T) {
	rep := open(t, "REP")
	port := bind(t, rep)

	python(t, port, `
s = ctx.socket(zmq.DEALER)
s.connect('tcp://127.0.0.1:%d' % PORT)
s.send_multipart([b'x', b''])
s.send_multipart([b''])
s.send_multipart([b'', b'ok'])
time.sleep(30)
`)
	wantRecv(t, rep, "ok")
}
