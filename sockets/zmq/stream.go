package zmq

import (
	"errors"
	"time"
)

// STREAM as libzmq has it: its peers speak plain TCP. What a peer sends is read as {id, data};
// a peer's arrival and departure are read as {id, ""} (libzmq's ZMQ_STREAM_NOTIFY, on by
// default); {id, data} sends data to that peer, and {id, ""} closes its connection.
type stream struct {
	base
	byID  map[string]*pipe
	ids   idMaker
	notes [][][]byte // arrivals, and departures whose data has all been read
	ended []*pipe    // departed peers whose data is still being read
}

func newStream() *stream { return &stream{byID: map[string]*pipe{}, ids: newIDMaker()} }

// ErrStreamSend is a STREAM send that is not {id, data}.
var ErrStreamSend = errors.New("a Stream socket sends {id, data}: the peer's id frame, then the data (empty data closes the connection)")

func (st *stream) attached(_ *Socket, p *pipe) {
	id := st.ids.make()
	p.state = id
	st.byID[string(id)] = p
	st.notes = append(st.notes, [][]byte{id, {}})
}

func (st *stream) detached(_ *Socket, p *pipe) {
	if id, ok := p.state.([]byte); ok && st.byID[string(id)] == p {
		delete(st.byID, string(id))
		st.ended = append(st.ended, p)
	}
}

func (st *stream) send(s *Socket, msg [][]byte) (bool, error) {
	if len(msg) < 2 {
		return false, ErrStreamSend
	}
	p := st.byID[string(msg[0])]
	if p == nil || p.conn == nil {
		return true, nil // gone or unknown: dropped, as libzmq drops it
	}
	if len(msg) == 2 && len(msg[1]) == 0 {
		c := p.conn
		go c.Close(time.Second) // what was queued goes out first
		return true, nil
	}
	return p.send(msg[1:]), nil // at the high-water mark: wait, rather than lose data
}

func (st *stream) recv(s *Socket) ([][]byte, bool, error) {
	if msg, ok := st.takeBack(); ok {
		return msg, true, nil
	}
	if len(st.notes) > 0 {
		msg := st.notes[0]
		st.notes = st.notes[1:]
		return msg, true, nil
	}
	if msg, p, ok := s.fairRecv(); ok {
		id, _ := p.state.([]byte)
		return [][]byte{id, msg[0]}, true, nil
	}
	// every departed peer's data has been read: now its departure
	for i, p := range st.ended {
		if len(p.draining) == 0 {
			st.ended = append(st.ended[:i], st.ended[i+1:]...)
			id, _ := p.state.([]byte)
			return [][]byte{id, {}}, true, nil
		}
	}
	return nil, false, nil
}
