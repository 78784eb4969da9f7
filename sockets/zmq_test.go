package sockets

import (
	"context"
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
