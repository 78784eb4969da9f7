package zmq

import (
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/sockets/zmtp"
)

// Heartbeats (ZMQ_HEARTBEAT_IVL, _TIMEOUT, _TTL) at the socket level: a peer that completed
// its handshake and then went silent is dropped; libzmq peers, which answer PINGs in their
// I/O thread, are kept, whichever side sends the heartbeats.

func heartbeating(t *testing.T, typ string) *Socket {
	t.Helper()
	o := Defaults()
	o.HeartbeatIvl, o.HeartbeatTimeout = 30*time.Millisecond, 150*time.Millisecond
	s, err := New(typ, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(0) })
	return s
}

// A raw peer that does the handshake and then says nothing, not even a PONG, is dropped with
// the reason, and the socket closes its connection.
func TestHeartbeatDropsASilentPeer(t *testing.T) {
	pull := heartbeating(t, "PULL")
	port := bind(t, pull)
	conn, err := net.Dial("tcp", fmt.Sprint("127.0.0.1:", port))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := zmtp.Handshake(conn, "PUSH", nil, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, pull, "disconnected", "", zmtp.ErrHeartbeat.Error())
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.Copy(io.Discard, conn); err != nil { // PINGs, then the end
		t.Fatalf("the silent peer's connection was not closed: %v", err)
	}
	if n := len(pull.Peers()); n != 0 {
		t.Fatalf("%d peers after the drop", n)
	}
}

// Ours sends heartbeats to libzmq, and libzmq (with heartbeats and a TTL of its own) to ours:
// after many intervals, both connections are the ones first made, and messages pass.
func TestInteropHeartbeatsKeepLibzmqPeers(t *testing.T) {
	push := heartbeating(t, "PUSH")
	p := libzmq(t, push, false, `
s = ctx.socket(zmq.PULL)
attach(s)
print(s.recv().decode(), flush=True)
time.sleep(30) # stays connected while the test looks at our side's events
`)
	pull := heartbeating(t, "PULL")
	port := bind(t, pull)
	python(t, port, `
s = ctx.socket(zmq.PUSH)
s.heartbeat_ivl, s.heartbeat_timeout, s.heartbeat_ttl = 30, 150, 300
s.connect('tcp://127.0.0.1:%d' % PORT)
time.sleep(1)
s.send(b'from libzmq')
time.sleep(30)
`)
	waitPeers(t, pull, 1)
	waitPeers(t, push, 1)
	time.Sleep(time.Second) // some 30 intervals, 3 TTLs
	send(t, push, "from ours")
	wantLine(t, p, "from ours")
	wantRecv(t, pull, "from libzmq")
	for _, s := range []*Socket{push, pull} {
		for _, e := range s.Events() {
			if e.What == "disconnected" {
				t.Errorf("our %s dropped a libzmq peer: %v", s.Type, e)
			}
		}
	}
}
