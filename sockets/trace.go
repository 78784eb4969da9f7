package sockets

import (
	"sync"
	"time"

	"github.com/socketrepl/socketrepl/sockets/zmq"
)

// A socket's life and traffic, for people who want to see what happens on the wire: every
// socket keeps its recent events (Events), and a traced socket (SetTrace) gives each event,
// and each piece of data read or written, to a function as it happens — a trace, as socat -v
// gives for TCP. Tracing costs nothing while it is off beyond one atomic load per read or
// write: the function sits behind an atomic pointer that is nil then.

// Event is something that happened to a socket. A TCP socket has listening (a server),
// accepted (a server's new client, and that client's first event), connected (a client),
// peer closed, reset and closed (by this side); a ZeroMQ socket has zmq.Event's: listening,
// accepted, connected, disconnected, handshake failed, connect failed, refused, retrying,
// closed. Detail says why, or what the peer is.
type Event struct {
	Time   time.Time
	What   string
	Peer   string // the other end's address, "" when there is none
	Detail string
}

// maxEvents bounds the events a socket keeps, as zmq's sockets bound theirs: a peer that
// connects and leaves forever costs a socket no more than this.
const maxEvents = 100

// eventLog is a socket's recent events, oldest first, at most maxEvents.
type eventLog struct {
	mu     sync.Mutex
	events []Event
}

func (l *eventLog) add(ev Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.events) == maxEvents {
		copy(l.events, l.events[1:])
		l.events = l.events[:maxEvents-1]
	}
	l.events = append(l.events, ev)
}

// Events gives the socket's recent events, oldest first (at most maxEvents). A TCP server's
// include its clients' (accepted, peer closed, reset, closed), as a bound ZeroMQ socket's
// include its peers'.
func (s *Socket) Events() []Event {
	if s.zmq != nil {
		zs := s.zmq.z.Events()
		out := make([]Event, len(zs))
		for i, e := range zs {
			out[i] = Event{Time: e.Time, What: e.What, Peer: e.Endpoint, Detail: e.Detail}
		}
		return out
	}
	s.events.mu.Lock()
	defer s.events.mu.Unlock()
	return append([]Event(nil), s.events.events...)
}

// note records an event of a TCP socket (an accepted one's on its server's list too) and
// traces it when emit is set.
func (s *Socket) note(what, peer, detail string, emit bool) {
	ev := Event{Time: time.Now(), What: what, Peer: peer, Detail: detail}
	s.events.add(ev)
	if s.Server != nil && what != "accepted" { // the server noted the accept itself
		s.Server.events.add(ev)
	}
	if fn := s.tracer.Load(); emit && fn != nil {
		(*fn)(TraceRecord{Time: ev.Time, Sock: s, Peer: peer, Event: &ev})
	}
}

// TraceRecord is what a traced socket reports: data read or written, a ZMTP command, or an
// event (Event set).
type TraceRecord struct {
	Time time.Time
	// Sock is the socket it happened on: a TCP server's trace reports its clients' traffic
	// and departures with the client here.
	Sock *Socket
	Out  bool   // written (false: read)
	Peer string // the other end's address
	// Data is a ZeroMQ message's frames, or the one piece a TCP read or write moved; it is
	// valid only during the call.
	Data    [][]byte
	Framed  bool   // Data are ZMTP frames: MORE and LAST tell a message's boundaries
	Command string // a ZMTP command's name ("PING", …), its data in Data
	Event   *Event
}

// SetTrace has fn see the socket's events and traffic from now on (a TCP server's: its
// clients' too, present and future); nil stops it. fn runs on the socket's goroutines and
// the caller's; it must not block nor call the socket, and must copy what it keeps of Data.
func (s *Socket) SetTrace(fn func(TraceRecord)) {
	var p *func(TraceRecord)
	if fn != nil {
		p = &fn
	}
	s.setTracer(p)
}

func (s *Socket) setTracer(p *func(TraceRecord)) {
	s.tracer.Store(p)
	switch {
	case s.zmq != nil:
		if p == nil {
			s.zmq.z.SetTrace(nil)
			return
		}
		fn := *p
		s.zmq.z.SetTrace(func(t zmq.Traced) {
			r := TraceRecord{Time: t.Time, Sock: s, Out: t.Out, Peer: t.Peer, Data: t.Frames, Framed: !t.Raw, Command: t.Command}
			if t.Event != nil {
				r.Event = &Event{Time: t.Event.Time, What: t.Event.What, Peer: t.Event.Endpoint, Detail: t.Event.Detail}
			}
			fn(r)
		})
	case s.lis != nil:
		s.lis.mu.Lock()
		for c := range s.lis.clients {
			c.tracer.Store(p)
		}
		s.lis.mu.Unlock()
	}
}

// Tracing reports whether the socket is traced.
func (s *Socket) Tracing() bool { return s.tracer.Load() != nil }

// traceData traces a TCP read or write on st, if its socket is traced.
func (st *stream) traceData(out bool, data []byte) {
	if st.sock == nil {
		return
	}
	if fn := st.sock.tracer.Load(); fn != nil {
		(*fn)(TraceRecord{Time: time.Now(), Sock: st.sock, Out: out, Peer: st.addr, Data: [][]byte{data}})
	}
}

// TraceNew has every socket the registry makes from now on traced by fn from its start (so
// that its first events are seen); nil stops that (the sockets traced stay traced).
func (r *Registry) TraceNew(fn func(TraceRecord)) {
	if fn == nil {
		r.traceNew.Store(nil)
		return
	}
	r.traceNew.Store(&fn)
}

// traceFromStart traces a new socket if the registry traces new ones; before any of its
// goroutines starts.
func (r *Registry) traceFromStart(s *Socket) {
	if p := r.traceNew.Load(); p != nil {
		s.setTracer(p)
	}
}

// Queued is what waits in a socket: for a TCP connection, the bytes that arrived and were
// not read (and whether the peer has closed); for a ZeroMQ socket, the messages received and
// not read and those queued to send.
func (s *Socket) Queued() (in, out int, ended bool) {
	switch {
	case s.zmq != nil:
		in, out = s.zmq.z.Queued()
		s.zmq.mu.Lock()
		in += len(s.zmq.back) + len(s.zmq.ahead) - s.zmq.aheadNext
		if len(s.zmq.rest) > 0 || len(s.zmq.bytes) > 0 {
			in++ // the rest of a message read in part
		}
		s.zmq.mu.Unlock()
		return in, out, false
	case s.stream != nil:
		n, eof := s.stream.Buffered()
		return n, 0, eof
	}
	return 0, 0, false
}
