package sockets

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/socketrepl/socketrepl/sockets/zmq"
)

// ZeroMQ sockets in the registry. sockets/zmq does the patterns and the wire; this file gives
// them a place among the session's sockets, and the reads and writes the language has: whole
// messages, single frames (with more to follow, as libzmq's ZMQ_RCVMORE and ZMQ_SNDMORE), and
// a byte stream across messages for the stream functions (ReadString, ReadLine, Read).

// zmqEnd is what a ZeroMQ socket holds beyond its zmq.Socket.
type zmqEnd struct {
	z        *zmq.Socket
	endpoint string // ZMQ_LAST_ENDPOINT: tcp://host:port

	mu    sync.Mutex
	back  [][][]byte // whole messages put back after an interrupted read, newest last
	rest  [][]byte   // the frames still to come of a message read frame by frame
	bytes []byte     // bytes a stream read left over or put back
	// ahead holds messages taken from the socket in one go by a read that needed one
	// (TryReadMessage): a loop of reads then takes the socket's lock once per readAhead
	ahead     [][][]byte
	aheadNext int
	more      [][]byte // frames written with more to follow, sent with the next last frame
	dropped   int      // messages Close could not send within the linger time
	told      bool     // a handshake failure has been reported
}

// ErrAgain is a send that would have to wait, asked not to (libzmq's EAGAIN).
var ErrAgain = errors.New("the socket cannot take the message now")

// ConnectWait bounds how long ConnectZMQ waits for its first connection before it lets the
// socket go on connecting in the background.
const ConnectWait = 2 * time.Second

// OpenZMQ binds a ZeroMQ socket of type typ ("PUSH", …) to a local address (SocketOpen).
func (r *Registry) OpenZMQ(ctx context.Context, e Endpoint, typ string, opts zmq.Options) (*Socket, error) {
	z, err := zmq.New(typ, opts)
	if err != nil {
		return nil, &Error{Kind: Other, Addr: e.String(), Detail: err.Error()}
	}
	ln, bound, err := listenLocal(ctx, e)
	if err != nil {
		return nil, err
	}
	s := &Socket{ID: newUUID(), Protocol: "ZMQ", Role: Server, Local: bound, Remote: bound, Host: e.Host,
		zmq: &zmqEnd{z: z, endpoint: "tcp://" + bound.String()}}
	r.traceFromStart(s)
	if err := z.Listen(ln); err != nil {
		return nil, err
	}
	r.add(s, chosenPortOf(e, bound))
	return s, nil
}

// Unbound makes a ZeroMQ socket that is neither bound nor connected nor registered: one to
// try options on.
func Unbound(typ string, opts zmq.Options) (*Socket, error) {
	z, err := zmq.New(typ, opts)
	if err != nil {
		return nil, &Error{Kind: Other, Detail: err.Error()}
	}
	return &Socket{Protocol: "ZMQ", zmq: &zmqEnd{z: z}}, nil
}

// ConnectZMQ connects a ZeroMQ socket of type typ to an address (SocketConnect). The
// connection is made in the background and made again whenever it ends, as libzmq makes it;
// ConnectZMQ waits up to ConnectWait for the first attempt's outcome, so that a peer of the
// same session is connected when it returns.
func (r *Registry) ConnectZMQ(ctx context.Context, e Endpoint, typ string, opts zmq.Options) (*Socket, error) {
	if e.AnyPort {
		return nil, &Error{Kind: AddrSpec, Addr: e.String(), Detail: ReasonConnectPort}
	}
	ip, err := resolveRemote(ctx, e)
	if err != nil {
		return nil, err
	}
	z, err := zmq.New(typ, opts)
	if err != nil {
		return nil, &Error{Kind: Other, Addr: e.String(), Detail: err.Error()}
	}
	remote := netip.AddrPortFrom(ip, uint16(e.Port))
	s := &Socket{ID: newUUID(), Protocol: "ZMQ", Role: Client, Remote: remote, Host: e.Host,
		zmq: &zmqEnd{z: z, endpoint: "tcp://" + JoinHostPort(e.Host, strconv.Itoa(e.Port))}}
	r.traceFromStart(s) // before the first attempt, which the trace then shows
	if err := z.Connect(remote.String()); err != nil {
		return nil, err
	}
	r.add(s)
	r.awaitConnection(ctx, s)
	return s, nil
}

// resolveRemote finds the address to connect to: an IP as written, else the name's first
// IPv4 address (as libzmq, which uses IPv6 only when asked), else its first address.
func resolveRemote(ctx context.Context, e Endpoint) (netip.Addr, error) {
	if a, err := netip.ParseAddr(e.Host); err == nil {
		return a.Unmap(), nil
	}
	for _, network := range []string{"ip4", "ip"} {
		found, err := net.DefaultResolver.LookupNetIP(ctx, network, e.Host)
		if err == nil && len(found) > 0 {
			return found[0].Unmap(), nil
		}
		if ctx.Err() != nil || network == "ip" {
			return netip.Addr{}, lookupError(ctx, e.String(), err)
		}
	}
	panic("unreachable")
}

// awaitConnection waits until the first attempt to connect s has an outcome (connected,
// refused, handshake failed) and, when the peer is a socket of this registry, until that
// socket lists s among its peers: a session's transcript is then the same on every run.
func (r *Registry) awaitConnection(ctx context.Context, s *Socket) {
	deadline := time.Now().Add(ConnectWait)
	server := r.zmqServerFor(s.Remote)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if local, done := s.zmq.firstOutcome(); done {
			if local == "" || server == nil || server.Closed() || server.zmq.hasPeer(local) {
				if a, err := netip.ParseAddrPort(local); err == nil {
					// the connection's own port, chosen by the system: masked in transcripts
					r.mu.Lock()
					r.chosenLocked(s, a.Port())
					r.mu.Unlock()
				}
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
}

// firstOutcome reports whether the first attempt to connect has ended, and the local address
// of the connection it made ("" if none).
func (ze *zmqEnd) firstOutcome() (local string, done bool) {
	if peers := ze.z.Connected(); len(peers) > 0 {
		return peers[0].Local, true
	}
	for _, ev := range ze.z.Events() {
		switch ev.What {
		case "connect failed", "handshake failed", "refused":
			return "", true
		}
	}
	return "", false
}

func (ze *zmqEnd) hasPeer(addr string) bool {
	for _, p := range ze.z.Connected() {
		if p.Addr == addr {
			return true
		}
	}
	return false
}

// ZMQ is the ZeroMQ socket of s, nil for a TCP socket.
func (s *Socket) ZMQ() *zmq.Socket {
	if s.zmq == nil {
		return nil
	}
	return s.zmq.z
}

// LastEndpoint is the address a ZeroMQ socket was bound or connected to, as
// tcp://host:port (libzmq's ZMQ_LAST_ENDPOINT).
func (s *Socket) LastEndpoint() string {
	if s.zmq == nil {
		return ""
	}
	return s.zmq.endpoint
}

// Dropped is how many queued messages a ZeroMQ socket's Close could not send in its linger
// time.
func (s *Socket) Dropped() int {
	if s.zmq == nil {
		return 0
	}
	s.zmq.mu.Lock()
	defer s.zmq.mu.Unlock()
	return s.zmq.dropped
}

// HandshakeFailure gives the reason a peer refused the handshake, the first time it is asked
// after a refusal ("" otherwise): a socket reports it once.
func (s *Socket) HandshakeFailure() string {
	if s.zmq == nil || !s.zmq.z.HandshakeFailed() {
		return ""
	}
	ze := s.zmq
	ze.mu.Lock()
	defer ze.mu.Unlock()
	if ze.told {
		return ""
	}
	for _, ev := range ze.z.Events() {
		if ev.What == "handshake failed" {
			ze.told = true
			return ev.Endpoint + ": " + ev.Detail
		}
	}
	return ""
}

// close closes the ZeroMQ socket, letting what is queued go out within its linger time. A
// bound socket of the same registry that it was connected to has forgotten it when close
// returns (waiting up to ConnectWait), so that what that socket sends next goes to the peers
// it has left, on every run.
func (ze *zmqEnd) close(r *Registry) {
	peers := ze.z.Connected()
	n := ze.z.Close(ze.z.Options().Linger)
	deadline := time.Now().Add(ConnectWait)
	for _, p := range peers {
		addr, err := netip.ParseAddrPort(p.Addr)
		if err != nil || r == nil {
			continue
		}
		server := r.zmqServerFor(netip.AddrPortFrom(addr.Addr().Unmap(), addr.Port()))
		for server != nil && !server.Closed() && server.zmq.hasPeer(p.Local) && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
	}
	ze.mu.Lock()
	if len(ze.more) > 0 {
		n++ // a message begun and never finished
	}
	ze.dropped = n
	ze.mu.Unlock()
}

func (s *Socket) zmqOrErr() (*zmqEnd, error) {
	if s.zmq == nil {
		return nil, errNotZMQ
	}
	if s.Closed() {
		return nil, &Error{Kind: Closed, Addr: s.Remote.String()}
	}
	return s.zmq, nil
}

var errNotZMQ = errors.New("not a ZeroMQ socket")

// closedErr turns the zmq package's ErrClosed into the registry's Closed error.
func (s *Socket) closedErr(err error) error {
	if errors.Is(err, zmq.ErrClosed) {
		return &Error{Kind: Closed, Addr: s.Remote.String()}
	}
	return err
}

// ---------------------------------------------------------------- reading

// takeLocal gives what an earlier read left: bytes of a stream read, the rest of a message
// read frame by frame, a message put back, or one taken ahead; ze.mu is held.
func (ze *zmqEnd) takeLocal() ([][]byte, bool) {
	switch {
	case len(ze.bytes) > 0:
		b := ze.bytes
		ze.bytes = nil
		return [][]byte{b}, true
	case len(ze.rest) > 0:
		msg := ze.rest
		ze.rest = nil
		return msg, true
	case len(ze.back) > 0:
		msg := ze.back[len(ze.back)-1]
		ze.back = ze.back[:len(ze.back)-1]
		return msg, true
	case ze.aheadNext < len(ze.ahead):
		msg := ze.ahead[ze.aheadNext]
		ze.ahead[ze.aheadNext] = nil
		if ze.aheadNext++; ze.aheadNext == len(ze.ahead) {
			ze.ahead, ze.aheadNext = ze.ahead[:0], 0
		}
		return msg, true
	}
	return nil, false
}

func (ze *zmqEnd) hasLocal() bool {
	ze.mu.Lock()
	defer ze.mu.Unlock()
	return ze.hasLocalLocked()
}

func (ze *zmqEnd) hasLocalLocked() bool {
	return len(ze.bytes) > 0 || len(ze.rest) > 0 || len(ze.back) > 0 || ze.aheadNext < len(ze.ahead)
}

// readAhead is how many messages a read takes from the socket at once.
const readAhead = 32

// TryReadMessage takes the next whole message if one is there. It takes up to readAhead from
// the socket at once and gives the others to the next reads.
func (s *Socket) TryReadMessage() ([][]byte, bool, error) {
	var one [1][][]byte
	msgs, err := s.takeMessages(one[:0], 1, readAhead)
	if len(msgs) == 0 {
		return nil, false, err
	}
	return msgs[0], true, nil
}

// TryReadMessages appends to dst the whole messages that are there, up to max: what calling
// TryReadMessage until it finds none would give, with one lock for many.
func (s *Socket) TryReadMessages(dst [][][]byte, max int) ([][][]byte, error) {
	return s.takeMessages(dst, max, max)
}

// takeMessages appends up to max messages to dst: those left locally first, in their order,
// else up to fetch from the socket, keeping those beyond max for the next reads. ze.mu is held
// throughout: a read on another goroutine cannot put its messages ahead of these.
func (s *Socket) takeMessages(dst [][][]byte, max, fetch int) ([][][]byte, error) {
	ze, err := s.zmqOrErr()
	if err != nil {
		return dst, err
	}
	ze.mu.Lock()
	defer ze.mu.Unlock()
	if !ze.hasLocalLocked() {
		ze.ahead, err = ze.z.TryRecvMany(ze.ahead[:0], fetch)
		err = s.closedErr(err)
	}
	for n := 0; n < max; n++ {
		msg, ok := ze.takeLocal()
		if !ok {
			break
		}
		dst = append(dst, msg)
	}
	return dst, err
}

// ReadMessage waits for the next whole message (the rest of one read frame by frame comes
// first) until ctx is done.
func (s *Socket) ReadMessage(ctx context.Context) ([][]byte, error) {
	for {
		msg, ok, err := s.TryReadMessage()
		if ok || err != nil {
			return msg, err
		}
		if _, err := s.zmq.z.Wait(ctx, -1); err != nil {
			return nil, s.closedErr(err)
		}
	}
}

// UnreadMessage puts a message back in front: a read that was interrupted after it took it.
func (s *Socket) UnreadMessage(msg [][]byte) {
	if s.zmq == nil {
		return
	}
	s.zmq.mu.Lock()
	defer s.zmq.mu.Unlock()
	s.zmq.back = append(s.zmq.back, msg)
}

// ReadFrame waits for the next frame, and reports whether more frames of its message follow
// (libzmq's ZMQ_RCVMORE).
func (s *Socket) ReadFrame(ctx context.Context) (frame []byte, more bool, err error) {
	ze, err := s.zmqOrErr()
	if err != nil {
		return nil, false, err
	}
	ze.mu.Lock()
	if len(ze.rest) > 0 {
		frame, ze.rest = ze.rest[0], ze.rest[1:]
		more = len(ze.rest) > 0
		ze.mu.Unlock()
		return frame, more, nil
	}
	ze.mu.Unlock()
	msg, err := s.ReadMessage(ctx)
	if err != nil {
		return nil, false, err
	}
	ze.mu.Lock()
	defer ze.mu.Unlock()
	ze.rest = msg[1:]
	return msg[0], len(msg) > 1, nil
}

// UnreadFrame puts a frame ReadFrame gave back in front of the rest of its message.
func (s *Socket) UnreadFrame(frame []byte) {
	if s.zmq == nil {
		return
	}
	s.zmq.mu.Lock()
	defer s.zmq.mu.Unlock()
	s.zmq.rest = append([][]byte{frame}, s.zmq.rest...)
}

// MoreFrames reports whether the message last read frame by frame has more frames to come
// (ZMQ_RCVMORE).
func (s *Socket) MoreFrames() bool {
	if s.zmq == nil {
		return false
	}
	s.zmq.mu.Lock()
	defer s.zmq.mu.Unlock()
	return len(s.zmq.rest) > 0
}

// JoinFrames is a message's frames as one piece of bytes.
func JoinFrames(msg [][]byte) []byte {
	if len(msg) == 1 {
		return msg[0]
	}
	n := 0
	for _, f := range msg {
		n += len(f)
	}
	out := make([]byte, 0, n)
	for _, f := range msg {
		out = append(out, f...)
	}
	return out
}

// zmqRead is Read and TryRead on a ZeroMQ socket: the messages' bytes as one stream, up to
// max at a time (max <= 0: a whole message).
func (s *Socket) zmqRead(ctx context.Context, max int, wait bool) ([]byte, error) {
	var msg [][]byte
	var err error
	if wait {
		msg, err = s.ReadMessage(ctx)
	} else {
		var ok bool
		msg, ok, err = s.TryReadMessage()
		if !ok {
			return nil, err
		}
	}
	if err != nil {
		return nil, err
	}
	data := JoinFrames(msg)
	if max > 0 && len(data) > max {
		s.Unread(data[max:])
		data = data[:max]
	}
	return data, nil
}

// zmqWait waits until a message is there, up to timeout (< 0: no limit); it reports whether
// one is.
func (s *Socket) zmqWait(ctx context.Context, timeout time.Duration) (bool, error) {
	ze, err := s.zmqOrErr()
	if err != nil {
		return false, err
	}
	var deadline time.Time
	if timeout >= 0 {
		deadline = time.Now().Add(timeout)
	}
	// HasMessage, not Ready: a REQ's wait for its reply reads the connection itself (WaitHere)
	for !s.Closed() && !ze.hasLocal() && !ze.z.HasMessage() {
		left := time.Duration(-1)
		if timeout >= 0 {
			if left = time.Until(deadline); left <= 0 {
				return false, nil
			}
		}
		if _, err := ze.z.WaitHere(ctx, left); err != nil {
			return false, s.closedErr(err)
		}
	}
	return !s.Closed(), nil
}

// ---------------------------------------------------------------- writing

// WriteMessage sends frames as one message (after any frames written with more to follow),
// waiting while the socket cannot take it, unless async: then ErrAgain.
func (s *Socket) WriteMessage(ctx context.Context, frames [][]byte, async bool) error {
	ze, err := s.zmqOrErr()
	if err != nil {
		return err
	}
	ze.mu.Lock()
	begun := ze.more
	ze.more = nil
	ze.mu.Unlock()
	msg := frames
	if len(begun) > 0 {
		msg = append(begun, frames...)
	}
	if async {
		var ok bool
		if ok, err = ze.z.TrySend(msg); err == nil && !ok {
			err = ErrAgain
		}
	} else {
		err = ze.z.Send(ctx, msg)
	}
	if err != nil && len(begun) > 0 {
		ze.mu.Lock()
		ze.more = append(begun, ze.more...) // not sent: the message stays begun
		ze.mu.Unlock()
	}
	return s.closedErr(err)
}

// WriteFrame adds a frame to the message being written, to be sent with the next last frame
// (libzmq's ZMQ_SNDMORE).
func (s *Socket) WriteFrame(frame []byte) error {
	ze, err := s.zmqOrErr()
	if err != nil {
		return err
	}
	ze.mu.Lock()
	defer ze.mu.Unlock()
	ze.more = append(ze.more, frame)
	return nil
}

// ---------------------------------------------------------------- subscriptions

// Subscribe subscribes a Subscribe or XSubscribe socket to prefix (ZMQ_SUBSCRIBE), or ends one
// subscription to it (ZMQ_UNSUBSCRIBE). A subscription travels to the publishers as a message,
// so libzmq's publishers take it up a moment later; a publisher of this session has taken it
// up when Subscribe returns (it waits up to ConnectWait), so that what a session publishes
// next reaches its own subscribers, on every run.
func (s *Socket) Subscribe(ctx context.Context, prefix []byte, subscribe bool) {
	ze, err := s.zmqOrErr()
	if err != nil {
		return
	}
	if subscribe {
		ze.z.Subscribe(prefix)
	} else {
		ze.z.Unsubscribe(prefix)
	}
	if s.reg == nil {
		return // a socket only to try options on
	}
	want := subscribe || hasPrefix(ze.z.Subscriptions(), prefix)
	deadline := time.Now().Add(ConnectWait)
	for _, peer := range ze.z.Connected() {
		addr, err := netip.ParseAddrPort(peer.Addr)
		if err != nil {
			continue
		}
		pub := s.reg.zmqServerFor(netip.AddrPortFrom(addr.Addr().Unmap(), addr.Port()))
		if pub == nil {
			continue
		}
		for time.Now().Before(deadline) && ctx.Err() == nil {
			if has, ok := pub.zmq.z.PeerSubscribes(peer.Local, prefix); !ok || has == want {
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
}

func hasPrefix(prefixes [][]byte, p []byte) bool {
	for _, q := range prefixes {
		if string(q) == string(p) {
			return true
		}
	}
	return false
}
