package zmq

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/sockets/zmtp"
)

// A pipe reads its connection a batch at a time (pipe.recv, zmtp's RecvBatch): the batch is
// read before anything after it, counts against the receive high-water mark, and keeps a
// departed peer's messages as draining connections do.

// wireMsgs is the wire form of the single-frame messages prefix0 … prefix(n-1).
func wireMsgs(prefix string, n int) []byte {
	var wire []byte
	for i := 0; i < n; i++ {
		wire = zmtp.AppendFrame(wire, []byte(fmt.Sprintf("%s%d", prefix, i)), false)
	}
	return wire
}

// held is how many messages a socket's pipes hold for reading: queued in their connections,
// and taken in a batch and not read.
func held(s *Socket) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, p := range s.pipes {
		n += len(p.batch) - p.head
		if p.conn != nil {
			n += p.conn.Pending()
		}
	}
	return n
}

// With RecvHWM 10, what the pipe has taken in a batch and what its connection holds stay
// within 10 while a peer sends 300 at once, and all 300 are read in order.
func TestPipeBatchCountsAgainstRecvHWM(t *testing.T) {
	pull := open(t, "PULL")
	pull.SetOptions(func(o *Options) { o.RecvHWM = 10 })
	port := bind(t, pull)
	peer := dialRaw(t, fmt.Sprintf("127.0.0.1:%d", port), "PUSH")
	if _, err := peer.conn.Write(wireMsgs("m", 300)); err != nil {
		t.Fatal(err)
	}
	c := ctx(t, 10*time.Second)
	full := false
	for i := 0; i < 300; i++ {
		msg, err := pull.Recv(c)
		if err != nil || len(msg) != 1 || string(msg[0]) != fmt.Sprintf("m%d", i) {
			t.Fatalf("message %d: %q %v", i, msg, err)
		}
		if i%50 == 0 {
			time.Sleep(20 * time.Millisecond) // the reader runs ahead as far as it may
		}
		n := held(pull)
		if n > 10 {
			t.Fatalf("after message %d, %d held, past the mark of 10", i, n)
		}
		full = full || n >= 9
	}
	if !full {
		t.Fatal("the reader never came near the mark: the test shows nothing")
	}
}

// A peer's last messages are read, in order, after its connection has ended, whether they
// wait in a batch the pipe took or in the ended connection; then those of the next
// connection of the same (connecting) pipe.
func TestBatchOutlivesItsConnection(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	pull := open(t, "PULL")
	pull.SetOptions(func(o *Options) { o.ReconnectIvl = 10 * time.Millisecond })
	if err := pull.Connect(ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	serve := func(prefix string, n int) { // on another goroutine too: t.Error, not t.Fatal
		raw, err := ln.Accept()
		if err != nil {
			t.Error(err)
			return
		}
		if _, err := zmtp.Handshake(raw, "PUSH", nil, 10*time.Second); err != nil {
			t.Error(err)
			return
		}
		raw.Write(wireMsgs(prefix, n))
		raw.Close()
	}
	c := ctx(t, 10*time.Second)
	serve("a", 600) // under the mark: the reader reads on to the end
	// the first read takes a batch (up to 500 messages: half the mark), the rest wait in the
	// connection, which ends
	if msg, err := pull.Recv(c); err != nil || string(msg[0]) != "a0" {
		t.Fatalf("the first message: %q %v", msg, err)
	}
	waitEvent(t, pull, "disconnected", "", "")
	go serve("b", 100)
	for i := 1; i < 600; i++ {
		if msg, err := pull.Recv(c); err != nil || string(msg[0]) != fmt.Sprintf("a%d", i) {
			t.Fatalf("message a%d: %q %v", i, msg, err)
		}
	}
	for i := 0; i < 100; i++ {
		if msg, err := pull.Recv(c); err != nil || string(msg[0]) != fmt.Sprintf("b%d", i) {
			t.Fatalf("message b%d: %q %v", i, msg, err)
		}
	}
}

// A bound socket's pipe goes once its departed peer's messages have all been read, batch and
// all, and not before.
func TestPipeGoesWhenItsBatchIsRead(t *testing.T) {
	pull := open(t, "PULL")
	port := bind(t, pull)
	peer := dialRaw(t, fmt.Sprintf("127.0.0.1:%d", port), "PUSH")
	peer.conn.Write(wireMsgs("m", 50))
	c := ctx(t, 10*time.Second)
	if msg, err := pull.Recv(c); err != nil || string(msg[0]) != "m0" {
		t.Fatalf("the first message: %q %v", msg, err)
	}
	peer.conn.Close()
	waitEvent(t, pull, "disconnected", "", "")
	for i := 1; i < 50; i++ {
		pull.mu.Lock()
		pipes := len(pull.pipes)
		pull.mu.Unlock()
		if pipes != 1 {
			t.Fatalf("before message %d, %d pipes, want the departed peer's", i, pipes)
		}
		if msg, err := pull.Recv(c); err != nil || string(msg[0]) != fmt.Sprintf("m%d", i) {
			t.Fatalf("message %d: %q %v", i, msg, err)
		}
	}
	if msg, ok, err := pull.TryRecv(); ok || err != nil {
		t.Fatalf("a message past the last: %q %v", msg, err)
	}
	pull.mu.Lock()
	defer pull.mu.Unlock()
	if len(pull.pipes) != 0 {
		t.Fatalf("%d pipes once everything was read", len(pull.pipes))
	}
}

// A PAIR turns a second peer away while the first one's messages wait unread, in a batch
// too, as libzmq's does while its pipe has messages; once they are read, the next is welcome.
func TestPairRefusesWhileABatchIsUnread(t *testing.T) {
	pair := open(t, "PAIR")
	addr := fmt.Sprintf("127.0.0.1:%d", bind(t, pair))
	first := dialRaw(t, addr, "PAIR")
	first.conn.Write(wireMsgs("m", 3))
	c := ctx(t, 10*time.Second)
	for deadline := time.Now().Add(10 * time.Second); held(pair) < 3; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d messages arrived, want 3", held(pair))
		}
	}
	if msg, err := pair.Recv(c); err != nil || string(msg[0]) != "m0" {
		t.Fatalf("the first message: %q %v", msg, err)
	}
	pair.mu.Lock()
	inBatch := len(pair.pipes[0].batch) - pair.pipes[0].head
	pair.mu.Unlock()
	if inBatch != 2 {
		t.Fatalf("%d messages in the batch, want 2 (the test is about them)", inBatch)
	}
	first.conn.Close()
	waitEvent(t, pair, "disconnected", "", "")
	dialRaw(t, addr, "PAIR")
	waitEvent(t, pair, "refused", "", "has a peer")
	for i := 1; i < 3; i++ {
		if msg, err := pair.Recv(c); err != nil || string(msg[0]) != fmt.Sprintf("m%d", i) {
			t.Fatalf("message %d: %q %v", i, msg, err)
		}
	}
	pair.TryRecv() // the departed peer's pipe goes
	third := dialRaw(t, addr, "PAIR")
	third.write(t, "welcome")
	if msg, err := pair.Recv(c); err != nil || string(msg[0]) != "welcome" {
		t.Fatalf("the third peer's message: %q %v", msg, err)
	}
}

// REQ and REP read their one connection on the caller's goroutine and write on it (zmtp's
// Lockstep): round trips Go to Go, the REQ's reads interrupted at random (Ctrl-C), keep every
// reply whole and matched to its request.
func TestReqRepLockstepInterrupted(t *testing.T) {
	req, rep := open(t, "REQ"), open(t, "REP")
	port := bind(t, rep)
	if err := req.Connect(fmt.Sprintf("127.0.0.1:%d", port)); err != nil {
		t.Fatal(err)
	}
	n := 2000
	if raceEnabled() {
		n = 500
	}
	c := ctx(t, 60*time.Second)
	go func() {
		for {
			msg, err := rep.Recv(c)
			if err != nil {
				return
			}
			if err := rep.Send(c, [][]byte{append([]byte("re: "), msg[0]...), bytes.Repeat([]byte("r"), len(msg[0])*7)}); err != nil {
				return
			}
		}
	}()
	rng := rand.New(rand.NewPCG(7, 8))
	interrupted := 0
	for i := 0; i < n; i++ {
		body := fmt.Sprintf("%d %s", i, strings.Repeat("q", rng.IntN(600)))
		if err := req.Send(c, [][]byte{[]byte(body)}); err != nil {
			t.Fatal(err)
		}
		for {
			short, cancel := context.WithTimeout(c, time.Duration(rng.IntN(60))*time.Microsecond)
			msg, err := req.Recv(short)
			cancel()
			if errors.Is(err, context.DeadlineExceeded) && c.Err() == nil {
				interrupted++
				continue
			}
			if err != nil {
				t.Fatalf("round trip %d: %v", i, err)
			}
			if len(msg) != 2 || string(msg[0]) != "re: "+body || len(msg[1]) != 7*len(body) {
				t.Fatalf("round trip %d: the reply %.40q", i, msg)
			}
			break
		}
	}
	if interrupted == 0 {
		t.Fatal("no read was interrupted: the test shows nothing")
	}
}

// A REP with two peers reads neither on its own goroutine (a wait on one would hold up the
// other's requests): both are answered, whichever asks.
func TestRepWithTwoPeersServesBoth(t *testing.T) {
	rep := open(t, "REP")
	port := bind(t, rep)
	c := ctx(t, 20*time.Second)
	go func() {
		for {
			msg, err := rep.Recv(c)
			if err != nil {
				return
			}
			rep.Send(c, msg)
		}
	}()
	a, b := open(t, "REQ"), open(t, "REQ")
	for _, r := range []*Socket{a, b} {
		if err := r.Connect(fmt.Sprintf("127.0.0.1:%d", port)); err != nil {
			t.Fatal(err)
		}
	}
	waitPeers(t, rep, 2)
	for i := 0; i < 200; i++ {
		r := a
		if i%3 == 0 {
			r = b
		}
		if err := r.Send(c, [][]byte{[]byte(fmt.Sprint(i))}); err != nil {
			t.Fatal(err)
		}
		if msg, err := r.Recv(c); err != nil || string(msg[0]) != fmt.Sprint(i) {
			t.Fatalf("round trip %d: %q %v", i, msg, err)
		}
	}
}
