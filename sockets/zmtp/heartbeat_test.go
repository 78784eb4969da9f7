package zmtp

import (
	"encoding/binary"
	"errors"
	"net"
	"testing"
	"time"
)

// pings reads what the connection sends and gives the TTL (deciseconds) of each PING; with
// answer, it replies to each with a PONG, as a live peer does.
func pings(t *testing.T, peer net.Conn, answer bool) chan uint16 {
	got := make(chan uint16, 1000)
	go func() {
		r := NewReader(peer, 1<<20)
		for {
			f, err := r.Next()
			if err != nil {
				close(got)
				return
			}
			if name, data, _ := ParseCommand(f.Body); f.Command && name == "PING" && len(data) >= 2 {
				got <- binary.BigEndian.Uint16(data)
				if answer {
					peer.Write(AppendCommand(nil, "PONG", data[2:]))
				}
			}
		}
	}()
	return got
}

// endsWithin waits for the connection to end and gives why; nil when it runs on after d.
func endsWithin(c *Conn, d time.Duration) error {
	select {
	case <-c.Done():
		return c.Err()
	case <-time.After(d):
		return nil
	}
}

// A connection with a heartbeat interval pings its peer, with the TTL it was given, and
// drops a peer that stops answering once the timeout after a PING has passed.
func TestHeartbeatDropsASilentPeer(t *testing.T) {
	a, peer := tcpPair(t)
	c := Start(a, Peer{Type: "PULL"}, Config{HeartbeatIvl: 30 * time.Millisecond,
		HeartbeatTimeout: 150 * time.Millisecond, HeartbeatTTL: 2 * time.Second})
	t.Cleanup(func() { c.Close(0) })
	got := pings(t, peer, false)
	select {
	case ttl := <-got:
		if ttl != 20 {
			t.Errorf("PING with TTL %d deciseconds, want 20", ttl)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no PING within 10 s")
	}
	if err := endsWithin(c, 10*time.Second); !errors.Is(err, ErrHeartbeat) {
		t.Fatalf("ended with %v, want %v", err, ErrHeartbeat)
	}
}

// A peer that answers keeps the connection, however many timeouts pass.
func TestHeartbeatKeepsAnAnsweringPeer(t *testing.T) {
	a, peer := tcpPair(t)
	c := Start(a, Peer{Type: "PULL"}, Config{HeartbeatIvl: 20 * time.Millisecond,
		HeartbeatTimeout: 100 * time.Millisecond})
	t.Cleanup(func() { c.Close(0) })
	got := pings(t, peer, true)
	if err := endsWithin(c, time.Second); err != nil {
		t.Fatalf("an answering peer was dropped: %v", err)
	}
	if n := len(got); n < 5 {
		t.Fatalf("%d PINGs in a second at a 20 ms interval", n)
	}
}

// A PING's time-to-live holds even where this side sends no heartbeats: the connection ends
// when nothing follows the PING within it; a PING without one asks nothing.
func TestPingTTL(t *testing.T) {
	for _, tc := range []struct {
		name string
		ttl  byte // deciseconds
		want error
	}{{"with a TTL", 2, ErrHeartbeat}, {"without", 0, nil}} {
		t.Run(tc.name, func(t *testing.T) {
			a, peer := tcpPair(t)
			c := Start(a, Peer{Type: "PUSH"}, Config{})
			t.Cleanup(func() { c.Close(0) })
			pings(t, peer, false) // drains what the connection writes
			peer.Write(AppendCommand(nil, "PING", []byte{0, tc.ttl}))
			if err := endsWithin(c, time.Second); !errors.Is(err, tc.want) {
				t.Fatalf("ended with %v, want %v", err, tc.want)
			}
		})
	}
}

// Traffic counts as an answer: a peer that keeps sending data is kept, PONG or not.
func TestHeartbeatCountsData(t *testing.T) {
	a, peer := tcpPair(t)
	c := Start(a, Peer{Type: "PULL"}, Config{HeartbeatIvl: 20 * time.Millisecond,
		HeartbeatTimeout: 100 * time.Millisecond})
	t.Cleanup(func() { c.Close(0) })
	pings(t, peer, false)
	stop := time.After(time.Second)
	for {
		select {
		case <-stop:
			if err := c.Err(); err != nil {
				t.Fatalf("a sending peer was dropped: %v", err)
			}
			return
		case <-time.After(10 * time.Millisecond):
			peer.Write(AppendFrame(nil, []byte("data"), false))
			c.Recv()
		}
	}
}
