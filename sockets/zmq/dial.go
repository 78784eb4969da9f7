package zmq

import (
	"net"
	"time"

	"github.com/socketrepl/socketrepl/sockets/zmtp"
)

// dialer connects to one address in the background and reconnects with back-off when the
// connection ends or cannot be made, as libzmq does, until the socket closes.
type dialer struct {
	addr string
	pipe *pipe // made at Connect, as libzmq makes it: messages queue in it before the peer is there
}

// Connect connects to addr ("host:port") in the background.
func (s *Socket) Connect(addr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	d := &dialer{addr: addr}
	d.pipe = &pipe{sock: s, dialer: d, endpoint: addr}
	s.pipes = append(s.pipes, d.pipe)
	s.dialers = append(s.dialers, d)
	s.bg.Add(1)
	go s.dial(d)
	return nil
}

func (s *Socket) dial(d *dialer) {
	defer s.bg.Done()
	wait := s.Options().ReconnectIvl
	failed := "" // the last failure recorded: a peer that stays away is recorded once
	for {
		raw, err := net.DialTimeout("tcp", d.addr, 10*time.Second)
		what := "connect failed"
		if err == nil {
			var peer zmtp.Peer
			if peer, err = s.handshake(raw); err == nil {
				failed = ""
				if c := s.attach(raw, peer, d); c != nil {
					wait = s.Options().ReconnectIvl
					s.serve(c)
				} else {
					raw.Close() // closed, or turned away (a PAIR with a peer): the select below says which
				}
			} else {
				raw.Close()
				what = "handshake failed"
			}
		}
		repeated := err != nil && what+describe(err) == failed
		if err != nil && !repeated {
			failed = what + describe(err)
			s.mu.Lock()
			s.event(what, d.addr, describe(err))
			s.mu.Unlock()
		}
		select {
		case <-s.stop:
			return
		case <-time.After(wait):
		}
		if most := s.Options().ReconnectIvlMax; err != nil && most > wait {
			wait = min(2*wait, most)
		}
		if !repeated {
			s.mu.Lock()
			s.event("retrying", d.addr, describe(err))
			s.mu.Unlock()
		}
	}
}
