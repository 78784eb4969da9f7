package eval

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/socketrepl/socketrepl/sockets"
)

// socketInfoEvents is how many of its latest events ??sock shows.
const socketInfoEvents = 5

// SocketInfo describes a socket's live state, for ??sock: its summary, then its state, its
// peers or clients, what waits in it (to read, to send), whether a Request socket awaits its
// reply, whether it is listened to and traced, and its latest events as trace lines. It
// reports false when sock is not a socket this session knows. The summary stays what was
// fixed when the socket was made (DESIGN.md); all of this is what changes.
func (s *Session) SocketInfo(sock Expr) (string, bool) {
	id, ok := socketID(sock)
	if !ok {
		return "", false
	}
	sk, found := s.registry().Get(id)
	if !found {
		return "", false
	}
	var b strings.Builder
	b.WriteString("SocketObject[«" + socketSummary(sk) + "»]\n")
	field := func(name, value string) {
		b.WriteString(strings.TrimRight(fmt.Sprintf("  %-9s %s", name+":", value), " ") + "\n")
	}
	field("State", socketState(sk))
	if !sk.Closed() {
		if z := sk.ZMQ(); z != nil {
			var peers []string
			for _, p := range z.Connected() {
				peer := p.Addr + " (" + p.Type
				if len(p.Identity) > 0 {
					peer += ", identity " + strconv.Quote(string(p.Identity))
				}
				peers = append(peers, peer+")")
			}
			field("Peers", countedList(peers, "none"))
			in, out, _ := sk.Queued()
			field("Queued", plural(in, "message")+" to read, "+strconv.Itoa(out)+" to send")
			if z.Type == "REQ" {
				if z.Awaiting() {
					field("Request", "sent; awaiting the reply")
				} else {
					field("Request", "none outstanding: the next write sends one")
				}
			}
		} else if sk.Role == sockets.Server {
			var clients []string
			for _, c := range sk.Clients() {
				clients = append(clients, c.Remote.String()+clientState(c))
			}
			field("Clients", countedList(clients, "none"))
		} else {
			in, _, ended := sk.Queued()
			field("Unread", plural(in, "byte"))
			if ended {
				field("Peer", "closed its end")
			}
		}
		if l := s.listenerFor(sk); l != nil && !l.sock.Closed() {
			how := "no handler (SocketListen[sock] without a function)"
			if l.handler != nil {
				how = "a handler runs on each piece that arrives"
			}
			field("Listener", how)
		}
		trace := "off (SocketTrace[sock] turns it on)"
		if sk.Tracing() {
			trace = "on"
		}
		field("Trace", trace)
	}
	evs := sk.Events()
	if len(evs) == 0 {
		return b.String(), true
	}
	shown := evs[max(0, len(evs)-socketInfoEvents):]
	if len(shown) < len(evs) {
		field("Events", fmt.Sprintf("the last %d of %d (sock[\"Events\"] has them all)", len(shown), len(evs)))
	} else {
		field("Events", "")
	}
	for _, ev := range shown {
		e := traceEntry{at: ev.Time, sock: sk, kind: traceEvent, what: ev.What, peer: ev.Peer, detail: ev.Detail}
		e.write(&b) // as the trace shows them
	}
	return b.String(), true
}

// socketState says in a word or two what a socket is doing.
func socketState(sk *sockets.Socket) string {
	switch {
	case sk.Closed():
		return "Closed"
	case sk.ZMQ() != nil && sk.Role == sockets.Server:
		return "Bound"
	case sk.ZMQ() != nil && len(sk.ZMQ().Peers()) > 0:
		return "Connected"
	case sk.ZMQ() != nil:
		return "Connecting (no peer yet, or it went: the socket tries again)"
	case sk.Role == sockets.Server:
		return "Listening"
	}
	if _, _, ended := sk.Queued(); ended {
		return "Peer closed"
	}
	return "Connected"
}

// clientState is what a server's client has waiting, for its line in ??server.
func clientState(c *sockets.Socket) string {
	n, _, ended := c.Queued()
	switch {
	case n > 0 && ended:
		return " (" + plural(n, "byte") + " unread; its peer has closed)"
	case n > 0:
		return " (" + plural(n, "byte") + " unread)"
	case ended:
		return " (its peer has closed)"
	}
	return ""
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// countedList is "none", or "n: a, b, …".
func countedList(items []string, none string) string {
	if len(items) == 0 {
		return none
	}
	return strconv.Itoa(len(items)) + ": " + strings.Join(items, ", ")
}

// socketDetails is ??sock: the socket's live state (SocketInfo), for a value that is a socket.
func socketDetails(s *Session, v Expr) []string {
	info, ok := s.SocketInfo(v)
	if !ok {
		return nil
	}
	lines := strings.Split(strings.TrimRight(info, "\n"), "\n")
	return lines[1:] // its first line is the socket, which the definition line shows already
}
