package zmq

import "github.com/socketrepl/socketrepl/sockets/zmtp"

// pattern is how a socket type places messages and picks the next to read (libzmq's
// xsend/xrecv). Its methods run with the socket's lock held.
type pattern interface {
	send(s *Socket, msg [][]byte) (bool, error)
	recv(s *Socket) ([][]byte, bool, error)
	unrecv(s *Socket, msg [][]byte)
	attached(s *Socket, p *pipe) // a connection of p has finished its handshake
	detached(s *Socket, p *pipe) // that connection has ended
}

// interceptor is a pattern that takes some messages on the reader goroutine (subscriptions).
type interceptor interface {
	intercept(s *Socket, p *pipe, msg [][]byte) bool
}

// hereReader is a pattern that sends a message and then waits for one (REQ, REP): its
// connections are zmtp's Lockstep ones, and here gives the connection a receive waits on
// alone, which the caller may read itself (nil when there is none, or more than one).
type hereReader interface {
	here(s *Socket) *zmtp.Conn
}

// refuser is a pattern that may turn a new peer away (PAIR takes one only); d is the dialer
// the connection comes from, nil for an accepted one.
type refuser interface {
	accept(s *Socket, d *dialer, peer zmtp.Peer) bool
	why() string
}

var patterns = map[string]func() pattern{
	"PUSH":   func() pattern { return &push{} },
	"PULL":   func() pattern { return &pull{} },
	"PAIR":   func() pattern { return &pair{} },
	"PUB":    func() pattern { return newPub(false) },
	"XPUB":   func() pattern { return newPub(true) },
	"SUB":    func() pattern { return newSub(false) },
	"XSUB":   func() pattern { return newSub(true) },
	"DEALER": func() pattern { return &dealer{} },
	"ROUTER": func() pattern { return newRouter() },
	"REQ":    func() pattern { return &req{} },
	"REP":    func() pattern { return &rep{} },
	"STREAM": func() pattern { return newStream() },
}

// base is what most patterns share: no own state per pipe, and a message put back after an
// interrupted read is the next one read.
type base struct {
	back [][][]byte // messages put back, read first
}

func (b *base) attached(*Socket, *pipe) {}
func (b *base) detached(*Socket, *pipe) {}
func (b *base) unrecv(_ *Socket, msg [][]byte) {
	b.back = append(b.back, msg)
}

// takeBack gives the message put back last, if any.
func (b *base) takeBack() ([][]byte, bool) {
	if n := len(b.back); n > 0 {
		msg := b.back[n-1]
		b.back = b.back[:n-1]
		return msg, true
	}
	return nil, false
}

func (b *base) fairRecv(s *Socket) ([][]byte, bool, error) {
	if msg, ok := b.takeBack(); ok {
		return msg, true, nil
	}
	msg, _, ok := s.fairRecv()
	return msg, ok, nil
}

// PUSH load-balances over its peers and cannot receive (30/PIPELINE).
type push struct{ base }

func (*push) send(s *Socket, msg [][]byte) (bool, error) {
	_, ok := s.balanceSend(msg)
	return ok, nil
}
func (*push) recv(*Socket) ([][]byte, bool, error) { return nil, false, ErrCannotRecv }

// PULL fair-queues from its peers and cannot send.
type pull struct{ base }

func (*pull) send(*Socket, [][]byte) (bool, error)     { return false, ErrCannotSend }
func (p *pull) recv(s *Socket) ([][]byte, bool, error) { return p.fairRecv(s) }

// PAIR talks to one peer only (31/EXPAIR): a second is turned away, as libzmq does.
type pair struct{ base }

func (*pair) accept(s *Socket, d *dialer, _ zmtp.Peer) bool {
	for _, p := range s.pipes {
		if (p.conn != nil || p.unread()) && (d == nil || p != d.pipe) {
			return false
		}
	}
	return true
}

func (*pair) why() string { return "a Pair socket has a peer already" }

func (*pair) send(s *Socket, msg [][]byte) (bool, error) {
	if len(s.pipes) == 0 {
		return false, nil
	}
	return s.pipes[0].send(msg), nil
}
func (p *pair) recv(s *Socket) ([][]byte, bool, error) { return p.fairRecv(s) }
