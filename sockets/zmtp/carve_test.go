package zmtp

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"
)

// The receive path's memory: small bodies and frame lists carved from blocks while a
// connection streams (connreader.go).

// chunks is a source that gives at most size bytes per read, as a connection does when its
// peer sends that much at a time.
type chunks struct {
	data []byte
	size int
}

func (c *chunks) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.size)], c.data)
	c.data = c.data[n:]
	return n, nil
}

// framesOf is the wire form of one single-frame message per body.
func framesOf(bodies [][]byte) []byte {
	var wire []byte
	for _, b := range bodies {
		wire = AppendFrame(wire, b, false)
	}
	return wire
}

// bodiesOf makes n bodies whose sizes walk through 0..300 (carved, empty and allocated alone),
// each filled with its own index so that any overlap shows.
func bodiesOf(n int) [][]byte {
	bodies := make([][]byte, n)
	for i := range bodies {
		bodies[i] = bytes.Repeat([]byte{byte(i)}, (i*37)%301)
	}
	return bodies
}

// While a connection streams, small bodies are carved from blocks, one after the other, a new
// block when the rest of the old one is too short; each body is whole, has its capacity at its
// length, and appending to it or writing into it changes no other.
func TestCarvingAcrossBlocks(t *testing.T) {
	bodies := bodiesOf(3000)
	// the source always fills the buffer, so the reader streams from its first read on; the
	// tail is never read, so that it does not go quiet (and drop its block) before the end
	wire := append(framesOf(bodies), make([]byte, 2*bigRead)...)
	r := NewReader(&chunks{wire, 1 << 30}, 1<<20)
	var got [][]byte
	blocks, want, left := 0, 0, 0
	for i, b := range bodies {
		before := cap(r.r.block)
		f, err := r.Next()
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if !bytes.Equal(f.Body, b) {
			t.Fatalf("frame %d: %d bytes, want %d", i, len(f.Body), len(b))
		}
		if n := len(b); n > 0 && n <= carveMax {
			if cap(f.Body) != n {
				t.Fatalf("frame %d: a carved body of %d bytes has capacity %d", i, n, cap(f.Body))
			}
			if left < n {
				want, left = want+1, blockSize
			}
			left -= n
			if cap(r.r.block) > before {
				blocks++
			}
		}
		got = append(got, f.Body)
	}
	if blocks != want || blocks < 10 {
		t.Fatalf("%d blocks taken, want %d (and at least 10, for the test to cross boundaries)", blocks, want)
	}
	for i := range got {
		got[i] = append(got[i], 0xee, 0xee) // reallocates: no neighbour is overwritten
		if i%2 == 0 {
			for j := range got[i] {
				got[i][j] = 0xdd
			}
		}
	}
	for i, b := range bodies {
		if i%2 == 1 && !bytes.Equal(got[i][:len(b)], b) {
			t.Fatalf("frame %d changed when the others were appended to or written", i)
		}
	}
}

// Reading a stream of small frames allocates nothing per frame.
func TestCarvingAllocatesNothingPerFrame(t *testing.T) {
	bodies := make([][]byte, 20000)
	for i := range bodies {
		bodies[i] = bytes.Repeat([]byte("x"), 64)
	}
	r := NewReader(&chunks{append(framesOf(bodies), make([]byte, 2*bigRead)...), 1 << 30}, 1<<20)
	if allocs := testing.AllocsPerRun(10000, func() {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Fatalf("%.2f allocations per frame", allocs)
	}
}

// A quiet connection (reads no larger than the small buffer) carves nothing and holds no
// block: its bodies are allocated one by one. A streaming one that goes quiet lets its block
// go.
func TestQuietConnectionHoldsNoBlock(t *testing.T) {
	bodies := bodiesOf(200)
	r := NewReader(&chunks{framesOf(bodies), 100}, 1<<20)
	for i, b := range bodies {
		f, err := r.Next()
		if err != nil || !bytes.Equal(f.Body, b) {
			t.Fatalf("frame %d: %v", i, err)
		}
		if r.r.block != nil || r.r.lists != nil {
			t.Fatalf("frame %d: a quiet reader holds a block", i)
		}
	}

	// streaming, then quiet: a source that fills the buffer, then gives 100 bytes a read
	loud := framesOf(bodiesOf(2000))
	src := &chunks{append(loud, framesOf(bodies)...), 1 << 30}
	r = NewReader(src, 1<<20)
	for range 10 {
		r.Next()
	}
	if r.r.block == nil {
		t.Fatal("a streaming reader carved nothing")
	}
	src.size = 100
	for {
		if _, err := r.Next(); err != nil {
			break
		}
		if r.r.big == nil && r.r.block != nil {
			t.Fatal("the reader went quiet and kept its block")
		}
	}
	if r.r.big != nil {
		t.Fatal("the reader never went quiet")
	}
}

// ---------------------------------------------------------------- connections

// pipeConn starts a connection on one end of a net.Pipe and gives the other end; arrived is
// signalled on Notify.
func pipeConn(t *testing.T, cfg Config) (*Conn, net.Conn, chan struct{}) {
	t.Helper()
	a, b := net.Pipe()
	arrived := make(chan struct{}, 1)
	cfg.Notify = func(*Conn) {
		select {
		case arrived <- struct{}{}:
		default:
		}
	}
	c := Start(a, Peer{Type: "PUSH"}, cfg)
	t.Cleanup(func() { b.Close(); c.Close(0) })
	return c, b, arrived
}

// recvWait takes the next message from c, waiting for it.
func recvWait(t *testing.T, c *Conn, arrived chan struct{}) [][]byte {
	t.Helper()
	for {
		if msg, ok := c.Recv(); ok {
			return msg
		}
		select {
		case <-arrived:
		case <-c.Done():
			if msg, ok := c.Recv(); ok {
				return msg
			}
			t.Fatalf("the connection ended: %v", c.Err())
		case <-time.After(10 * time.Second):
			t.Fatal("no message within 10 s")
		}
	}
}

// testMsg is message i of the stream the connection tests send: one to three frames of varied
// sizes, filled with the message's number.
func testMsg(i int) [][]byte {
	msg := make([][]byte, 1+i%3)
	for j := range msg {
		msg[j] = bytes.Repeat([]byte{byte(i + j)}, (i*13+j*71)%400)
	}
	return msg
}

func wireOf(from, to int) []byte {
	var wire []byte
	for i := from; i < to; i++ {
		msg := testMsg(i)
		for j, f := range msg {
			wire = AppendFrame(wire, f, j < len(msg)-1)
		}
	}
	return wire
}

func sameMsg(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// Messages that are kept (as a session keeps what it read) stay as they were while the
// messages carved after them from the same blocks are read, appended to and written into.
func TestKeptMessagesAreNotOverwritten(t *testing.T) {
	const n = 5000
	c, peer, arrived := pipeConn(t, Config{})
	go peer.Write(wireOf(0, n))
	kept := map[int][][]byte{}
	for i := 0; i < n; i++ {
		msg := recvWait(t, c, arrived)
		if !sameMsg(msg, testMsg(i)) {
			t.Fatalf("message %d arrived as %q", i, msg)
		}
		if i%7 == 0 {
			kept[i] = msg
			continue
		}
		msg = append(msg, []byte("another frame")) // the list: capacity at its length too
		for j := range msg {
			msg[j] = append(msg[j], 0xee)
			for k := range msg[j] {
				msg[j][k] = 0xdd
			}
		}
	}
	for i, msg := range kept {
		if !sameMsg(msg, testMsg(i)) {
			t.Fatalf("kept message %d has changed", i)
		}
	}
}
