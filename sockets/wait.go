package sockets

import (
	"context"
	"reflect"
	"time"
)

// WaitAny waits until ready holds for one of socks, looking again whenever one of them has
// news (data, the peer's end, a ZeroMQ peer or room to send), until ctx is done or timeout
// passes (< 0: no limit). It reports whether one is ready. One goroutine, however many
// sockets: it selects on each socket's news channel.
func WaitAny(ctx context.Context, socks []*Socket, timeout time.Duration, ready func(*Socket) bool) (bool, error) {
	var timer <-chan time.Time
	if timeout >= 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		timer = t.C
	}
	cases := make([]reflect.SelectCase, 2, 2+len(socks))
	cases[0] = reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ctx.Done())}
	cases[1] = reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(timer)}
	for {
		cases = cases[:2]
		for _, s := range socks {
			if ready(s) {
				return true, nil
			}
			if ch := s.news(); ch != nil {
				cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ch)})
			}
		}
		switch chosen, _, _ := reflect.Select(cases); chosen {
		case 0:
			return false, ctx.Err()
		case 1:
			return false, nil
		}
	}
}

// news is a channel that delivers (or closes) when something changes on s; nil for a socket
// that has none (a TCP server, a closed socket).
func (s *Socket) news() <-chan struct{} {
	switch {
	case s.Closed():
		return nil
	case s.zmq != nil:
		return s.zmq.z.Changed()
	case s.stream != nil:
		s.stream.mu.Lock()
		defer s.stream.mu.Unlock()
		s.stream.resumeLocked() // its reader goroutine announces what comes
		return s.stream.arrivedLocked()
	}
	return nil
}
