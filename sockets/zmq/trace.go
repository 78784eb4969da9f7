package zmq

import (
	"time"

	"github.com/socketrepl/socketrepl/sockets/zmtp"
)

// Traced is what a traced socket reports, on the goroutine where it happens: a message or a
// command on one of its connections, or one of its events (Event set, the rest empty).
type Traced struct {
	Time    time.Time
	Out     bool     // written (false: read)
	Peer    string   // the peer's address
	Frames  [][]byte // the message's frames (a command's data), valid only during the call
	Command string   // a ZMTP command's name ("PING", …), "" for a message
	Raw     bool     // a STREAM socket's peer: plain TCP, no frames
	Event   *Event
}

// SetTrace has fn see the socket's traffic and events from now on, on every connection it
// has and will have; nil stops it. fn runs on the connections' goroutines, sometimes with the
// socket's lock held: it must not block, nor call the socket.
func (s *Socket) SetTrace(fn func(Traced)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if fn == nil {
		s.tracer.Store(nil)
	} else {
		s.tracer.Store(&fn)
	}
	for _, p := range s.pipes {
		if p.conn != nil {
			p.conn.SetTrace(s.connTrace(p.endpoint))
		}
	}
}

// Tracing reports whether the socket is traced.
func (s *Socket) Tracing() bool { return s.tracer.Load() != nil }

// connTrace is the trace of one connection, to peer (nil while the socket is not traced).
func (s *Socket) connTrace(peer string) zmtp.TraceFunc {
	fn := s.tracer.Load()
	if fn == nil {
		return nil
	}
	raw := s.Type == "STREAM"
	return func(out bool, frames [][]byte, command string) {
		(*fn)(Traced{Time: time.Now(), Out: out, Peer: peer, Frames: frames, Command: command, Raw: raw})
	}
}

// Queued is how many messages wait in the socket: received and not read, and queued to send
// (to peers connected or to come).
func (s *Socket) Queued() (in, out int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.pat.(heldBack); ok {
		in += b.heldBack()
	}
	for _, p := range s.pipes {
		in += len(p.batch) - p.head
		for _, c := range p.draining {
			in += c.Pending()
		}
		out += len(p.pending)
		if p.conn != nil {
			in += p.conn.Pending()
			out += p.conn.Queued()
		}
	}
	return in, out
}

// heldBack is a pattern that holds messages put back (unrecv) to be read first.
type heldBack interface{ heldBack() int }

func (b *base) heldBack() int { return len(b.back) }

func (r *rep) heldBack() int { return len(r.back) + len(r.putBack) }
