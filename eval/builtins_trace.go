package eval

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/socketrepl/socketrepl/sockets"
)

// SocketTrace: a traffic trace for any socket, as socat -v gives for TCP — each frame in and
// out, with its time, direction, peer, size, multipart boundary and a preview, and the
// socket's life events on the same timeline. Socket goroutines hand what they see to the
// session's trace queue (bounded: past it, entries are counted and dropped); the evaluator
// prints the queue at the safe points handlers run at (builtins_listen.go: between inputs,
// inside Pause and blocking reads, on a terminal while the prompt is idle), through the
// session's writer. sock["Events"] gives the events a socket keeps, whether traced or not.

var traceBuiltins = []*Builtin{
	{Name: "SocketTrace", Min: 0, Max: 2, Fn: fnSocketTrace,
		Usage: "SocketTrace[sock] prints each frame sock reads and writes, and its events (listening, accepted, connected, handshake failed, disconnected, retrying, closed …), as they happen; a server's trace covers its clients. It gives sock.\n" +
			"SocketTrace[sock, False] stops it; SocketTrace[{s1, s2, …}] traces each.\n" +
			"SocketTrace[All] traces every open socket and every socket made afterwards, from its first event; SocketTrace[All, False] stops every trace.\n" +
			"SocketTrace[] lists the traced sockets.\n" +
			"A trace line reads: time, «socket», ← (read) or → (written), peer, MORE or LAST for a frame of a multipart message, size, and the first 32 bytes as text or hex.",
		Messages: map[string]string{
			"sock": "`1` is not a socket; SocketTrace takes a SocketObject, a list of them, or All.",
			"bool": "`1` should be True or False.",
		}},
}

// Bounds on what a trace holds: a peer that floods a traced socket costs the queue's entries
// and no more (the rest are counted and dropped), and each entry keeps at most tracePreview
// bytes of its frame; a message of many frames shows traceFrames of them.
const (
	maxTraceQueue = 1000
	tracePreview  = 32
	traceFrames   = 16
)

// traceEntry is one line of the trace (and, for binary data, its hex lines).
type traceEntry struct {
	at      time.Time
	sock    *sockets.Socket
	kind    traceKind
	out     bool
	peer    string
	label   string // MORE, LAST or a command's name
	size    int
	preview []byte // at most tracePreview bytes, copied
	what    string // an event
	detail  string
	n       int // frames left out
}

type traceKind uint8

const (
	traceData traceKind = iota
	traceEvent
	traceLeftOut // frames of a message beyond traceFrames
)

// traceQueue is what socket goroutines have seen and the evaluator has not yet printed.
type traceQueue struct {
	async *asyncEvents // woken when the queue gets something
	push  func(sockets.TraceRecord)

	mu      sync.Mutex
	entries []traceEntry
	spare   []traceEntry
	dropped int // entries the full queue turned away: they came after the last one in it
}

// traceQueue gives the session's trace queue, made on first use.
func (s *Session) traceQueue() *traceQueue {
	if s.trace == nil {
		q := &traceQueue{async: s.async}
		q.push = q.record
		s.trace = q
	}
	return s.trace
}

// record turns what a socket reports into entries, on the socket's goroutine: it copies
// only the previews and never blocks.
func (q *traceQueue) record(r sockets.TraceRecord) {
	q.mu.Lock()
	wasEmpty := len(q.entries) == 0
	e := traceEntry{at: r.Time, sock: r.Sock, out: r.Out, peer: r.Peer}
	switch {
	case r.Event != nil:
		e.kind, e.what, e.detail = traceEvent, r.Event.What, r.Event.Detail
		if r.Event.Peer != "" {
			e.peer = r.Event.Peer
		}
		q.add(e)
	case r.Command != "":
		e.label = r.Command
		q.addData(e, r.Data[0])
	default:
		for i, f := range r.Data {
			if i == traceFrames {
				e.kind, e.n, e.label, e.size, e.preview = traceLeftOut, len(r.Data)-i, "", 0, nil
				q.add(e)
				break
			}
			if r.Framed && len(r.Data) > 1 {
				e.label = "MORE"
				if i == len(r.Data)-1 {
					e.label = "LAST"
				}
			}
			q.addData(e, f)
		}
	}
	q.mu.Unlock()
	if wasEmpty {
		q.async.poke() // the evaluator prints the queue at its next safe point
	}
}

// addData queues a frame's entry with its preview; q.mu is held.
func (q *traceQueue) addData(e traceEntry, data []byte) {
	e.size = len(data)
	if len(q.entries) < maxTraceQueue && len(data) > 0 {
		e.preview = append([]byte(nil), data[:min(len(data), tracePreview)]...)
	}
	q.add(e)
}

// add queues an entry, or counts it as dropped when the queue is full (until the evaluator
// takes the queue, and says how many were dropped after what it holds). q.mu is held.
func (q *traceQueue) add(e traceEntry) {
	if len(q.entries) >= maxTraceQueue {
		q.dropped++
		return
	}
	q.entries = append(q.entries, e)
}

// take empties the queue, giving its entries and how many were dropped after them.
func (q *traceQueue) take() ([]traceEntry, int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	entries, dropped := q.entries, q.dropped
	q.entries, q.spare, q.dropped = q.spare[:0], nil, 0
	return entries, dropped
}

// done gives a taken slice back for the next take, its previews released.
func (q *traceQueue) done(entries []traceEntry) {
	clear(entries)
	q.mu.Lock()
	if q.spare == nil && cap(entries) <= maxTraceQueue+1 {
		q.spare = entries[:0]
	}
	q.mu.Unlock()
}

// pending reports whether trace entries wait to be printed.
func (q *traceQueue) pending() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.entries) > 0 || q.dropped > 0
}

// poke wakes the evaluator as news on a listened socket does (asyncEvents.note), without
// news for a listener: an idle terminal prints, a wait at a safe point ends and goes on.
func (a *asyncEvents) poke() {
	a.mu.Lock()
	cut := a.cut
	a.mu.Unlock()
	a.signal()
	if cut != nil {
		cut()
	}
}

// tracing reports whether the session has ever traced: its waits are then safe points that
// print the trace.
func (s *Session) tracing() bool { return s.trace != nil }

// tracePending reports whether trace lines wait to be printed.
func (s *Session) tracePending() bool { return s.trace != nil && s.trace.pending() }

// printTrace prints what the trace queue holds, in one write (a terminal redraws its prompt
// once). It runs on the evaluator's goroutine only, and reports whether it printed anything.
func (s *Session) printTrace() bool {
	if s.trace == nil {
		return false
	}
	entries, dropped := s.trace.take()
	if len(entries) == 0 && dropped == 0 {
		s.trace.done(entries)
		return false
	}
	var b strings.Builder
	for i := range entries {
		entries[i].write(&b)
	}
	if dropped > 0 { // (they came after the entries kept)
		fmt.Fprintf(&b, "… %d trace lines dropped\n", dropped)
	}
	s.trace.done(entries)
	io.WriteString(s.out, b.String())
	return true
}

// write prints an entry: HH:MM:SS.mmm «socket» ← peer LABEL size preview, or the event.
func (e *traceEntry) write(b *strings.Builder) {
	b.WriteString(e.at.Format("15:04:05.000"))
	b.WriteString(" «" + traceTag(e.sock) + "» ")
	if e.kind == traceEvent {
		b.WriteString(e.what)
		if e.peer != "" {
			b.WriteString(" " + e.peer)
		}
		if e.detail != "" {
			b.WriteString(": " + e.detail)
		}
		b.WriteString("\n")
		return
	}
	if e.out {
		b.WriteString("→ ")
	} else {
		b.WriteString("← ")
	}
	b.WriteString(e.peer)
	if e.kind == traceLeftOut {
		fmt.Fprintf(b, " … %d more frames of this message\n", e.n)
		return
	}
	if e.label != "" {
		b.WriteString(" " + e.label)
	}
	fmt.Fprintf(b, " %d B", e.size)
	writePreview(b, e.preview, e.size)
}

// writePreview shows a frame's first bytes: as a quoted string when they are text (UTF-8
// without control characters but tab, CR and LF), else as hex and ASCII lines, as hexdump -C
// does; and how many bytes it leaves out.
func writePreview(b *strings.Builder, p []byte, size int) {
	if size == 0 {
		b.WriteString("\n")
		return
	}
	if text, ok := previewText(p, size); ok {
		b.WriteString(" " + strconv.Quote(text))
		if rest := size - len(text); rest > 0 {
			fmt.Fprintf(b, " … %d more bytes", rest)
		}
		b.WriteString("\n")
		return
	}
	b.WriteString("\n")
	for off := 0; off < len(p); off += 16 {
		line := p[off:min(off+16, len(p))]
		fmt.Fprintf(b, "    %04x ", off)
		for i := 0; i < 16; i++ {
			if i == 8 {
				b.WriteByte(' ')
			}
			if i < len(line) {
				fmt.Fprintf(b, " %02x", line[i])
			} else {
				b.WriteString("   ")
			}
		}
		b.WriteString("  |")
		for _, c := range line {
			if c < 0x20 || c > 0x7e {
				c = '.'
			}
			b.WriteByte(c)
		}
		b.WriteString("|\n")
	}
	if rest := size - len(p); rest > 0 {
		fmt.Fprintf(b, "    … %d more bytes\n", rest)
	}
}

// previewText gives the preview as text if it is: the whole of a short frame, or the
// complete characters at the start of a long one.
func previewText(p []byte, size int) (string, bool) {
	if len(p) < size {
		// a character cut by the preview's end is left to the bytes not shown
		for cut := 0; cut < utf8.UTFMax && len(p) > 0 && !utf8.Valid(p); cut++ {
			p = p[:len(p)-1]
		}
	}
	if !utf8.Valid(p) {
		return "", false
	}
	for _, r := range string(p) {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return "", false
		}
	}
	return string(p), true
}

// traceTag names a socket in a trace line, as its summary does, shortly: «TCP accepted ·
// 9a0e77c1», «ZMQ Pull · 3f1c09ab».
func traceTag(sock *sockets.Socket) string {
	if z := sock.ZMQ(); z != nil {
		return "ZMQ " + zmqTypeOf(z.Type).wolfram + " · " + sock.ID[:8]
	}
	return sock.Protocol + " " + sock.Role.String() + " · " + sock.ID[:8]
}

// ---------------------------------------------------------------- SocketTrace

func fnSocketTrace(s *Session, c *Normal) Expr {
	if len(c.Args) == 0 {
		return s.tracedSockets()
	}
	on := true
	if len(c.Args) == 2 {
		switch c.Args[1] {
		case SymTrue:
		case SymFalse:
			on = false
		default:
			s.Message("SocketTrace", "bool", c.Args[1])
			return SymFailed
		}
	}
	q := s.traceQueue()
	fn := q.push
	if !on {
		fn = nil
	}
	if c.Args[0] == SymAll {
		s.registry().TraceNew(fn)
		for _, sock := range s.registry().List() {
			if sock.Role != sockets.Accepted || !on { // a server's clients follow their server
				sock.SetTrace(fn)
			}
		}
		return s.tracedSockets()
	}
	var socks []*sockets.Socket
	list, isList := c.Args[0].(*Normal)
	args := []Expr{c.Args[0]}
	if isList && list.Head == SymList {
		args = list.Args
	}
	for _, e := range args {
		sock, ok, handled := s.socketArg(e)
		if !handled {
			s.Message("SocketTrace", "sock", e)
		}
		if !ok {
			return SymFailed
		}
		socks = append(socks, sock)
	}
	for _, sock := range socks {
		sock.SetTrace(fn)
	}
	return c.Args[0]
}

// tracedSockets lists the traced open sockets: those traced themselves, not the clients of a
// traced server, in the order Sockets[All] has.
func (s *Session) tracedSockets() Expr {
	var out []Expr
	for _, sock := range s.registry().List() {
		if sock.Tracing() && (sock.Server == nil || !sock.Server.Tracing()) {
			out = append(out, socketExpr(sock))
		}
	}
	return List(out...)
}

// ---------------------------------------------------------------- sock["Events"]

// socketEvents is sock["Events"]: the events the socket keeps, oldest first, each
// <|"Time" -> DateObject[…], "Event" -> "accepted", "Peer" -> "host:port", "Detail" -> "…"|>
// ("" where there is no peer or nothing more to say).
func (s *Session) socketEvents(sock *sockets.Socket) Expr {
	evs := sock.Events()
	out := make([]Expr, len(evs))
	loc := s.Now().Location()
	for i, ev := range evs {
		a := NewAssoc()
		a.Set(String("Time"), dateNowObject(ev.Time.In(loc)), false)
		a.Set(String("Event"), String(ev.What), false)
		a.Set(String("Peer"), String(ev.Peer), false)
		a.Set(String("Detail"), String(ev.Detail), false)
		out[i] = a
	}
	return List(out...)
}
