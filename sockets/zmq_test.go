package sockets

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/sockets/zmq"
)

// ZeroMQ sockets in the registry: what the language builds on. The patterns themselves are
// tested against libzmq in sockets/zmq.

func zmqPair(t *testing.T, r *Registry, bound, connecting string) (*Socket, *Socket) {
	t.Helper()
	ctx := context.Background()
	srv, err := r.OpenZMQ(ctx, Endpoint{Host: "127.0.0.1", AnyPort: true}, bound, zmq.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	cli, err := r.ConnectZMQ(ctx, Endpoint{Host: "127.0.0.1", Port: int(srv.Local.Port())}, connecting, zmq.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	return srv, cli
}

func TestZMQConnectedWhenConnectReturns(t *testing.T) {
	r := newRegistry(t)
	push, pull := zmqPair(t, r, "PUSH", "PULL")
	if got := push.ZMQ().Peers(); len(got) != 1 {
		t.Fatalf("the bound socket lists %v when ConnectZMQ has returned, want its one peer", got)
	}
	if !strings.HasPrefix(pull.LastEndpoint(), "tcp://127.0.0.1:") || push.LastEndpoint() != pull.LastEndpoint() {
		t.Errorf("endpoints %q and %q", push.LastEndpoint(), pull.LastEndpoint())
	}
	if _, ok := r.Ports()[int(push.Local.Port())]; !ok {
		t.Error("the port the system chose is not among Ports()")
	}
}

// Frames read one at a time report whether more follow; a whole-message read after a partial
// one gives the rest of that message; bytes a stream read leaves come first.
func TestZMQFramesAndStream(t *testing.T) {
	r := newRegistry(t)
	push, pull := zmqPair(t, r, "PUSH", "PULL")
	ctx := context.Background()
	if err := push.WriteFrame([]byte("a")); err != nil {
		t.Fatal(err)
	}
	for _, m := range [][][]byte{{[]byte("b"), []byte("c")}, {[]byte("line one\nline")}} {
		if err := push.WriteMessage(ctx, m, false); err != nil {
			t.Fatal(err)
		}
	}
	f, more, err := pull.ReadFrame(ctx)
	if err != nil || string(f) != "a" || !more || !pull.MoreFrames() {
		t.Fatalf("first frame %q more %v (%v) err %v", f, more, pull.MoreFrames(), err)
	}
	rest, err := pull.ReadMessage(ctx)
	if err != nil || len(rest) != 2 || string(rest[0]) != "b" || pull.MoreFrames() {
		t.Fatalf("the rest %q err %v", rest, err)
	}
	data, err := pull.Read(ctx, 5)
	if err != nil || string(data) != "line " {
		t.Fatalf("stream read %q %v", data, err)
	}
	pull.Unread([]byte("LINE "))
	whole, err := pull.ReadMessage(ctx)
	if err != nil || string(JoinFrames(whole)) != "LINE one\nline" {
		t.Fatalf("after a stream read and a put-back the next message is %q %v", whole, err)
	}
	if pull.Ready() {
		t.Error("Ready with nothing left")
	}
}

// A peer that refuses the handshake is reported once; messages queued for a peer that never
// came are counted as dropped when the socket closes.
func TestZMQHandshakeFailureAndDropped(t *testing.T) {
	r := newRegistry(t)
	_, push := zmqPair(t, r, "PUB", "PUSH")
	why := push.HandshakeFailure()
	if !strings.Contains(why, "cannot talk to a PUSH socket") {
		t.Fatalf("HandshakeFailure() = %q", why)
	}
	if again := push.HandshakeFailure(); again != "" {
		t.Errorf("the refusal was reported twice: %q", again)
	}
	if err := push.WriteMessage(context.Background(), [][]byte{[]byte("x")}, true); err != nil {
		t.Fatal(err)
	}
	push.ZMQ().SetOptions(func(o *zmq.Options) { o.Linger = 0 })
	if err := push.Close(); err != nil {
		t.Fatal(err)
	}
	if push.Dropped() != 1 {
		t.Errorf("Dropped() = %d, want the 1 message queued for a peer that never came", push.Dropped())
	}
}

// A subscription has reached a publisher of the same registry when Subscribe returns, and a
// socket closed has left its bound peer when Close returns.
func TestZMQSubscribeAndCloseWaitForSessionPeers(t *testing.T) {
	r := newRegistry(t)
	pub, sub := zmqPair(t, r, "PUB", "SUB")
	ctx := context.Background()
	sub.Subscribe(ctx, []byte("t"), true)
	if err := pub.WriteMessage(ctx, [][]byte{[]byte("topic")}, true); err != nil {
		t.Fatal(err)
	}
	c, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if msg, err := sub.ReadMessage(c); err != nil || string(msg[0]) != "topic" {
		t.Fatalf("the first message published after Subscribe: %q %v", msg, err)
	}
	sub.Close()
	if peers := pub.ZMQ().Peers(); len(peers) != 0 {
		t.Errorf("the publisher still lists %v after its subscriber closed", peers)
	}
}

// Reads take messages ahead of need: whatever mix of single reads, many-at-once reads and
// put-backs follows, they come in order, each once, and the ones taken ahead count as queued
// and make the socket Ready.
func TestZMQReadAheadKeepsOrder(t *testing.T) {
	r := newRegistry(t)
	push, pull := zmqPair(t, r, "PUSH", "PULL")
	ctx := context.Background()
	const n = 200
	for i := range n {
		if err := push.WriteMessage(ctx, [][]byte{[]byte(strconv.Itoa(i))}, false); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for in, _, _ := pull.Queued(); in < n; in, _, _ = pull.Queued() {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d queued after 10 s", in, n)
		}
		time.Sleep(time.Millisecond)
	}
	var got []string
	for step := 0; len(got) < n; step++ {
		switch step % 3 {
		case 0:
			msg, ok, err := pull.TryReadMessage()
			if !ok || err != nil {
				t.Fatalf("step %d: %v %v", step, ok, err)
			}
			got = append(got, string(msg[0]))
			if in, _, _ := pull.Queued(); in != n-len(got) || !pull.Ready() && len(got) < n {
				t.Fatalf("after %d read: %d queued, ready %v", len(got), in, pull.Ready())
			}
		case 1: // one read, put back, read again
			msg, _, _ := pull.TryReadMessage()
			pull.UnreadMessage(msg)
		case 2:
			msgs, err := pull.TryReadMessages(nil, 5)
			if err != nil || len(msgs) == 0 || len(msgs) > 5 {
				t.Fatalf("step %d: %d messages, %v", step, len(msgs), err)
			}
			for _, m := range msgs {
				got = append(got, string(m[0]))
			}
		}
	}
	for i, s := range got {
		if s != strconv.Itoa(i) {
			t.Fatalf("message %d is %q: %q", i, s, got)
		}
	}
	if pull.Ready() {
		t.Error("Ready with nothing left")
	}
}
