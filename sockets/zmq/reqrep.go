package zmq

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"

	"github.com/socketrepl/socketrepl/sockets/zmtp"
)

// 28/REQREP as libzmq does it: DEALER load-balances and fair-queues with no envelope; ROUTER
// prefixes what it reads with the sending peer's routing id and routes what it sends by the
// first frame; REQ adds an empty delimiter, sends to one peer and reads only that peer's reply;
// REP strips the envelope (the frames up to the delimiter) and puts it back on the reply.

// ErrState is a REQ or REP used out of turn (libzmq's EFSM).
var (
	ErrReqState = errors.New("a Request socket must read the reply to its request before sending again")
	ErrRepState = errors.New("a Reply socket must read a request before it can send a reply")
	ErrReqRecv  = errors.New("a Request socket has no request awaiting a reply: send one first")
	// ErrNoRoute is a ROUTER send to a routing id no peer has, with ZMQ_ROUTER_MANDATORY set.
	ErrNoRoute = errors.New("no peer has that routing id")
)

// DEALER
type dealer struct{ base }

func (*dealer) send(s *Socket, msg [][]byte) (bool, error) {
	_, ok := s.balanceSend(msg)
	return ok, nil
}
func (d *dealer) recv(s *Socket) ([][]byte, bool, error) { return d.fairRecv(s) }

// ROUTER
type router struct {
	base
	byID map[string]*pipe
	ids  idMaker
}

func newRouter() *router { return &router{byID: map[string]*pipe{}, ids: newIDMaker()} }

// idMaker generates routing ids as libzmq does: a zero byte and a 32-bit counter that starts
// at random.
type idMaker struct{ next uint32 }

func newIDMaker() idMaker { return idMaker{next: rand.Uint32()} }

func (m *idMaker) make() []byte {
	m.next++
	return binary.BigEndian.AppendUint32([]byte{0}, m.next-1)
}

// accept turns away a peer that announces a routing id another peer has (libzmq's ROUTER
// ignores it, without ZMQ_ROUTER_HANDOVER).
func (r *router) accept(_ *Socket, _ *dialer, peer zmtp.Peer) bool {
	return len(peer.Identity) == 0 || r.byID[string(peer.Identity)] == nil
}

func (*router) why() string { return "another peer has the routing id it announced" }

// attached gives the peer its routing id: the one it announced, or a generated one (a zero
// byte and four more, as libzmq makes them) when it announced none.
func (r *router) attached(_ *Socket, p *pipe) {
	id := p.peer.Identity
	if len(id) == 0 {
		id = r.ids.make()
	}
	p.state = id
	r.byID[string(id)] = p
}

func (r *router) detached(_ *Socket, p *pipe) {
	if id, ok := p.state.([]byte); ok && r.byID[string(id)] == p {
		delete(r.byID, string(id))
	}
}

func (r *router) send(s *Socket, msg [][]byte) (bool, error) {
	if len(msg) == 0 {
		return true, nil
	}
	p := r.byID[string(msg[0])]
	if p == nil || p.conn == nil {
		if s.opts.RouterMandatory {
			return false, ErrNoRoute
		}
		return true, nil // an unknown peer: dropped, as libzmq drops it
	}
	if !p.send(msg[1:]) && s.opts.RouterMandatory {
		return false, nil // at its high-water mark: wait (libzmq's EAGAIN)
	}
	return true, nil
}

func (r *router) recv(s *Socket) ([][]byte, bool, error) {
	if msg, ok := r.takeBack(); ok {
		return msg, true, nil
	}
	msg, p, ok := s.fairRecv()
	if !ok {
		return nil, false, nil
	}
	id, _ := p.state.([]byte)
	return append([][]byte{id}, msg...), true, nil
}

// REQ
type req struct {
	base
	waiting *pipe // the peer the request went to; nil when no request awaits a reply
	sent    bool
}

// Awaiting reports whether a REQ socket has sent a request whose reply it has not read.
func (s *Socket) Awaiting() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.pat.(*req)
	return ok && r.sent
}

func (r *req) send(s *Socket, msg [][]byte) (bool, error) {
	if r.sent {
		return false, ErrReqState
	}
	p, ok := s.balanceSend(append([][]byte{{}}, msg...))
	if ok {
		r.waiting, r.sent = p, true
	}
	return ok, nil
}

func (r *req) recv(s *Socket) ([][]byte, bool, error) {
	if msg, ok := r.takeBack(); ok {
		return msg, true, nil
	}
	if !r.sent {
		return nil, false, ErrReqRecv
	}
	for {
		msg, ok := r.waiting.recv()
		if !ok {
			return nil, false, nil
		}
		if len(msg) < 2 || len(msg[0]) != 0 {
			continue // not a reply (no delimiter, or no body after it): dropped, as libzmq drops it
		}
		r.waiting, r.sent = nil, false
		return msg[1:], true, nil
	}
}

// here: a REQ waits on the peer its request went to, whatever other peers it has.
func (r *req) here(*Socket) *zmtp.Conn {
	if p := r.waiting; r.sent && len(r.back) == 0 && p != nil && p.conn != nil && !p.unread() {
		return p.conn
	}
	return nil
}

// detached: a REQ whose peer went away before replying keeps waiting, as libzmq's does (the
// reply may come on the reconnected pipe of a connecting socket).
func (r *req) detached(*Socket, *pipe) {}

// REP
type rep struct {
	base
	envelope [][]byte
	from     *pipe
	replying bool
	putBack  []request // requests put back after an interrupted read, whole
}

// request is a REP's request as it arrived, envelope and all, and the peer it came from.
type request struct {
	msg  [][]byte
	from *pipe
}

func (r *rep) recv(s *Socket) ([][]byte, bool, error) {
	for {
		var req request
		if n := len(r.putBack); n > 0 {
			req, r.putBack = r.putBack[n-1], r.putBack[:n-1]
		} else {
			msg, p, ok := s.fairRecv()
			if !ok {
				return nil, false, nil
			}
			req = request{msg, p}
		}
		for i, f := range req.msg[:len(req.msg)-1] {
			if len(f) == 0 {
				r.envelope, r.from, r.replying = req.msg[:i+1], req.from, true
				return req.msg[i+1:], true, nil
			}
		}
		// no delimiter followed by a body: not a request, dropped (libzmq's rep_t)
	}
}

// here: a REP with one peer waits on it (with more, a wait on one would keep the others'
// requests waiting).
func (r *rep) here(s *Socket) *zmtp.Conn {
	if len(s.pipes) != 1 || len(r.putBack) > 0 || len(r.back) > 0 {
		return nil
	}
	if p := s.pipes[0]; p.conn != nil && !p.unread() {
		return p.conn
	}
	return nil
}

// unrecv puts the request back, envelope and all: until it is read again, there is nothing
// to reply to.
func (r *rep) unrecv(_ *Socket, body [][]byte) {
	whole := append(append([][]byte(nil), r.envelope...), body...)
	r.putBack = append(r.putBack, request{whole, r.from})
	r.envelope, r.from, r.replying = nil, nil, false
}

func (r *rep) send(s *Socket, msg [][]byte) (bool, error) {
	if !r.replying {
		return false, ErrRepState
	}
	reply := append(append([][]byte(nil), r.envelope...), msg...)
	if r.from.conn != nil {
		r.from.send(reply) // a peer gone or at its high-water mark misses its reply
	}
	r.envelope, r.from, r.replying = nil, nil, false
	return true, nil
}
