package zmq

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/internal/peertest"
	"github.com/socketrepl/socketrepl/sockets/zmtp"
)

// Hostile peers, at the socket level (through Listen): what a raw TCP client sends to a bound
// socket must not crash the process, stall the socket's other peers, or keep the next real
// peer from being served; the client is dropped with a reason. sockets/zmtp's
// TestHandshakeHostilePeers checks the handshake's reasons on a bare connection; zmq_test.go's
// TestHostileClientsDoNotStallOthers has three such clients at once with a libzmq peer after
// them. Here each case runs while a libzmq PUSH streams to the same PULL, and checks that
// this very connection is closed by us.

// greetingBytes is a ZMTP 3 greeting (signature, version, mechanism, as-server 0).
func greetingBytes(version byte, mechanism string) []byte {
	g := make([]byte, 64)
	g[0], g[9], g[10] = 0xff, 0x7f, version
	copy(g[12:32], mechanism)
	return g
}

// readyBytes is a READY command with the given properties (name, value, …).
func readyBytes(props ...string) []byte {
	var body []byte
	for i := 0; i+1 < len(props); i += 2 {
		body = append(body, byte(len(props[i])))
		body = append(body, props[i]...)
		body = binary.BigEndian.AppendUint32(body, uint32(len(props[i+1])))
		body = append(body, props[i+1]...)
	}
	return zmtp.AppendCommand(nil, "READY", body)
}

// hello is a whole handshake as a PUSH: what a raw client sends to become a PULL's peer.
func hello(typ string) []byte {
	return append(greetingBytes(3, "NULL"), readyBytes("Socket-Type", typ)...)
}

// longHeader is a frame header with the long flag (and flags) announcing size bytes.
func longHeader(flags byte, size uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{flags | 0x02}, size)
}

// steadyPeer is a libzmq PUSH connected to a PULL, sending "steady <n>", n counting up from 0,
// about one a millisecond (so what is read after a moment was sent after it, not buffered
// before); next is the n the PULL should read next.
type steadyPeer struct {
	pull *Socket
	next int
}

func startSteady(t *testing.T, pull *Socket, port int) *steadyPeer {
	python(t, port, `
s = ctx.socket(zmq.PUSH)
s.connect('tcp://127.0.0.1:%d' % PORT)
i = 0
while True:
    s.send(b'steady %d' % i)
    i += 1
    time.sleep(0.001)
`)
	return &steadyPeer{pull: pull}
}

// read reads until k more steady messages (in order, none missing) and, if until is not
// "", the message until have arrived.
func (sp *steadyPeer) read(t *testing.T, k int, until string) {
	t.Helper()
	c := ctx(t, 10*time.Second)
	got, seen := 0, until == ""
	for got < k || !seen {
		msg, err := sp.pull.Recv(c)
		if err != nil {
			t.Fatalf("%d steady messages of %d read, %q seen %v: %v; events %v", got, k, until, seen, err, sp.pull.Events())
		}
		body := string(bytes.Join(msg, []byte("|")))
		if until != "" && body == until {
			seen = true
			continue
		}
		if want := fmt.Sprintf("steady %d", sp.next); body != want {
			t.Fatalf("the PULL read %q, want %q (the steady peer's next)", body, want)
		}
		sp.next++
		got++
	}
}

// Each hostile client, while a libzmq PUSH streams to the same bound PULL: the PUSH's messages
// keep coming in order, the client's connection is closed by us with an event naming it and
// the reason, and a new libzmq PUSH is served after it.
func TestHostilePeersAtSocketLevel(t *testing.T) {
	peertest.NeedPyZMQ(t)
	const hsIvl = 300 * time.Millisecond
	opts := Defaults()
	opts.HandshakeIvl = hsIvl
	pull, err := New("PULL", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pull.Close(0) })
	port := bind(t, pull)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	steady := startSteady(t, pull, port)
	steady.read(t, 10, "")

	badSignature := greetingBytes(3, "NULL")
	badSignature[9] = 0x00
	const (
		failed       = "handshake failed"
		disconnected = "disconnected"
	)
	cases := []struct {
		name   string
		bytes  []byte
		what   string // the event that names this client
		reason string // in its detail
	}{
		{"HTTP GET", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), failed, "not a ZeroMQ socket"},
		{"0xff×200", bytes.Repeat([]byte{0xff}, 200), failed, "not a ZeroMQ socket"},
		{"bad signature", badSignature, failed, "not a ZeroMQ socket"},
		{"ZMTP 2", greetingBytes(2, "NULL"), failed, "ZMTP 2.x"},
		{"CURVE", greetingBytes(3, "CURVE"), failed, `"CURVE" security mechanism`},
		{"command of 2^40 before READY", append(greetingBytes(3, "NULL"), longHeader(0x04, 1<<40)...), failed, "frame of 1099511627776 bytes"},
		{"command of 2^63-1 before READY", append(greetingBytes(3, "NULL"), longHeader(0x04, 1<<63-1)...), failed, "frame of 9223372036854775807 bytes"},
		{"frame of 2^40 after READY", append(hello("PUSH"), longHeader(0, 1<<40)...), disconnected, "frame of 1099511627776 bytes"},
		{"frame of 2^63-1 after READY", append(hello("PUSH"), longHeader(0x01, 1<<63-1)...), disconnected, "frame of 9223372036854775807 bytes"},
		{"command of 2^40 after READY", append(hello("PUSH"), longHeader(0x04, 1<<40)...), disconnected, "frame of 1099511627776 bytes"},
		{"command of 2^63-1 after READY", append(hello("PUSH"), longHeader(0x04, 1<<63-1)...), disconnected, "frame of 9223372036854775807 bytes"},
		{"reserved flags after READY", append(hello("PUSH"), 0x80, 1, 'x'), disconnected, "reserved flag bits"},
		{"cut command after READY", append(hello("PUSH"), 0x04, 3, 9, 'P', 'I'), disconnected, "malformed command"},
		{"READY as CLIENT", hello("CLIENT"), failed, `socket type "CLIENT"`},
		{"READY as PUB", hello("PUB"), failed, "PUB socket, which cannot talk to a PULL"},
		{"cut metadata", append(greetingBytes(3, "NULL"), zmtp.AppendCommand(nil, "READY", []byte("\x0bSocket-Type\x00\x00"))...), failed, "malformed"},
		{"silent", nil, failed, "did not complete the handshake within " + hsIvl.String()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Write(tc.bytes); err != nil {
				t.Fatal(err)
			}
			// the others are served meanwhile (the silent client is still waiting out its
			// handshake time)
			steady.read(t, 20, "")
			// we close the connection: the client reads the end (or a reset, when it sent
			// more than we read), not its deadline
			c.SetReadDeadline(time.Now().Add(10 * time.Second))
			if _, err := io.Copy(io.Discard, c); errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("the client's connection is still open after 10 s; events %v", pull.Events())
			}
			waitEvent(t, pull, tc.what, c.LocalAddr().String(), tc.reason)
			// the next real peer is served, and the steady one still is
			python(t, port, `
s = ctx.socket(zmq.PUSH)
s.connect('tcp://127.0.0.1:%d' % PORT)
s.send(b'served')
time.sleep(30)
`)
			steady.read(t, 20, "served")
		})
	}
}

// A subscriber that stops reading does not hold up the others: our PUB sends to a libzmq SUB
// that keeps up and to a raw ZMTP SUB that stops reading after its handshake. Every Send
// returns; the fast SUB reads every message in order; the slow one, read once the PUB is done,
// has the oldest messages, in order, and not all of them (the rest were dropped at its
// high-water mark).
func TestHostileSlowSubscriberDoesNotHoldUpPub(t *testing.T) {
	peertest.NeedPyZMQ(t)
	const (
		hwm   = 100
		batch = 50       // sent before waiting for the fast SUB: well within its high-water mark
		n     = 1000     // 64 MiB offered, more than the kernel's buffers take for the slow one
		size  = 64 << 10 // each message's payload
	)
	opts := Defaults()
	opts.SendHWM = hwm
	pub, err := New("PUB", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pub.Close(0) })
	port := bind(t, pub)
	fast := python(t, port, fmt.Sprintf(`
s = ctx.socket(zmq.SUB)
s.setsockopt(zmq.SUBSCRIBE, b'')
s.connect('tcp://127.0.0.1:%%d' %% PORT)
while s.recv_multipart()[0] != b'sync':
    pass
print('synced', flush=True)
n = 0
while True:
    m = s.recv_multipart()
    if m[0] == b'sync':
        continue
    if m[0] == b'end':
        break
    if m[0] != b'%%d' %% n or len(m) != 2 or len(m[1]) != %d:
        print('message %%d is %%r, %%d frames' %% (n, m[0], len(m)), flush=True)
        break
    n += 1
    if n %% %d == 0:
        print(n, flush=True)
print('end', n, flush=True)
`, size, batch))

	// the slow one: a handshake as a SUB, a subscription to everything, then no reading
	slow, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	if _, err := zmtp.Handshake(slow, "SUB", nil, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := slow.Write(zmtp.AppendFrame(nil, []byte{1}, false)); err != nil {
		t.Fatal(err)
	}
	slow.SetReadDeadline(time.Now().Add(20 * time.Second))
	frames := zmtp.NewReader(slow, 1<<20)
	readSlow := func() [][]byte {
		var msg [][]byte
		for {
			f, err := frames.Next()
			if err != nil {
				t.Fatalf("the slow SUB: %v", err)
			}
			if f.Command {
				continue
			}
			msg = append(msg, f.Body)
			if !f.More {
				return msg
			}
		}
	}

	// both subscriptions are in when each has had a probe
	stop := probe(t, pub, "sync")
	wantLine(t, fast, "synced")
	for string(readSlow()[0]) != "sync" {
	}
	stop()

	payload := make([]byte, size)
	c := ctx(t, 20*time.Second)
	for i := 0; i < n; i++ {
		if err := pub.Send(c, [][]byte{[]byte(strconv.Itoa(i)), payload}); err != nil {
			t.Fatalf("send %d: %v (a PUB never waits)", i, err)
		}
		if (i+1)%batch == 0 {
			wantLine(t, fast, strconv.Itoa(i+1))
		}
	}

	// now the slow one reads what it was kept: the oldest, in order, not all
	stop = probe(t, pub, "end")
	var got []int
	for {
		msg := readSlow()
		if s := string(msg[0]); s == "end" {
			break
		} else if s == "sync" {
			continue
		}
		i, err := strconv.Atoi(string(msg[0]))
		if err != nil || len(msg) != 2 || len(msg[1]) != size {
			t.Fatalf("the slow SUB read %q (%d frames)", msg[0], len(msg))
		}
		if len(got) > 0 && i <= got[len(got)-1] {
			t.Fatalf("the slow SUB read %d after %d", i, got[len(got)-1])
		}
		got = append(got, i)
	}
	stop()
	wantLine(t, fast, fmt.Sprintf("end %d", n))
	t.Logf("the slow SUB was kept %d of %d messages", len(got), n)
	if len(got) >= n || len(got) < hwm || got[0] != 0 {
		t.Fatalf("the slow SUB read %d messages of %d, from %v; want fewer than all, at least the %d within the high-water mark, from the first on",
			len(got), n, got[:min(len(got), 1)], hwm)
	}
}

// rssChild is set in the environment of the subprocess TestHostileTenThousandConnections
// measures: it is the number of connections to expect.
const rssChild = "SOCKETREPL_ZMQ_RSS_CHILD"

// 10,000 connections (fewer when the file limit is lower, said in the log), opened at once by
// raw clients that each complete a handshake as a PUSH and send one message, to a PULL in a
// subprocess: every one is served (the PULL lists them all and reads every message), and the
// subprocess's peak RSS stays under 256 MiB. Not under -race, which multiplies memory.
func TestHostileTenThousandConnections(t *testing.T) {
	if v := os.Getenv(rssChild); v != "" {
		serveConnections(t, v)
		return
	}
	if raceEnabled() {
		t.Skip("RSS is not measured under -race")
	}
	if runtime.GOOS != "linux" {
		t.Skip("the peak RSS is read from Linux's /proc")
	}
	const limit = 256                                // MiB
	n := peertest.ScaleToFileLimit(t, 10000, 1, 200) // each: a descriptor here, one there
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(c, os.Args[0], "-test.run=^TestHostileTenThousandConnections$", "-test.count=1")
	cmd.Env = append(os.Environ(), rssChild+"="+strconv.Itoa(n))
	var stderr peertest.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe() // the child ends when it closes
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	lines := bufio.NewScanner(stdout)
	line := func(want string) string {
		t.Helper()
		if !lines.Scan() {
			t.Fatalf("the subprocess printed nothing more (want %q); its stderr: %s", want, stderr.String())
		}
		got := lines.Text()
		if !strings.HasPrefix(got, want) {
			t.Fatalf("the subprocess printed %q, want %q; its stderr: %s", got, want, stderr.String())
		}
		return strings.TrimPrefix(got, want)
	}
	addr := "127.0.0.1:" + line("port ")

	// open them all at once, from a few goroutines, each sending its handshake at once
	conns := make([]net.Conn, n)
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				var d net.Dialer
				conn, err := d.DialContext(c, "tcp", addr)
				if err == nil {
					conns[i] = conn
					_, err = conn.Write(hello("PUSH"))
				}
				if err != nil {
					errs <- fmt.Errorf("connection %d: %v", i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	defer func() {
		for _, conn := range conns {
			if conn != nil {
				conn.Close()
			}
		}
	}()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	line(fmt.Sprintf("peers %d", n))
	msg := zmtp.AppendFrame(nil, []byte("here"), false)
	for i, conn := range conns {
		if _, err := conn.Write(msg); err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
	}
	line(fmt.Sprintf("received %d", n))
	rss := vmHWM(t, cmd.Process.Pid)
	t.Logf("%d connections: the subprocess's peak RSS is %.1f MiB", n, rss)
	if rss >= limit {
		t.Fatalf("%d connections: peak RSS %.1f MiB, want under %d MiB", n, rss, limit)
	}
}

// serveConnections is the subprocess of TestHostileTenThousandConnections: a bound PULL that
// waits for the number of peers in count, then reads one message from each, printing each
// step, then waits for its standard input to close.
func serveConnections(t *testing.T, count string) {
	n, err := strconv.Atoi(count)
	if err != nil {
		t.Fatal(err)
	}
	pull := open(t, "PULL")
	fmt.Printf("port %d\n", bind(t, pull))
	deadline := time.Now().Add(90 * time.Second)
	for len(pull.Peers()) < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Printf("peers %d\n", len(pull.Peers()))
	got := 0
	c := ctx(t, 90*time.Second)
	for ; got < n; got++ {
		if msg, err := pull.Recv(c); err != nil || string(msg[0]) != "here" {
			break
		}
	}
	fmt.Printf("received %d\n", got)
	io.Copy(io.Discard, os.Stdin)
}

// vmHWM reads a live process's peak resident set (VmHWM) in MiB, as bench/tcp_test.go does.
func vmHWM(t *testing.T, pid int) float64 {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				t.Fatal(err)
			}
			return float64(kib) / 1024
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}
