package sockets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// acceptedPair is a server of this registry's, a plain Go peer connected to it, and the
// socket the server accepted for that peer.
func acceptedPair(t *testing.T) (srv *Socket, peer *net.TCPConn, acc *Socket) {
	t.Helper()
	srv = openServer(t, newRegistry(t), "127.0.0.1")
	peer = dialGo(t, srv.Local)
	return srv, peer, acceptedFor(t, srv, peer)
}

// holdTurn has the caller take acc's turn: a wait here that nothing ends but its timeout.
func holdTurn(t *testing.T, ctx context.Context, acc *Socket) {
	t.Helper()
	if ok, err := acc.WaitHere(ctx, 200*time.Millisecond); ok || err != nil {
		t.Fatalf("WaitHere = %v, %v", ok, err)
	}
	if h := hereHolder(acc.stream); h != turnIdle {
		t.Fatalf("after WaitHere the turn is with %d, not the caller (idle)", h)
	}
}

// endReadHere has the peer close while the caller reads acc here, and the caller meet the end.
func endReadHere(t *testing.T, ctx context.Context, peer net.Conn, acc *Socket) {
	t.Helper()
	holdTurn(t, ctx, acc)
	time.AfterFunc(20*time.Millisecond, func() { peer.Close() })
	if ok, err := acc.WaitHere(ctx, 5*time.Second); !ok || err != nil {
		t.Fatalf("WaitHere for the end = %v, %v", ok, err)
	}
}

// hereHolder is who reads st now (the turn's holder).
func hereHolder(st *stream) int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.turn.holder
}

// A round trip read here: WaitHere takes the turn from the reader goroutine, reads what the
// peer sends on the caller's goroutine, keeps it and tells the watcher, as the goroutine does.
func TestWaitHereReadsOnTheCaller(t *testing.T) {
	_, peer, acc := acceptedPair(t)
	var told atomic.Int32
	acc.Watch(func(*Socket) { told.Add(1) })
	ctx := testCtx(t, 10*time.Second)

	for i := range 5 {
		go func() { time.Sleep(10 * time.Millisecond); fmt.Fprintf(peer, "msg %d;", i) }()
		ok, err := acc.WaitHere(ctx, 5*time.Second)
		if !ok || err != nil {
			t.Fatalf("WaitHere %d: %v, %v", i, ok, err)
		}
		if h := hereHolder(acc.stream); h != turnIdle {
			t.Fatalf("after WaitHere %d the turn is with %d, want the caller (idle)", i, h)
		}
		if got := string(readN(t, ctx, acc, len("msg 0;"))); got != fmt.Sprintf("msg %d;", i) {
			t.Fatalf("read %q after WaitHere %d", got, i)
		}
	}
	if n := told.Load(); n < 5 {
		t.Errorf("the watcher was told %d times of 5 messages", n)
	}
	// nothing comes: the timeout, then the context
	if ok, err := acc.WaitHere(ctx, 20*time.Millisecond); ok || err != nil {
		t.Errorf("WaitHere with nothing sent = %v, %v; want false, nil", ok, err)
	}
	cut, cancel := context.WithCancel(ctx)
	time.AfterFunc(20*time.Millisecond, cancel)
	if ok, err := acc.WaitHere(cut, -1); ok || !errors.Is(err, context.Canceled) {
		t.Errorf("WaitHere cancelled = %v, %v; want false, context.Canceled", ok, err)
	}
	// given back, the goroutine reads what comes and announces it with nobody waiting here
	acc.Resume()
	if h := hereHolder(acc.stream); h != turnGoroutine {
		t.Fatalf("after Resume the turn is with %d", h)
	}
	before := told.Load()
	fmt.Fprint(peer, "later")
	waitFor(t, 5*time.Second, "the reader goroutine to take what came", func() bool { n, _ := acc.stream.Buffered(); return n == 5 })
	if told.Load() == before {
		t.Error("the watcher was not told of what the goroutine read")
	}
	if got := string(readN(t, ctx, acc, 5)); got != "later" {
		t.Errorf("read %q", got)
	}
}

// Any other wait on the connection gives the turn back: a read that waits the usual way after
// WaitHere sees what comes (it would wait forever if nobody read the connection).
func TestWaitHereOtherWaitsResume(t *testing.T) {
	_, peer, acc := acceptedPair(t)
	ctx := testCtx(t, 10*time.Second)
	for _, how := range []string{"Read", "Wait", "WaitAny"} {
		holdTurn(t, ctx, acc)
		time.AfterFunc(20*time.Millisecond, func() { fmt.Fprint(peer, how) })
		switch how {
		case "Read":
			if got := string(readN(t, ctx, acc, len(how))); got != how {
				t.Errorf("Read got %q", got)
			}
			continue
		case "Wait":
			if ok, err := acc.Wait(ctx, 5*time.Second); !ok || err != nil {
				t.Errorf("Wait = %v, %v", ok, err)
			}
		case "WaitAny":
			if ok, err := WaitAny(ctx, []*Socket{acc}, 5*time.Second, (*Socket).Ready); !ok || err != nil {
				t.Errorf("WaitAny = %v, %v", ok, err)
			}
		}
		if got := string(readN(t, ctx, acc, len(how))); got != how {
			t.Errorf("%s: read %q", how, got)
		}
	}
}

// The turn changes hands many times while a peer sends without pause: every byte arrives, in
// order, whoever read it.
func TestWaitHereLosesNothing(t *testing.T) {
	_, peer, acc := acceptedPair(t)
	ctx := testCtx(t, 30*time.Second)
	const n = 20000
	go func() {
		for i := range n {
			fmt.Fprintf(peer, "%d\n", i)
			if i%500 == 0 {
				time.Sleep(time.Millisecond)
			}
		}
		peer.CloseWrite()
	}()
	var got strings.Builder
	for i := 0; ; i++ {
		if i%3 == 2 {
			acc.Resume() // now and then the goroutine reads a while
		}
		if _, err := acc.WaitHere(ctx, 50*time.Millisecond); err != nil {
			t.Fatalf("WaitHere: %v", err)
		}
		b, err := acc.TryRead(0)
		got.Write(b)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("TryRead: %v", err)
		}
	}
	lines := strings.Split(strings.TrimSuffix(got.String(), "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("%d lines arrived, want %d", len(lines), n)
	}
	for i, l := range lines {
		if l != fmt.Sprint(i) {
			t.Fatalf("line %d is %q", i, l)
		}
	}
	if !acc.AtEnd() {
		t.Error("the peer's end was not seen")
	}
}

// The peer's end, met by a read here, is the end as the goroutine reports it: the server
// forgets the client, and a closed connection ends a wait here at once.
func TestWaitHereSeesTheEnd(t *testing.T) {
	srv, peer, acc := acceptedPair(t)
	ctx := testCtx(t, 10*time.Second)
	endReadHere(t, ctx, peer, acc)
	if !acc.AtEnd() {
		t.Error("not at the end after the peer closed")
	}
	waitFor(t, 5*time.Second, "the server to drop the client", func() bool { return len(srv.Clients()) == 0 })

	peer2 := dialGo(t, srv.Local)
	acc2 := acceptedFor(t, srv, peer2)
	time.AfterFunc(20*time.Millisecond, func() { acc2.Close() })
	done := make(chan error, 1)
	go func() { _, err := acc2.WaitHere(ctx, -1); done <- err }()
	select {
	case err := <-done:
		if err != nil && KindOf(err) != Closed {
			t.Errorf("WaitHere on a socket closed meanwhile: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("WaitHere did not end when its socket was closed")
	}
}

// The end met by a read here, and the turn given back: the end is recorded once (one event,
// one entry in the server's list of ended clients, gone when the client is closed).
func TestWaitHereEndRecordedOnce(t *testing.T) {
	srv, peer, acc := acceptedPair(t)
	ctx := testCtx(t, 10*time.Second)
	endReadHere(t, ctx, peer, acc)
	acc.Resume()
	time.Sleep(100 * time.Millisecond) // time for a goroutine that read on to note the end again
	ends := 0
	for _, e := range acc.Events() {
		if e.What == "peer closed" {
			ends++
		}
	}
	ended := func() int { srv.lis.mu.Lock(); defer srv.lis.mu.Unlock(); return len(srv.lis.ended) }
	if ends != 1 || ended() != 1 {
		t.Errorf("the end was noted %d times, and the server lists %d ended clients; want 1 and 1", ends, ended())
	}
	acc.Close()
	if n := ended(); n != 0 {
		t.Errorf("after Close the server still lists %d ended clients", n)
	}
}

// What a read here brought is kept before the turn is left: a Resume from another goroutine
// just then cannot let the reader goroutine keep the next bytes first. (The tracer, called as
// the read here keeps its bytes, holds that moment open.)
func TestWaitHereKeepsOrderWhenResumed(t *testing.T) {
	_, peer, acc := acceptedPair(t)
	ctx := testCtx(t, 10*time.Second)
	holdTurn(t, ctx, acc)
	var first atomic.Bool
	acc.SetTrace(func(tr TraceRecord) {
		if tr.Event == nil && first.CompareAndSwap(false, true) {
			go func() { peer.Write([]byte("B")); time.Sleep(10 * time.Millisecond); acc.Resume() }()
			time.Sleep(100 * time.Millisecond)
		}
	})
	peer.Write([]byte("A"))
	if ok, err := acc.WaitHere(ctx, 5*time.Second); !ok || err != nil {
		t.Fatalf("WaitHere = %v, %v", ok, err)
	}
	if got := string(readN(t, ctx, acc, 2)); got != "AB" {
		t.Errorf("read %q, want \"AB\"", got)
	}
}

// Writers on several goroutines: each write arrives whole, though one may go in two steps
// (what the socket takes at once, then the rest) while the peer reads slowly.
func TestConcurrentWritesStayWhole(t *testing.T) {
	_, peer, acc := acceptedPair(t)
	ctx := testCtx(t, 60*time.Second)
	const size, blocks, writers = 256 << 10, 10, 4
	done := make(chan error, writers)
	for w := range writers {
		go func() {
			p := bytes.Repeat([]byte{byte('a' + w)}, size)
			for range blocks {
				if err := acc.Write(ctx, p); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	var got []byte
	buf := make([]byte, 64<<10)
	for len(got) < size*blocks*writers {
		peer.SetReadDeadline(time.Now().Add(30 * time.Second))
		n, err := peer.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, buf[:n]...)
		time.Sleep(100 * time.Microsecond) // a slow reader: the socket's buffer fills
	}
	for range writers {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < len(got); i += size {
		if block := got[i : i+size]; !bytes.Equal(block, bytes.Repeat(block[:1], size)) {
			t.Fatalf("the block at %d was cut by another writer's bytes", i)
		}
	}
}
