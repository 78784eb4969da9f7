package eval

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/socketrepl/socketrepl/sockets"
)

// SocketListen: handlers for data arriving on sockets, run on the evaluator's goroutine at the
// safe points DESIGN.md names — inside Pause and blocking socket calls and waits, between
// inputs, and on a terminal while the prompt is idle — never in the middle of other
// evaluation. Socket goroutines only note which socket has news (asyncEvents); the evaluator
// takes the data and runs the handlers, so only it touches evaluator state, and data waits in
// the socket's bounded buffer meanwhile (TCP pushes back on a fast peer).

var listenBuiltins = []*Builtin{
	{Name: "SocketListen", Min: 1, Max: 2, Fn: fnSocketListen,
		Usage: "SocketListen[socket, f] applies f to an association of each piece of data that arrives on socket, as it arrives.\n" +
			"SocketListen[port | address, f] opens a TCP server there and listens on it.\n" +
			"SocketListen[spec, opts] and SocketListen[spec] listen with options, or without a handler.",
		Options: []Option{{"CharacterEncoding", String("UTF-8")}, {"HandlerFunctions", SymAutomatic},
			{"HandlerFunctionsKeys", sys("Default")}, {"RecordSeparators", SymNone}},
		Messages: map[string]string{
			"pollError":          "The handlers `1` are invalid, valid HandlerFunctions are {\"DataReceived\"}",
			"invalidHandlerKeys": "The HandlerFunctionsKeys specification `1` is invalid, possible HandlerFunctionKeys values are any subset of {\"Socket\",\"SourceSocket\",\"Timestamp\",\"Data\",\"DataBytes\",\"DataByteArray\",\"MultipartComplete\"}.",
			"error":              "An error occured",
		}},
	{Name: "SocketListener", Min: 1, Max: 1, Sub: listenerProperty, SetSub: setListenerProperty,
		Usage: "SocketListener[…] is a listener made by SocketListen: listener[\"Socket\"], listener[] for its settings, listener[\"HandlerFunctions\"] = … to change them; DeleteObject[listener] stops it.",
		Messages: map[string]string{
			"invalidRecSep": "The option setting `1` for RecordSeparators is invalid - valid options are integers greater than 0 or any string or list of strings.",
			"nosock":        "The socket `1` doesn't have any handler functions - use SocketListen to listen on the socket.",
			"invalidOpt":    "The socket listener option `1` is invalid.",
			"invalidSock":   "The socket listener `1` is invalid.",
		}},
	{Name: "DeleteObject", Min: 1, Max: 1, Fn: fnDeleteObject,
		Usage:    "DeleteObject[listener] stops a SocketListener (and closes a socket SocketListen opened itself).\nDeleteObject[{obj1, obj2, …}] deletes each.",
		Messages: map[string]string{"listenerError": "An error occured while deleting `1`."}},
	{Name: "SocketWaitNext", Min: 1, Max: 2, Fn: fnSocketWaitNext, Options: []Option{{"TimeConstraint", SymInfinity}},
		Usage: "SocketWaitNext[{s1, s2, …}] waits until one of the sockets has data to read and gives the list of those that do.\n" +
			"SocketWaitNext[socks, event] waits for \"PollInput\" (the default), \"PollOutput\" or \"PollError\"; TimeConstraint -> t gives {} after t seconds.",
		Messages: waitMessages("SocketWaitNext")},
	{Name: "SocketWaitAll", Min: 1, Max: 2, Fn: fnSocketWaitAll, Options: []Option{{"TimeConstraint", SymInfinity}},
		Usage: "SocketWaitAll[{s1, s2, …}] waits until every socket has data to read and gives the list.\n" +
			"SocketWaitAll[socks, event] waits for \"PollInput\", \"PollOutput\" or \"PollError\"; TimeConstraint -> t stops waiting after t seconds.",
		Messages: waitMessages("SocketWaitAll")},
}

func waitMessages(fn string) map[string]string {
	return map[string]string{
		"sock":              fn + " only works on a list of valid SocketObjects.",
		"timeout":           "The value `1` for timeout is invalid, must be a non negative Integer in seconds, a Quantity, or Infinity",
		"event":             "The event type `1` is invalid, valid event types are \"PollInput\", \"PollOutput\", and \"PollError\"",
		"tcpServerSockPoll": "The socket `1` is a TCP server socket and cannot be polled - use the property \"ConnectedClients\" to get client sockets that may be polled.",
	}
}

func init() {
	RegisterFormatter("SocketListener", formatListener)
}

// ---------------------------------------------------------------- the queue of news

// asyncEvents is what socket goroutines share with the evaluator: which listened sockets have
// news, in the order it came. It holds at most one entry per socket.
type asyncEvents struct {
	mu      sync.Mutex
	pending []*sockets.Socket
	queued  map[*sockets.Socket]bool
	wake    chan struct{}      // an idle evaluator waits on it
	cut     context.CancelFunc // ends the wait under way, so that handlers run (nil: none)
}

func newAsyncEvents() *asyncEvents {
	return &asyncEvents{queued: map[*sockets.Socket]bool{}, wake: make(chan struct{}, 1)}
}

// note records news on src; it runs on socket goroutines and never blocks.
func (a *asyncEvents) note(src *sockets.Socket) {
	a.mu.Lock()
	if !a.queued[src] {
		a.queued[src] = true
		a.pending = append(a.pending, src)
	}
	cut := a.cut
	a.mu.Unlock()
	a.signal()
	if cut != nil {
		cut()
	}
}

func (a *asyncEvents) signal() {
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// next takes the oldest socket with news (nil: none).
func (a *asyncEvents) next() *sockets.Socket {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.pending) == 0 {
		return nil
	}
	src := a.pending[0]
	a.pending[0] = nil
	a.pending = a.pending[1:]
	delete(a.queued, src)
	return src
}

func (a *asyncEvents) any() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.pending) > 0
}

// setCut installs the function that ends the current wait when news comes; it reports
// whether news is already there (then the wait should not begin).
func (a *asyncEvents) setCut(cut context.CancelFunc) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.cut = cut
	return len(a.pending) > 0
}

// ---------------------------------------------------------------- listeners

// listener is one SocketListen.
type listener struct {
	sock      *sockets.Socket
	sockExpr  Expr // SocketObject[id], made once
	owned     bool // SocketListen opened the socket: DeleteObject closes it
	handlers  Expr // HandlerFunctions as given (an association, or Automatic)
	handler   Expr // its "DataReceived" function (nil: none)
	keysSpec  Expr // HandlerFunctionsKeys as given
	keys      []string
	eventKeys []string // the keys events are made with (setEventKeys)
	keyExprs  []Expr   // the same, as the association holds them, made once
	noEvent   bool     // the handler is a pure function without slots: no event is made
	sepSpec   Expr     // RecordSeparators as given
	seps      [][]byte
	sepN      int // RecordSeparators -> n: records of n bytes
	encSpec   Expr
	enc       string
	partial   map[*sockets.Socket][]byte  // the unfinished record of each source
	backlog   map[*sockets.Socket][]piece // pieces taken and not yet handled (a handler was stopped)
	pieces    []piece                     // serve's list of pieces, reused
	msgs      [][][]byte                  // take's list of ZeroMQ messages, reused
}

// piece is what one handler call gets: a record, a TCP read, or a ZeroMQ frame.
type piece struct {
	data     []byte
	complete bool // the last frame of its message
}

var (
	defaultHandlerKeys = []string{"Timestamp", "Socket", "SourceSocket", "Data"}
	validHandlerKeys   = map[string]bool{"Timestamp": true, "Socket": true, "SourceSocket": true,
		"Data": true, "DataBytes": true, "DataByteArray": true, "MultipartComplete": true}
)

func listenerExpr(l *listener) Expr { return NewNormal(sys("SocketListener"), String(l.sock.ID)) }

// listenerOf reads SocketListener["uuid"]: the live listener, or nil with
// SocketListener::invalidSock.
func (s *Session) listenerOf(e Expr) *listener {
	n, ok := e.(*Normal)
	if ok && n.Head == sys("SocketListener") && len(n.Args) == 1 {
		if id, ok := n.Args[0].(String); ok {
			if l := s.listeners[string(id)]; l != nil && !l.sock.Closed() {
				return l
			}
		}
	}
	s.Message("SocketListener", "invalidSock", e)
	return nil
}

// formatListener prints a listener with the summary of its socket.
func formatListener(n *Normal, form Form) (string, bool) {
	if form != OutputFormat && form != messageFormat || len(n.Args) != 1 {
		return "", false
	}
	id, ok := n.Args[0].(String)
	if !ok {
		return "", false
	}
	sock, ok := sockets.Find(string(id))
	if !ok {
		return "", false
	}
	return "SocketListener[«" + socketSummary(sock) + "»]", true
}

func fnSocketListen(s *Session, c *Normal) Expr {
	const fn = "SocketListen"
	pos, opts, ok := s.Options(c.Head.(*Symbol).builtin, c)
	if !ok {
		return SymFailed
	}
	handlers := opts["HandlerFunctions"]
	if len(pos) == 2 {
		a := NewAssoc()
		a.Set(String("DataReceived"), pos[1], true)
		handlers = a
	}
	l := &listener{partial: map[*sockets.Socket][]byte{}, backlog: map[*sockets.Socket][]piece{}}
	if !s.setHandlers(fn, l, handlers) || !s.setHandlerKeys(fn, l, opts["HandlerFunctionsKeys"]) ||
		!s.setRecordSeparators(l, opts["RecordSeparators"]) || !s.setListenEncoding(fn, l, opts["CharacterEncoding"]) {
		return SymFailed
	}
	sock, isSock, handled := s.socketArg(pos[0])
	switch {
	case handled && !isSock:
		return SymFailed
	case !handled:
		// an address: SocketListen opens a TCP server there, as SocketOpen[spec, "TCP"] would
		opened := s.Eval(NewNormal(sys("SocketOpen"), pos[0], String("TCP")))
		if sock, isSock, _ = s.socketArg(opened); !isSock {
			return SymFailed
		}
		l.owned = true
	}
	l.sock, l.sockExpr = sock, socketExpr(sock)
	if old := s.listeners[sock.ID]; old != nil {
		l.owned = l.owned || old.owned
	}
	if s.listeners == nil {
		s.listeners = map[string]*listener{}
	}
	s.listeners[sock.ID] = l
	sock.Watch(s.async.note)
	if sock.Ready() { // what arrived before the listener is its first event
		s.async.note(sock)
	}
	for _, cl := range sock.Clients() {
		if cl.Ready() {
			s.async.note(cl)
		}
	}
	return listenerExpr(l)
}

// setHandlers reads HandlerFunctions: Automatic or an association whose only key is
// "DataReceived". A bad setting changes nothing.
func (s *Session) setHandlers(fn string, l *listener, spec Expr) bool {
	var handler Expr
	if spec != SymAutomatic {
		a, ok := spec.(*Assoc)
		if !ok {
			s.Message(fn, "pollError", spec)
			return false
		}
		var bad []Expr
		for i, k := range a.Keys() {
			if k == String("DataReceived") {
				handler = a.Values()[i]
			} else {
				bad = append(bad, k)
			}
		}
		if len(bad) > 0 {
			s.Message(fn, "pollError", List(bad...))
			return false
		}
	}
	l.handlers, l.handler = spec, handler
	l.setEventKeys()
	return true
}

// setHandlerKeys reads HandlerFunctionsKeys: Default, Automatic, one key, or a list of keys.
// A bad setting changes nothing.
func (s *Session) setHandlerKeys(fn string, l *listener, spec Expr) bool {
	keys, ok := handlerKeys(spec)
	if !ok {
		s.Message(fn, "invalidHandlerKeys", spec)
		return false
	}
	l.keysSpec, l.keys = spec, keys
	l.setEventKeys()
	return true
}

// setEventKeys works out the keys each event is made with: the listener's keys, or, for a
// pure function whose body reads only named slots (#Data, #Socket), just the keys it reads —
// the others cannot be seen, and a Timestamp costs the most to make.
func (l *listener) setEventKeys() {
	l.eventKeys = l.keys
	l.noEvent = false
	if f, ok := l.handler.(*Normal); ok && f.Head == SymFunction && len(f.Args) == 1 {
		l.noEvent = slotFree(f) // it reads nothing of the event: it gets none
		used := map[string]bool{}
		if namedSlotsOnly(f.Args[0], used) {
			l.eventKeys = nil
			for _, k := range l.keys {
				if used[k] {
					l.eventKeys = append(l.eventKeys, k)
				}
			}
		}
	}
	l.keyExprs = make([]Expr, len(l.eventKeys))
	for i, k := range l.eventKeys {
		l.keyExprs[i] = String(k)
	}
}

// namedSlotsOnly reports whether e refers to its function's argument only through named slots
// (#Key), noting their names; a nested function's slots are its own.
func namedSlotsOnly(e Expr, used map[string]bool) bool {
	switch x := e.(type) {
	case *Normal:
		switch x.Head {
		case SymFunction:
			return true
		case SymSlot:
			if k, ok := x.Args[0].(String); ok && len(x.Args) == 1 {
				used[string(k)] = true
				return true
			}
			return false
		case SymSlotSequence:
			return false
		}
		if !namedSlotsOnly(x.Head, used) {
			return false
		}
		for _, a := range x.Args {
			if !namedSlotsOnly(a, used) {
				return false
			}
		}
	case *Assoc:
		for i, k := range x.Keys() {
			if !namedSlotsOnly(k, used) || !namedSlotsOnly(x.Values()[i], used) {
				return false
			}
		}
	}
	return true
}

func handlerKeys(spec Expr) ([]string, bool) {
	switch x := spec.(type) {
	case *Symbol:
		return defaultHandlerKeys, x == sys("Default") || x == SymAutomatic
	case String:
		return []string{string(x)}, validHandlerKeys[string(x)]
	case *Normal:
		if x.Head != SymList {
			return nil, false
		}
		keys := make([]string, len(x.Args))
		for i, k := range x.Args {
			ks, ok := k.(String)
			if !ok || !validHandlerKeys[string(ks)] {
				return nil, false
			}
			keys[i] = string(ks)
		}
		return keys, true
	}
	return nil, false
}

// setRecordSeparators reads RecordSeparators: None or {} (one event per piece that
// arrives), n > 0 (one per n bytes), a string or a list of strings (one per record). A bad
// setting changes nothing.
func (s *Session) setRecordSeparators(l *listener, spec Expr) bool {
	var seps [][]byte
	n, ok := 0, false
	switch x := spec.(type) {
	case *Symbol:
		ok = x == SymNone
	case Int:
		n, ok = int(x), x > 0 && x <= maxMessage
	case String:
		seps, ok = [][]byte{[]byte(x)}, x != ""
	case *Normal:
		ok = x.Head == SymList
		for _, e := range x.Args {
			str, isStr := e.(String)
			ok = ok && isStr && str != ""
			seps = append(seps, []byte(str))
		}
	}
	if !ok {
		s.Message("SocketListener", "invalidRecSep", spec)
		return false
	}
	l.sepSpec, l.seps, l.sepN = spec, seps, n
	return true
}

func (s *Session) setListenEncoding(fn string, l *listener, spec Expr) bool {
	enc, ok := s.bytesEncodingArg(fn, spec)
	if ok {
		l.encSpec, l.enc = spec, enc
	}
	return ok
}

// listenerProperty is listener["Socket"], listener[] (its settings) and listener[option].
func listenerProperty(s *Session, obj *Normal, args []Expr) Expr {
	l := s.listenerOf(obj)
	if l == nil {
		return SymFailed
	}
	settings := func() *Assoc {
		a := NewAssoc()
		a.Set(String("CharacterEncoding"), l.encSpec, false)
		a.Set(String("HandlerFunctions"), l.handlers, false)
		a.Set(String("HandlerFunctionsKeys"), l.keysSpec, false)
		a.Set(String("RecordSeparators"), l.sepSpec, false)
		a.Set(String("Socket"), socketExpr(l.sock), false)
		return a
	}
	if len(args) == 0 {
		return settings()
	}
	if len(args) == 1 {
		if v, ok := settings().Get(String(optionName(args[0]))); ok {
			return v
		}
	}
	s.Message("SocketListener", "invalidOpt", args[0])
	return SymFailed
}

// setListenerProperty is listener[option] = value, for the four options.
func setListenerProperty(s *Session, obj *Normal, args []Expr, value Expr) Expr {
	l := s.listenerOf(obj)
	if l == nil {
		return SymFailed
	}
	if len(args) != 1 {
		s.Message("SocketListener", "invalidOpt", List(args...))
		return SymFailed
	}
	const fn = "SocketListener"
	ok := false
	switch name := optionName(args[0]); name {
	case "HandlerFunctions":
		ok = s.setHandlers("SocketListen", l, value) // the messages are SocketListen's
	case "HandlerFunctionsKeys":
		ok = s.setHandlerKeys("SocketListen", l, value)
	case "RecordSeparators":
		ok = s.setRecordSeparators(l, value)
		clear(l.partial)
	case "CharacterEncoding":
		ok = s.setListenEncoding("SocketListen", l, value)
	default:
		s.Message(fn, "invalidOpt", args[0])
	}
	if !ok {
		return SymFailed
	}
	return value
}

func fnDeleteObject(s *Session, c *Normal) Expr {
	if n, ok := c.Args[0].(*Normal); ok && n.Head == SymList {
		result := Expr(SymNull)
		for _, e := range n.Args {
			if s.deleteListener(e) != SymNull {
				result = SymFailed
			}
		}
		return result
	}
	return s.deleteListener(c.Args[0])
}

func (s *Session) deleteListener(e Expr) Expr {
	n, ok := e.(*Normal)
	if !ok || n.Head != sys("SocketListener") || len(n.Args) != 1 {
		return nil
	}
	id, _ := n.Args[0].(String)
	l := s.listeners[string(id)]
	if l == nil {
		sock := e
		if sk, found := s.registry().Get(string(id)); found {
			sock = socketExpr(sk)
		}
		s.Message("SocketListener", "nosock", sock)
		return SymFailed
	}
	s.stopListener(l)
	if l.owned && !l.sock.Closed() {
		l.sock.Close()
		s.reportDropped(l.sock)
	}
	return SymNull
}

func (s *Session) stopListener(l *listener) {
	l.sock.Watch(nil)
	delete(s.listeners, l.sock.ID)
}

// listenerFor is the listener that hears src: its own, else its server's.
func (s *Session) listenerFor(src *sockets.Socket) *listener {
	if l := s.listeners[src.ID]; l != nil {
		return l
	}
	if src.Server != nil {
		return s.listeners[src.Server.ID]
	}
	return nil
}

// ---------------------------------------------------------------- running handlers

// handlerBatch is about how many pieces of one source are handled (whole messages are taken)
// before the next source gets its turn: a flood on one socket does not starve the others.
const handlerBatch = 64

// runHandlers handles the news that has come, until there is none or the evaluation is
// stopping. It is a safe point: call it only where evaluation may be interrupted by handlers.
func (s *Session) runHandlers() {
	s.printTrace() // trace: what traced sockets reported prints at every safe point
	if len(s.listeners) == 0 || s.inHandler {
		return // a handler that waits is not interrupted by the next one: they take turns
	}
	for !s.stopping() {
		src := s.async.next()
		if src == nil {
			return
		}
		l := s.listenerFor(src)
		if l == nil || l.sock.Closed() {
			if l != nil {
				s.stopListener(l)
			}
			continue
		}
		if s.serve(l, src) {
			s.async.note(src) // more is waiting: after the others
		}
		s.twice, s.served = src == s.served, src
		s.printTrace() // trace: what the handlers sent, after what they printed
	}
}

// serve takes what has arrived on src and runs l's handler on each piece; it reports whether
// more is waiting. Each piece leaves the list before its handler runs: when a handler is
// stopped (Ctrl-C), it is not run again, and the rest wait in l.backlog for the next safe
// point, src noted again so that one comes.
func (s *Session) serve(l *listener, src *sockets.Socket) (more bool) {
	pieces, next := l.backlog[src], 0
	delete(l.backlog, src)
	if pieces == nil {
		pieces = l.pieces[:0] // the listener's own list, kept from call to call
	}
	finished := false
	defer func() {
		if !finished {
			if next < len(pieces) {
				l.backlog[src] = append([]piece(nil), pieces[next:]...)
			}
			s.async.note(src)
		}
	}()
	for handled := 0; handled < handlerBatch && !src.Closed(); {
		if next == len(pieces) {
			clear(pieces) // what was handled is not kept alive by the list
			if pieces, next = l.take(src, pieces[:0], handlerBatch-handled), 0; len(pieces) == 0 {
				break
			}
		}
		for next < len(pieces) {
			p := pieces[next]
			next++
			s.handle(l, src, p.data, p.complete)
			handled++
		}
	}
	finished = true
	clear(pieces)
	l.pieces = pieces[:0]
	return !src.Closed() && src.Arrived() // what a connection read here holds is found by the next read
}

// take appends to pieces what has arrived on src, as the pieces its handler gets: each frame
// of a ZeroMQ message (as Wolfram's ZeroMQ listeners have it; up to max messages at once), each
// record of a TCP stream, or each read when there are no record separators.
func (l *listener) take(src *sockets.Socket, pieces []piece, max int) []piece {
	if src.ZMQ() != nil {
		msgs, _ := src.TryReadMessages(l.msgs[:0], max) // an error: nothing, or what came before it
		for _, msg := range msgs {
			for j, f := range msg {
				pieces = append(pieces, piece{f, j == len(msg)-1})
			}
		}
		clear(msgs)
		l.msgs = msgs[:0]
		return pieces
	}
	data, err := src.TryReadArrived(maxMessage) // a connection read here: its next read finds the rest
	if errors.Is(err, io.EOF) || err != nil && data == nil {
		if rest := l.partial[src]; len(rest) > 0 { // the end finishes the last record
			delete(l.partial, src)
			pieces = append(pieces, piece{rest, true})
		}
		return pieces
	}
	if data == nil { // nothing has arrived
		return pieces
	}
	for _, rec := range l.records(src, data) {
		pieces = append(pieces, piece{rec, true})
	}
	return pieces
}

// records cuts what arrived into the listener's records, keeping an unfinished one for later.
func (l *listener) records(src *sockets.Socket, data []byte) [][]byte {
	if l.sepN == 0 && l.seps == nil {
		return [][]byte{data}
	}
	buf := data
	if rest := l.partial[src]; len(rest) > 0 {
		buf = append(rest, data...)
	}
	var out [][]byte
	for {
		if l.sepN > 0 {
			if len(buf) < l.sepN {
				break
			}
			out = append(out, buf[:l.sepN:l.sepN])
			buf = buf[l.sepN:]
			continue
		}
		at, width := -1, 0
		for _, sep := range l.seps {
			if i := bytes.Index(buf, sep); i >= 0 && (at < 0 || i < at) {
				at, width = i, len(sep)
			}
		}
		if at < 0 {
			break
		}
		out = append(out, buf[:at:at])
		buf = buf[at+width:]
	}
	if len(buf) > 0 {
		l.partial[src] = append([]byte(nil), buf...)
	} else {
		delete(l.partial, src)
	}
	return out
}

// handle runs the handler on one piece of data. A handler that fails prints its message and
// the listener goes on; Ctrl-C stops it (and what it interrupted).
func (s *Session) handle(l *listener, src *sockets.Socket, data []byte, complete bool) {
	if l.handler == nil {
		return
	}
	if l.noEvent {
		s.callHandler(l.handler, nil)
		return
	}
	// the association is made directly, its size known: this runs once per message
	n := len(l.eventKeys)
	a := &Assoc{keys: make([]Expr, n), vals: make([]Expr, n), delay: make([]bool, n)}
	for i, k := range l.eventKeys {
		var v Expr
		switch k {
		case "Timestamp":
			v = dateNowObject(s.Now())
		case "Socket":
			v = l.sockExpr
		case "SourceSocket":
			v = l.sockExpr
			if src != l.sock {
				v = socketExpr(src)
			}
		case "Data":
			if l.enc == encUTF8 {
				v = String(bytesDecodeUTF8(data))
			} else {
				v = String(bytesLatin1(data))
			}
		case "DataBytes":
			bs := make([]Expr, len(data))
			for i, b := range data {
				bs[i] = Int(b)
			}
			v = List(bs...)
		case "DataByteArray":
			v = &ByteArray{B: data}
		case "MultipartComplete":
			v = Bool(complete)
		}
		a.keys[i], a.vals[i] = l.keyExprs[i], v
	}
	s.callHandler(l.handler, a)
}

// callHandler evaluates f[arg] (arg nil: f[], for a pure function without slots) as a handler:
// a Go panic or an uncaught Throw is reported as at the top level, and evaluation goes on
// after it; an abort goes on up.
func (s *Session) callHandler(f, arg Expr) {
	depth := s.depth
	s.inHandler = true
	defer func() {
		s.inHandler = false
		r := recover()
		if r == nil {
			return
		}
		if _, ok := r.(abortSignal); ok {
			panic(r)
		}
		s.depth = depth
		s.topLevelSignal(r, InputForm(f)+"[…]")
	}()
	var args []Expr
	if arg != nil {
		args = []Expr{arg}
	}
	if fn, ok := f.(*Normal); ok && fn.Head == SymFunction {
		s.applyFunction(fn, args) // no call to build and evaluate
		return
	}
	s.Eval(NewNormal(f, args...))
}

// ---------------------------------------------------------------- safe points

// waitSafely runs wait — a blocking call that watches ctx and gives up after d (< 0: no
// limit) — with handlers running meanwhile: when news comes, wait's context ends, the
// handlers run, and wait is called again with the time left.
func (s *Session) waitSafely(d time.Duration, wait func(ctx context.Context, d time.Duration) (bool, error)) (bool, error) {
	if len(s.listeners) == 0 && !s.tracing() { // trace: a traced session's waits print its trace
		return wait(s.ctx, d)
	}
	var deadline time.Time
	if d >= 0 {
		deadline = time.Now().Add(d)
	}
	for {
		s.runHandlers()
		left := time.Duration(-1)
		if d >= 0 {
			if left = time.Until(deadline); left < 0 {
				left = 0
			}
		}
		ctx, done := s.cutContext(s.ctx)
		ok, err := wait(ctx, left)
		done()
		if err != nil && s.ctx.Err() == nil && (ctx.Err() != nil || err == errNews) && !s.stopping() {
			continue // news: handle it, then wait on
		}
		if !s.inHandler {
			s.releaseHere()
		}
		return ok, err
	}
}

// errNews ends a wait of waitSafely's for news that the wait found itself (WaitHere). Not
// ctx's error: the announcement that cancels ctx may not have done so yet.
var errNews = errors.New("news")

// cutContext is a child of parent that news ends (a listener's, or trace lines to print), at
// once when news is there already; done uninstalls it.
func (s *Session) cutContext(parent context.Context) (ctx context.Context, done func()) {
	ctx, cancel := context.WithCancel(parent)
	if s.async.setCut(cancel) || s.tracePending() { // trace: lines came meanwhile
		cancel()
	}
	return ctx, func() {
		s.async.setCut(nil)
		cancel()
	}
}

// hereSource is the connection that a Pause with listeners reads itself (WaitHere), or nil:
// the TCP connection whose news the handlers served last, twice running, while no other news
// waits — one client in a conversation (an echo, a request and its reply), whose next message
// then wakes the evaluator directly rather than through the connection's reader goroutine (see
// sockets/here.go). Clients that take turns do not qualify, so that the connection read here
// does not change hands at every message. A connection that stops qualifying is given back to
// its reader goroutine.
func (s *Session) hereSource() *sockets.Socket {
	src := s.served
	if !s.twice || src == nil || !src.Stream() || s.inHandler || s.async.any() || src.Closed() || s.listenerFor(src) == nil {
		s.releaseHere()
		return nil
	}
	if s.here != src {
		s.releaseHere()
		s.here = src
	}
	return src
}

// WaitIdle waits between inputs for the next message of the conversation the handlers are
// serving (the connection a Pause would read itself: hereSource), reading it on the caller's
// goroutine, the evaluator's; it returns true when news has come (RunHandlers next), false when
// ctx ends, and false at once when no such conversation goes on. ReleaseIdle gives the
// connection back to its reader goroutine when the idle waits are over.
func (s *Session) WaitIdle(ctx context.Context) bool {
	src := s.hereSource()
	if src == nil {
		return false
	}
	wctx, done := s.cutContext(ctx)
	src.WaitHere(wctx, -1)
	done()
	return ctx.Err() == nil && (s.async.any() || s.tracePending())
}

// ReleaseIdle ends what WaitIdle took: the connection goes back to its reader goroutine.
func (s *Session) ReleaseIdle() { s.releaseHere() }

// releaseHere gives the connection read here back to its reader goroutine.
func (s *Session) releaseHere() {
	if s.here != nil {
		s.here.Resume()
		s.here = nil
	}
}

// waitSocket is sock.Wait as a safe point.
func (s *Session) waitSocket(sock *sockets.Socket, d time.Duration) (bool, error) {
	return s.waitSafely(d, func(ctx context.Context, d time.Duration) (bool, error) { return sock.Wait(ctx, d) })
}

// Wake delivers when a listener has news, or a traced socket (trace lines to print); an idle
// REPL then calls RunHandlers.
func (s *Session) Wake() <-chan struct{} { return s.async.wake }

// RunHandlers runs the handlers of what has arrived, as a safe point between inputs: under
// ctx, whose cancelling (Ctrl-C) stops the handler under way. It prints the trace lines that
// wait, too. It reports whether it ran any listener's handlers or printed anything (false:
// nothing to do).
func (s *Session) RunHandlers(ctx context.Context) bool {
	printed := s.printTrace() // trace: printed here too, with no listener at all
	if len(s.listeners) == 0 || !s.async.any() {
		return printed
	}
	s.handling.Store(true)
	defer s.handling.Store(false)
	s.do(ctx, "", func() Expr {
		s.runHandlers()
		return SymNull
	})
	if s.async.any() {
		s.async.signal() // stopped by Ctrl-C: the rest are handled at the next safe point
	}
	return true
}

// Handling reports whether handlers are running between inputs (RunHandlers): Ctrl-C then
// stops them, not the input being typed.
func (s *Session) Handling() bool { return s.handling.Load() }

// ---------------------------------------------------------------- SocketWaitNext, SocketWaitAll

func fnSocketWaitNext(s *Session, c *Normal) Expr { return s.socketWait("SocketWaitNext", c, false) }
func fnSocketWaitAll(s *Session, c *Normal) Expr  { return s.socketWait("SocketWaitAll", c, true) }

// socketWait waits until one socket of the list (all: every one) is ready for the event. It
// is a safe point. SocketWaitNext gives the ready ones, {} on timeout; SocketWaitAll its list,
// also on timeout (as Wolfram's implementation does).
func (s *Session) socketWait(fn string, c *Normal, all bool) Expr {
	pos, opts, ok := s.Options(c.Head.(*Symbol).builtin, c)
	if !ok {
		return SymFailed
	}
	list, isList := pos[0].(*Normal)
	if !isList || list.Head != SymList || len(list.Args) == 0 {
		s.Message(fn, "sock")
		return SymFailed
	}
	socks := make([]*sockets.Socket, len(list.Args))
	for i, e := range list.Args {
		id, isSock := socketID(e)
		sock, found := s.registry().Get(id)
		if !isSock || !found || sock.Closed() {
			s.Message(fn, "sock")
			return SymFailed
		}
		if tcpServer(sock) {
			s.Message(fn, "tcpServerSockPoll", e)
			return SymFailed
		}
		socks[i] = sock
	}
	event := "PollInput"
	if len(pos) == 2 {
		ev, _ := pos[1].(String)
		if ev != "PollInput" && ev != "PollOutput" && ev != "PollError" {
			s.Message(fn, "event", pos[1])
			return SymFailed
		}
		event = string(ev)
	}
	limit, ok := timeoutArg(opts["TimeConstraint"])
	if !ok {
		s.Message(fn, "timeout", opts["TimeConstraint"])
		return SymFailed
	}
	ready := pollReady(event)
	readyOnes := func() []Expr {
		var out []Expr
		for i, sock := range socks {
			if ready(sock) {
				out = append(out, list.Args[i])
			}
		}
		return out
	}
	_, err := s.waitSafely(limit, func(ctx context.Context, d time.Duration) (bool, error) {
		if all {
			return waitAll(ctx, socks, d, ready)
		}
		return sockets.WaitAny(ctx, socks, d, ready)
	})
	if err != nil {
		s.abortIfInterrupted()
	}
	if all {
		return list
	}
	return List(readyOnes()...)
}

// waitAll waits until ready holds for every socket, or ctx or the time limit ends the wait.
func waitAll(ctx context.Context, socks []*sockets.Socket, d time.Duration, ready func(*sockets.Socket) bool) (bool, error) {
	var deadline time.Time
	if d >= 0 {
		deadline = time.Now().Add(d)
	}
	for _, sock := range socks {
		left := time.Duration(-1)
		if d >= 0 {
			if left = time.Until(deadline); left < 0 {
				left = 0
			}
		}
		one := []*sockets.Socket{sock}
		if ok, err := sockets.WaitAny(ctx, one, left, ready); !ok || err != nil {
			return false, err
		}
	}
	return true, nil
}

// pollReady is what an event type asks of a socket: data to read (PollInput); room to write
// (PollOutput: a TCP connection that is open, a ZeroMQ socket with a peer, or one that drops
// what it cannot send); its peer gone or its end reached (PollError).
func pollReady(event string) func(*sockets.Socket) bool {
	switch event {
	case "PollOutput":
		return func(sock *sockets.Socket) bool {
			if z := sock.ZMQ(); z != nil {
				return !sock.Closed() && (len(z.Peers()) > 0 || z.Type == "PUB" || z.Type == "XPUB")
			}
			return !sock.Closed() && !sock.AtEnd()
		}
	case "PollError":
		return func(sock *sockets.Socket) bool { return sock.Closed() || sock.AtEnd() }
	}
	return (*sockets.Socket).Ready
}
