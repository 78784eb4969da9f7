package zmtp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"testing"
	"time"
)

// Lockstep connections (lockstep.go): inline writes and callers that read the connection
// themselves, over real TCP (an inline write needs the system's socket).

// tcpPair gives the two ends of a TCP connection on 127.0.0.1.
func tcpPair(t *testing.T) (net.Conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		done <- c
	}()
	a, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	b := <-done
	if b == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

// lockstepConn starts a Lockstep connection on one end of a TCP pair and gives the other end.
func lockstepConn(t *testing.T, cfg Config) (*Conn, net.Conn, chan struct{}) {
	t.Helper()
	a, b := tcpPair(t)
	arrived := make(chan struct{}, 1)
	cfg.Lockstep = true
	cfg.Notify = func(*Conn) {
		select {
		case arrived <- struct{}{}:
		default:
		}
	}
	c := Start(a, Peer{Type: "REP"}, cfg)
	if c.ls == nil || c.ls.w == nil {
		t.Fatal("a Lockstep connection over TCP has no inline writer")
	}
	t.Cleanup(func() { c.Close(0) })
	return c, b, arrived
}

// recvHere takes the next message as a REQ or REP does: reading the connection itself when
// it can, waiting for Notify when it cannot. A ctx error is returned as it is.
func recvHere(ctx context.Context, c *Conn, arrived chan struct{}) ([][]byte, error) {
	for {
		if msg, ok := c.Recv(); ok {
			return msg, nil
		}
		got, err := c.ReadHere(ctx)
		if err != nil {
			return nil, err
		}
		if got {
			continue
		}
		select {
		case <-arrived:
		case <-c.Done():
			if msg, ok := c.Recv(); ok {
				return msg, nil
			}
			return nil, c.Err()
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// peerReader reads what the connection sends, frame by frame, on a goroutine of its own:
// data messages (frames joined by '|') and PONGs, each on its channel.
func peerReader(t *testing.T, peer net.Conn) (msgs chan string, pongs chan string) {
	msgs, pongs = make(chan string, 100000), make(chan string, 1000)
	go func() {
		r := NewReader(peer, 1<<30)
		var frames [][]byte
		for {
			f, err := r.Next()
			if err != nil {
				close(msgs)
				return
			}
			if f.Command {
				if name, data, _ := ParseCommand(f.Body); name == "PONG" {
					pongs <- string(data)
				}
				continue
			}
			frames = append(frames, f.Body)
			if !f.More {
				msgs <- string(bytes.Join(frames, []byte("|")))
				frames = nil
			}
		}
	}()
	return msgs, pongs
}

// ping is a PING command with a TTL and a context.
func ping(ctx string) []byte {
	return AppendCommand(nil, "PING", append([]byte{0, 10}, ctx...))
}

// Messages written in pieces cut anywhere (a header, a body, between the frames of one
// message), with PINGs among them, reach a caller that reads the connection itself whole
// and in order, and every PING is answered while it reads.
func TestReadHereAcrossPieces(t *testing.T) {
	c, peer, arrived := lockstepConn(t, Config{})
	_, pongs := peerReader(t, peer)
	const n = 300
	var wire []byte
	for i := 0; i < n; i++ {
		wire = append(wire, wireOf(i, i+1)...)
		if i%17 == 0 {
			wire = append(wire, ping(fmt.Sprint(i))...)
		}
	}
	go func() {
		rng := rand.New(rand.NewPCG(1, 2))
		for len(wire) > 0 {
			k := min(len(wire), 1+rng.IntN(300))
			peer.Write(wire[:k])
			wire = wire[k:]
			time.Sleep(time.Duration(rng.IntN(200)) * time.Microsecond)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for i := 0; i < n; i++ {
		msg, err := recvHere(ctx, c, arrived)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if !sameMsg(msg, testMsg(i)) {
			t.Fatalf("message %d arrived as %q", i, msg)
		}
	}
	for i := 0; i < n; i += 17 {
		select {
		case got := <-pongs:
			if got != fmt.Sprint(i) {
				t.Fatalf("a PONG with %q, want %q", got, fmt.Sprint(i))
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no PONG for the PING of message %d", i)
		}
	}
}

// A caller interrupted (Ctrl-C: its context ends) at any moment, a message half read or not,
// loses nothing: the next read, by a caller or by the reader goroutine, goes on where it
// stopped.
func TestReadHereInterruptedLosesNothing(t *testing.T) {
	c, peer, arrived := lockstepConn(t, Config{})
	const n = 400
	wire := wireOf(0, n)
	go func() {
		rng := rand.New(rand.NewPCG(3, 4))
		for len(wire) > 0 {
			k := min(len(wire), 1+rng.IntN(200))
			peer.Write(wire[:k])
			wire = wire[k:]
			time.Sleep(time.Duration(rng.IntN(300)) * time.Microsecond)
		}
	}()
	rng := rand.New(rand.NewPCG(5, 6))
	deadline := time.Now().Add(20 * time.Second)
	interrupted := 0
	for i := 0; i < n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d messages of %d after 20 s", i, n)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(rng.IntN(400))*time.Microsecond)
		msg, err := recvHere(ctx, c, arrived)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			interrupted++
			if i%5 == 0 {
				c.Resume() // the reader goroutine takes the turn back meanwhile
				time.Sleep(time.Millisecond)
			}
			continue
		}
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if !sameMsg(msg, testMsg(i)) {
			t.Fatalf("message %d arrived as %q", i, msg)
		}
		i++
	}
	if interrupted == 0 {
		t.Fatal("no read was interrupted: the test shows nothing")
	}
}

// The turn: a caller takes it from the reader goroutine parked at the top of its loop, keeps
// it idle for the next caller, and the goroutine has it back after idleReturn, so that what
// arrives while nobody reads is queued (and PINGs answered) without a caller.
func TestReadHereTurn(t *testing.T) {
	c, peer, arrived := lockstepConn(t, Config{})
	_, pongs := peerReader(t, peer)
	turn := func() int {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.ls.turn == turnGoroutine && !c.ls.parked {
			return -1 // not at the top of its loop yet
		}
		return c.ls.turn
	}
	waitFor := func(want int) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); turn() != want; time.Sleep(100 * time.Microsecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the turn is %d, want %d", turn(), want)
			}
		}
	}
	waitFor(turnGoroutine) // parked
	ctx := context.Background()
	go func() {
		time.Sleep(20 * time.Millisecond)
		peer.Write(AppendFrame(nil, []byte("one"), false))
	}()
	if msg, err := recvHere(ctx, c, arrived); err != nil || string(msg[0]) != "one" {
		t.Fatalf("%q %v", msg, err)
	}
	if got := turn(); got != turnIdle {
		t.Fatalf("after a caller's read the turn is %d, want idle", got)
	}
	waitFor(turnGoroutine) // after idleReturn
	go func() {
		time.Sleep(20 * time.Millisecond)
		peer.Write(AppendFrame(nil, []byte("again"), false))
	}()
	if msg, err := recvHere(ctx, c, arrived); err != nil || string(msg[0]) != "again" {
		t.Fatalf("%q %v", msg, err)
	}
	c.Resume() // at once
	if got := turn(); got != turnGoroutine && got != -1 {
		t.Fatalf("after Resume the turn is %d, want the reader goroutine's", got)
	}
	waitFor(turnGoroutine)
	peer.Write(append(AppendFrame(nil, []byte("two"), false), ping("p")...))
	for deadline := time.Now().Add(5 * time.Second); c.Pending() == 0; time.Sleep(100 * time.Microsecond) {
		if time.Now().After(deadline) {
			t.Fatal("nothing queued by the reader goroutine")
		}
	}
	if msg, ok := c.Recv(); !ok || string(msg[0]) != "two" {
		t.Fatalf("%q %v", msg, ok)
	}
	select {
	case <-pongs:
	case <-time.After(5 * time.Second):
		t.Fatal("no PONG while nobody read")
	}
}

// A message larger than the read buffer is left to the reader goroutine, which reads it
// frame by frame; the caller waits for it as usual.
func TestReadHereLeavesLargeMessages(t *testing.T) {
	c, peer, arrived := lockstepConn(t, Config{})
	big := bytes.Repeat([]byte("b"), 3*bigRead)
	go peer.Write(AppendFrame(AppendFrame(nil, []byte("small"), false), big, false))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if msg, err := recvHere(ctx, c, arrived); err != nil || string(msg[0]) != "small" {
		t.Fatalf("%q %v", msg, err)
	}
	if msg, err := recvHere(ctx, c, arrived); err != nil || !bytes.Equal(msg[0], big) {
		t.Fatalf("the large message: %d bytes, %v", len(msg), err)
	}
}

// The connection ends under a caller that reads it: closed, or the peer sending a frame
// with reserved flags. The caller returns, the goroutines end, the reason is kept.
func TestReadHereEnds(t *testing.T) {
	for _, tc := range []struct {
		name string
		end  func(c *Conn, peer net.Conn)
		want error
	}{
		{"closed", func(c *Conn, _ net.Conn) { c.Close(0) }, io.ErrClosedPipe},
		{"reserved flags", func(_ *Conn, peer net.Conn) { peer.Write([]byte{0x80, 0}) }, ErrBadFlags},
		{"the peer leaves", func(_ *Conn, peer net.Conn) { peer.Close() }, io.EOF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, peer, arrived := lockstepConn(t, Config{})
			go func() {
				time.Sleep(50 * time.Millisecond)
				tc.end(c, peer)
			}()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if msg, err := recvHere(ctx, c, arrived); err == nil {
				t.Fatalf("a message: %q", msg)
			}
			select {
			case <-c.Done():
			case <-time.After(10 * time.Second):
				t.Fatal("the connection did not end")
			}
			if err := c.Err(); !errors.Is(err, tc.want) {
				t.Fatalf("ended with %v, want %v", err, tc.want)
			}
		})
	}
}

// An inline write never waits: with a peer that does not read, sends return at once (what
// the socket does not take goes to the writer goroutine, then the high-water mark refuses),
// and once the peer reads, everything sent arrives whole and in order.
func TestInlineWriteNeverWaits(t *testing.T) {
	c, peer, _ := lockstepConn(t, Config{SendHWM: 50})
	body := bytes.Repeat([]byte("w"), 32<<10)
	var sent []string
	start := time.Now()
	for i := 0; i < 2000; i++ {
		msg := [][]byte{[]byte(fmt.Sprint(i)), body}
		if c.Send(msg) {
			sent = append(sent, fmt.Sprintf("%d|%s", i, body))
		}
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("2000 sends to a peer that does not read took %v", took)
	}
	if len(sent) == 2000 || len(sent) < 50 {
		t.Fatalf("%d of 2000 sent: the test wants the socket full", len(sent))
	}
	msgs, _ := peerReader(t, peer)
	for i, want := range sent {
		select {
		case got := <-msgs:
			if got != want {
				t.Fatalf("message %d of %d arrived as %.20q…, want %.20q…", i, len(sent), got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("message %d of %d did not arrive", i, len(sent))
		}
	}
}

// Inline writes, the writer goroutine and PONGs interleave without mixing bytes: many
// goroutines send at once while PINGs arrive, and every message arrives whole, each
// sender's in its order.
func TestInlineWritesInterleave(t *testing.T) {
	c, peer, _ := lockstepConn(t, Config{})
	msgs, pongs := peerReader(t, peer)
	const senders, each = 4, 500
	var wg sync.WaitGroup
	for s := 0; s < senders; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				for !c.Send([][]byte{[]byte(fmt.Sprintf("%d-%d", s, i)), bytes.Repeat([]byte{'x'}, i%300)}) {
					time.Sleep(time.Millisecond)
				}
			}
		}()
	}
	go func() {
		for i := 0; i < 50; i++ {
			peer.Write(ping(fmt.Sprint(i)))
			time.Sleep(time.Millisecond)
		}
	}()
	wg.Wait()
	next := make([]int, senders)
	for k := 0; k < senders*each; k++ {
		var got string
		select {
		case got = <-msgs:
		case <-time.After(10 * time.Second):
			t.Fatalf("%d messages arrived, want %d", k, senders*each)
		}
		var s, i int
		var pad string
		if _, err := fmt.Sscanf(got, "%d-%d|%s", &s, &i, &pad); (err != nil && i%300 != 0) || s < 0 || s >= senders || i != next[s] || len(pad) != i%300 {
			t.Fatalf("message %d: %.40q (sender %d expected %d)", k, got, s, next[s])
		}
		next[s]++
	}
	for i := 0; i < 50; i++ {
		select {
		case <-pongs:
		case <-time.After(10 * time.Second):
			t.Fatalf("%d PONGs of 50", i)
		}
	}
}

// An inline write allocates nothing (the message aside): no goroutine, no buffer of its own.
func TestInlineWriteAllocatesNothing(t *testing.T) {
	c, peer, _ := lockstepConn(t, Config{})
	go io.Copy(io.Discard, peer)
	msg := [][]byte{bytes.Repeat([]byte("m"), 64)}
	for range 100 {
		c.Send(msg)
	}
	if allocs := testing.AllocsPerRun(1000, func() {
		if !c.Send(msg) {
			t.Fatal("refused")
		}
	}); allocs > 0 {
		t.Fatalf("%.2f allocations per inline write", allocs)
	}
}
