package zmq

import (
	"bytes"
)

// 29/PUBSUB as libzmq does it with ZMTP 3.0 peers: a subscription travels as a message whose
// first byte is 1 (subscribe) or 0 (unsubscribe) followed by the prefix. PUB and XPUB filter
// on their side (each peer gets the messages its subscriptions match) and never wait: a peer
// at its high-water mark misses the message, the others get it. SUB and XSUB filter what
// arrives too.

// topics counts subscriptions by prefix (subscribing twice needs two unsubscribes, as in
// libzmq's trie).
type topics map[string]int

func (t topics) add(prefix []byte) (first bool) {
	t[string(prefix)]++
	return t[string(prefix)] == 1
}

func (t topics) remove(prefix []byte) (last bool) {
	n, ok := t[string(prefix)]
	if !ok {
		return false
	}
	if n == 1 {
		delete(t, string(prefix))
		return true
	}
	t[string(prefix)] = n - 1
	return false
}

func (t topics) match(msg [][]byte) bool {
	var first []byte
	if len(msg) > 0 {
		first = msg[0]
	}
	for prefix := range t {
		if bytes.HasPrefix(first, []byte(prefix)) {
			return true
		}
	}
	return false
}

// subscription reads a subscription message: subscribe or not, and the prefix.
func subscription(msg [][]byte) (subscribe bool, prefix []byte, ok bool) {
	if len(msg) != 1 || len(msg[0]) == 0 || msg[0][0] > 1 {
		return false, nil, false
	}
	return msg[0][0] == 1, msg[0][1:], true
}

// ---------------------------------------------------------------- PUB, XPUB

// pubPattern distributes each message to the peers whose subscriptions match it.
type pubPattern struct {
	base
	x   bool // XPUB: subscriptions go up to the reader
	all topics
	up  [][][]byte // subscription messages for the reader (XPUB)
}

func newPub(x bool) *pubPattern { return &pubPattern{x: x, all: topics{}} }

func (p *pubPattern) attached(_ *Socket, pp *pipe) {
	if pp.state == nil {
		pp.state = topics{}
	}
}

// detached drops a departed peer's subscriptions; XPUB hears of the prefixes nobody wants any
// more.
func (p *pubPattern) detached(_ *Socket, pp *pipe) {
	mine, _ := pp.state.(topics)
	for prefix, n := range mine {
		for ; n > 0; n-- {
			if p.all.remove([]byte(prefix)) && p.x {
				p.up = append(p.up, [][]byte{append([]byte{0}, prefix...)})
			}
		}
	}
	pp.state = topics{}
}

func (p *pubPattern) intercept(s *Socket, pp *pipe, msg [][]byte) bool {
	subscribe, prefix, ok := subscription(msg)
	if !ok {
		// anything else a subscriber sends: an XPUB's reader gets it, a PUB drops it (libzmq)
		p.passUp(s, msg)
		return true
	}
	mine, _ := pp.state.(topics)
	if mine == nil {
		return true // not attached (any more)
	}
	// a peer's subscriptions are a set (libzmq's mtrie): subscribing twice to a prefix is
	// subscribing once, and one unsubscribe ends it; all counts the peers per prefix
	has := mine[string(prefix)] > 0
	switch {
	case subscribe && !has:
		mine.add(prefix)
		if p.all.add(prefix) || s.opts.XPubVerbose {
			p.passUp(s, msg)
		}
	case subscribe && s.opts.XPubVerbose:
		p.passUp(s, msg)
	case !subscribe && has:
		mine.remove(prefix)
		if p.all.remove(prefix) {
			p.passUp(s, msg)
		}
	}
	return true
}

// PeerSubscribes reports whether the peer of a PUB or XPUB socket at addr has subscribed to
// prefix; ok is false when no such peer is connected.
func (s *Socket) PeerSubscribes(addr string, prefix []byte) (subscribed, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, isPub := s.pat.(*pubPattern); !isPub {
		return false, false
	}
	for _, pp := range s.pipes {
		if pp.conn != nil && pp.endpoint == addr {
			mine, _ := pp.state.(topics)
			return mine[string(prefix)] > 0, true
		}
	}
	return false, false
}

func (p *pubPattern) passUp(s *Socket, msg [][]byte) {
	if p.x && len(p.up) < s.opts.RecvHWM {
		p.up = append(p.up, msg)
		s.signal()
	}
}

func (p *pubPattern) send(s *Socket, msg [][]byte) (bool, error) {
	for _, pp := range s.pipes {
		if t, _ := pp.state.(topics); t != nil && t.match(msg) {
			pp.send(msg) // a peer at its high-water mark misses it
		}
	}
	return true, nil
}

func (p *pubPattern) recv(s *Socket) ([][]byte, bool, error) {
	if !p.x {
		return nil, false, ErrCannotRecv
	}
	if msg, ok := p.takeBack(); ok {
		return msg, true, nil
	}
	if len(p.up) == 0 {
		return nil, false, nil
	}
	msg := p.up[0]
	p.up = p.up[1:]
	return msg, true, nil
}

// ---------------------------------------------------------------- SUB, XSUB

// sub fair-queues what its peers send and keeps what its subscriptions match; it sends its
// subscriptions to every peer, and again to each one that (re)connects.
type sub struct {
	base
	x    bool // XSUB: subscriptions are messages the user sends
	mine topics
}

func newSub(x bool) *sub { return &sub{x: x, mine: topics{}} }

func (p *sub) attached(_ *Socket, pp *pipe) {
	for prefix := range p.mine {
		pp.sendControl([][]byte{append([]byte{1}, prefix...)})
	}
}

// Subscribe adds a prefix to a SUB socket's subscriptions (ZMQ_SUBSCRIBE).
func (s *Socket) Subscribe(prefix []byte) { s.subscription(true, prefix) }

// Unsubscribe removes one subscription to prefix (ZMQ_UNSUBSCRIBE).
func (s *Socket) Unsubscribe(prefix []byte) { s.subscription(false, prefix) }

// Subscriptions lists a SUB or XSUB socket's prefixes.
func (s *Socket) Subscriptions() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pat.(*sub)
	if !ok {
		return nil
	}
	var out [][]byte
	for prefix := range p.mine {
		out = append(out, []byte(prefix))
	}
	return out
}

func (s *Socket) subscription(subscribe bool, prefix []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.pat.(*sub); ok {
		p.change(s, subscribe, prefix)
	}
}

// change records a subscription and tells the peers: every subscribe, and an unsubscribe
// when the last subscription to the prefix goes (libzmq's xsub_t::xsend).
func (p *sub) change(s *Socket, subscribe bool, prefix []byte) {
	flag := byte(0)
	switch {
	case subscribe:
		flag = 1
		p.mine.add(prefix)
	case !p.mine.remove(prefix):
		return // others still subscribe to it, or nobody ever did
	}
	for _, pp := range s.pipes {
		pp.sendControl([][]byte{append([]byte{flag}, prefix...)})
	}
}

func (p *sub) send(s *Socket, msg [][]byte) (bool, error) {
	if !p.x {
		return false, ErrCannotSend
	}
	subscribe, prefix, ok := subscription(msg)
	if !ok {
		// anything else goes upstream to every peer as it is (libzmq's xsub_t::xsend)
		for _, pp := range s.pipes {
			pp.send(msg)
		}
		return true, nil
	}
	p.change(s, subscribe, prefix)
	return true, nil
}

func (p *sub) recv(s *Socket) ([][]byte, bool, error) {
	if msg, ok := p.takeBack(); ok {
		return msg, true, nil
	}
	for {
		msg, _, ok := s.fairRecv()
		if !ok {
			return nil, false, nil
		}
		if p.mine.match(msg) {
			return msg, true, nil
		}
	}
}

// HasSubscriptions reports whether a SUB socket has any (a SUB without one receives nothing).
func (s *Socket) HasSubscriptions() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pat.(*sub)
	return !ok || len(p.mine) > 0
}
