package zmq

import (
	"net"
	"time"
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
	wait := s.opts.ReconnectIvl
	for {
		raw, err := net.DialTimeout("tcp", d.addr, 10*time.Second)
		if err == nil {
			peer, herr := s.handshake(raw)
			if herr == nil {
				if c := s.attach(raw, peer, d); c != nil {
					wait = s.opts.ReconnectIvl
					s.serve(c)
				} else {
					raw.Close() // closed, or turned away (a PAIR with a peer): the select below says which
				}
			} else {
				raw.Close()
				err = herr
				s.mu.Lock()
				s.event("handshake failed", d.addr, describe(herr))
				s.mu.Unlock()
			}
		}
		select {
		case <-s.stop:
			return
		case <-time.After(wait):
		}
		if err != nil && s.opts.ReconnectIvlMax > wait {
			wait = min(2*wait, s.opts.ReconnectIvlMax)
		}
		s.mu.Lock()
		s.event("retrying", d.addr, describe(err))
		s.mu.Unlock()
	}
}
