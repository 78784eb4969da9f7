package eval

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/socketrepl/socketrepl/grammar"
	"github.com/socketrepl/socketrepl/sockets"
)

// Reading and writing sockets with Wolfram's stream functions. Text goes out as UTF-8;
// ReadString maps bytes to characters one to one, as Wolfram's binary socket streams do
// (ByteArrayToString[ReadByteArray[s]] decodes UTF-8).

var socketIOBuiltins = []*Builtin{
	{Name: "WriteString", Transient: true, Min: 1, Max: -1, Fn: fnWriteString,
		Usage: "WriteString[sock, e1, e2, …] writes strings (other expressions in OutputForm), with no newline added."},
	{Name: "WriteLine", Min: 2, Max: 2, Fn: fnWriteLine,
		Usage: "WriteLine[sock, \"text\"] writes the text and a newline."},
	{Name: "Write", Min: 1, Max: -1, Fn: fnWrite,
		Usage: "Write[sock, e1, e2, …] writes the expressions in InputForm, then a newline; Read reads them back."},
	{Name: "BinaryWrite", Min: 2, Max: 3, Fn: fnBinaryWrite, Options: []Option{{"ByteOrdering", Int(-1)}},
		Usage: "BinaryWrite[sock, b | {b1, …} | \"string\" | ByteArray[…]] writes bytes.\n" +
			"BinaryWrite[sock, x | {x1, …}, \"type\"] writes numbers as \"Integer32\", \"Real64\", \"UnsignedInteger16\", … (option ByteOrdering)."},
	{Name: "SocketReadMessage", Transient: true, Min: 1, Max: 1, Fn: fnSocketReadMessage,
		Options: []Option{{"Multipart", SymTrue}, {"Blocking", SymTrue}},
		Usage: "SocketReadMessage[sock] waits for data and returns what has arrived as a ByteArray (EndOfFile once the peer has closed).\n" +
			"SocketReadMessage[sock, \"Blocking\" -> False] returns an empty ByteArray instead of waiting."},
	{Name: "SocketReadyQ", Min: 1, Max: 2, Fn: fnSocketReadyQ, Messages: badTimeout,
		Usage: "SocketReadyQ[sock] says whether data is waiting to be read; SocketReadyQ[sock, t] waits up to t seconds (or a time Quantity)."},
	{Name: "ReadString", Min: 1, Max: 2, Fn: fnReadString, Messages: badTimeout, Options: []Option{{"TimeConstraint", SymInfinity}},
		Usage: "ReadString[sock] reads until the peer closes; ReadString[sock, \"term\" | EndOfBuffer | EndOfLine] reads up to a terminator.\n" +
			"Bytes become characters one to one; TimeConstraint -> t returns what arrived within t seconds."},
	{Name: "ReadByteArray", Min: 1, Max: 2, Fn: fnReadByteArray, Messages: badTimeout, Options: []Option{{"TimeConstraint", SymInfinity}},
		Usage: "ReadByteArray[sock] reads until the peer closes; ReadByteArray[sock, n | ByteArray[…] | \"term\" | EndOfBuffer | EndOfLine | {terms…}] reads n bytes or up to a terminator."},
	{Name: "ReadLine", Min: 1, Max: 1, Fn: fnReadLine,
		Usage: "ReadLine[sock] reads one line, without its newline."},
	{Name: "Read", Min: 1, Max: 2, Fn: fnRead,
		Usage: "Read[sock] reads one expression (as Write sends them) and evaluates it.\n" +
			"Read[sock, String | Byte | Character | Expression] reads a line, a byte, a character or an expression."},
	{Name: "BinaryRead", Min: 1, Max: 2, Fn: fnBinaryRead, Options: []Option{{"ByteOrdering", Int(-1)}},
		Usage: "BinaryRead[sock] reads a byte; BinaryRead[sock, \"type\"] one value of the type (\"Integer32\", \"Real64\", …)."},
	{Name: "BinaryReadList", Min: 1, Max: 3, Fn: fnBinaryReadList, Options: []Option{{"ByteOrdering", Int(-1)}},
		Usage: "BinaryReadList[sock, \"type\", n] reads n values (fewer if the peer closes); without n, until the peer closes."},
}

// badTimeout is Wolfram's message for a time limit that is not one; the general "timeout"
// is a connection's.
var badTimeout = map[string]string{
	"timeout": "The value `1` for timeout is invalid, must be a non negative Integer in seconds, a Quantity, or Infinity",
}

// maxGather bounds what one read to the end gathers (DESIGN.md); past it the read stops with
// a message, and the rest stays to be read.
const maxGather = 1 << 30

// maxMessage bounds one SocketReadMessage.
const maxMessage = 16 << 20

func init() {
	for tag, text := range map[string]string{
		"toolarge":          "The read stopped after gathering `1` bytes; the rest stays to be read.",
		"readt":             "The type `1` is not one of String, Byte, Character, Expression.",
		"terms":             "`1` is not a valid terminator: use a string, a ByteArray, EndOfFile, EndOfBuffer, EndOfLine or a list of them.",
		"sock":              "`1` only works on valid SocketObjects.",
		"nocoerce":          "`1` cannot be coerced to the specified format.",
		"format":            "`1` is not a valid binary type.",
		"bytord":            "The value `1` of ByteOrdering should be 1 or -1.",
		"multipartOpt":      "The option value for \"Multipart\", `1`, should be True, False or List",
		"tcpServerSockPoll": "The socket `1` is a TCP server socket and cannot be polled - use the property \"ConnectedClients\" to get client sockets that may be polled.",
	} {
		generalMessages[tag] = text
	}
}

// streamArg finds the socket a read or write works on. A server socket gets
// tcpServerNoAccess (under fn's name for SocketReadMessage, SocketObject's otherwise, as
// Wolfram has them); anything that is no socket gets General::stream and the call stays
// unevaluated (failed false).
func (s *Session) streamArg(fn string, e Expr) (sock *sockets.Socket, failed bool) {
	sock, ok, handled := s.socketArg(e)
	if !handled {
		s.Message(fn, "stream", e)
		return nil, false
	}
	if !ok {
		return nil, true
	}
	if tcpServer(sock) {
		tagSym := "SocketObject"
		if fn == "SocketReadMessage" {
			tagSym = fn
		}
		s.Message(tagSym, "tcpServerNoAccess", e)
		return nil, true
	}
	return sock, false
}

// tcpServer reports whether sock is a TCP server, which has no stream of its own (a bound
// ZeroMQ socket reads and writes).
func tcpServer(sock *sockets.Socket) bool {
	return sock.Role == sockets.Server && sock.ZMQ() == nil
}

// ---------------------------------------------------------------- writing

// sendEach sends each piece: on a ZeroMQ socket one message each (as Wolfram's socket streams
// flush each write as a message), on TCP all together.
func (s *Session) sendEach(fn string, sock *sockets.Socket, pieces ...[]byte) Expr {
	if sock.ZMQ() == nil {
		if len(pieces) == 1 {
			return s.send(fn, sock, pieces[0])
		}
		return s.send(fn, sock, sockets.JoinFrames(pieces))
	}
	for _, p := range pieces {
		if !s.writeZMQ(fn, sock, [][]byte{p}, false, false) {
			return SymFailed
		}
	}
	return SymNull
}

// send writes data on the socket of c.Args[0]: Null, or $Failed after a message.
func (s *Session) send(fn string, sock *sockets.Socket, data []byte) Expr {
	if err := sock.Write(s.ctx, data); err != nil {
		if sockets.KindOf(err) == sockets.Closed {
			s.Message("SocketObject", "invalidSock", socketExpr(sock))
			return SymFailed
		}
		s.socketError(fn, err)
		return SymFailed
	}
	return SymNull
}

// writeText is the text WriteString sends for an argument: strings as they are, anything else
// in OutputForm.
func writeText(b *strings.Builder, e Expr) {
	if str, ok := e.(String); ok {
		b.WriteString(string(str))
		return
	}
	b.WriteString(OutputForm(e))
}

func fnWriteString(s *Session, c *Normal) Expr {
	sock, failed := s.streamArg("WriteString", c.Args[0])
	if sock == nil {
		return failedOr(failed)
	}
	if len(c.Args) == 2 {
		if str, ok := c.Args[1].(String); ok {
			return s.sendEach("WriteString", sock, []byte(str))
		}
	}
	if sock.ZMQ() != nil {
		pieces := make([][]byte, len(c.Args)-1)
		for i, a := range c.Args[1:] {
			var b strings.Builder
			writeText(&b, a)
			pieces[i] = []byte(b.String())
		}
		return s.sendEach("WriteString", sock, pieces...)
	}
	var b strings.Builder
	for _, a := range c.Args[1:] {
		writeText(&b, a)
	}
	return s.send("WriteString", sock, []byte(b.String()))
}

func fnWriteLine(s *Session, c *Normal) Expr {
	sock, failed := s.streamArg("WriteLine", c.Args[0])
	if sock == nil {
		return failedOr(failed)
	}
	str, ok := c.Args[1].(String)
	if !ok {
		s.Message("WriteLine", "string", Int(2), c)
		return nil
	}
	return s.sendEach("WriteLine", sock, []byte(string(str)+"\n"))
}

func fnWrite(s *Session, c *Normal) Expr {
	sock, failed := s.streamArg("Write", c.Args[0])
	if sock == nil {
		return failedOr(failed)
	}
	// the expressions, then the newline: on ZeroMQ a message each, as Wolfram documents
	pieces := make([][]byte, 0, len(c.Args))
	for _, a := range c.Args[1:] {
		pieces = append(pieces, []byte(InputForm(a)))
	}
	pieces = append(pieces, []byte("\n"))
	return s.sendEach("Write", sock, pieces...)
}

// failedOr is $Failed after a message about a socket, or nil (unevaluated) when the argument
// was no socket at all.
func failedOr(failed bool) Expr {
	if failed {
		return SymFailed
	}
	return nil
}

func fnBinaryWrite(s *Session, c *Normal) Expr {
	const fn = "BinaryWrite"
	pos, opts, ok := s.Options(c.Head.(*Symbol).builtin, c)
	if !ok {
		return nil
	}
	sock, failed := s.streamArg(fn, pos[0])
	if sock == nil {
		return failedOr(failed)
	}
	little, ok := byteOrdering(opts["ByteOrdering"])
	if !ok {
		s.Message(fn, "bytord", opts["ByteOrdering"])
		return SymFailed
	}
	var data []byte
	if len(pos) == 3 {
		data, ok = s.encodeTyped(fn, pos[1], pos[2], little)
	} else {
		data, ok = s.rawBytes(fn, pos[1])
	}
	if !ok {
		return SymFailed
	}
	return s.sendEach(fn, sock, data)
}

// rawBytes reads BinaryWrite's untyped data: a byte, a list of bytes, a string of
// characters up to 255, or a ByteArray.
func (s *Session) rawBytes(fn string, e Expr) ([]byte, bool) {
	switch x := e.(type) {
	case *ByteArray:
		return x.B, true
	case String:
		out := make([]byte, 0, len(x))
		for _, r := range string(x) {
			if r > 255 {
				s.Message(fn, "nocoerce", x)
				return nil, false
			}
			out = append(out, byte(r))
		}
		return out, true
	case Int:
		if x >= 0 && x <= 255 {
			return []byte{byte(x)}, true
		}
	case *Normal:
		if x.Head == SymList {
			out := make([]byte, len(x.Args))
			for i, a := range x.Args {
				b, ok := a.(Int)
				if !ok || b < 0 || b > 255 {
					s.Message(fn, "nocoerce", a)
					return nil, false
				}
				out[i] = byte(b)
			}
			return out, true
		}
	}
	s.Message(fn, "nocoerce", e)
	return nil, false
}

// encodeTyped encodes x (or a list of values) as type (or a list of types, used in turn).
func (s *Session) encodeTyped(fn string, x, typ Expr, little bool) ([]byte, bool) {
	types, ok := s.binaryTypes(fn, typ)
	if !ok {
		return nil, false
	}
	values := []Expr{x}
	if l, isList := x.(*Normal); isList && l.Head == SymList {
		values = l.Args
	}
	var out []byte
	for i, v := range values {
		t := types[i%len(types)]
		if str, isString := v.(String); isString && t.kind == binChar {
			// a string goes out character by character, each in this type
			for _, r := range string(str) {
				if out, ok = t.encode(out, String(string(r)), little); !ok {
					s.Message(fn, "nocoerce", v)
					return nil, false
				}
			}
			continue
		}
		if out, ok = t.encode(out, v, little); !ok {
			s.Message(fn, "nocoerce", v)
			return nil, false
		}
	}
	return out, true
}

// binaryTypes reads a type name or a list of them.
func (s *Session) binaryTypes(fn string, typ Expr) ([]binaryType, bool) {
	names := []Expr{typ}
	if l, isList := typ.(*Normal); isList && l.Head == SymList && len(l.Args) > 0 {
		names = l.Args
	}
	out := make([]binaryType, len(names))
	for i, n := range names {
		str, _ := n.(String)
		t, ok := lookupBinaryType(string(str))
		if !ok {
			s.Message(fn, "format", n)
			return nil, false
		}
		out[i] = t
	}
	return out, true
}

// ---------------------------------------------------------------- reading

// waitAbort ends a blocking read that Ctrl-C interrupted: the bytes already gathered go back
// to the socket first, so nothing is lost.
func (s *Session) waitAbort(sock *sockets.Socket, gathered []byte) {
	if s.ctx.Err() != nil {
		s.abortRead(sock, gathered)
	}
}

// stopping reports whether the evaluation has been interrupted or its time is up.
func (s *Session) stopping() bool { return s.interrupted.Load() || s.ctx.Err() != nil }

// abortRead puts what a read had gathered back and aborts the evaluation.
func (s *Session) abortRead(sock *sockets.Socket, gathered []byte) {
	sock.Unread(gathered)
	s.interrupted.Store(true)
	s.checkAbort()
}

func fnSocketReadMessage(s *Session, c *Normal) Expr {
	const fn = "SocketReadMessage"
	multipart, blocking := Expr(SymTrue), true // the defaults: a read in a loop looks up nothing
	if len(c.Args) > 1 {
		_, opts, ok := s.Options(c.Head.(*Symbol).builtin, c)
		if !ok {
			return nil
		}
		multipart, blocking = opts["Multipart"], opts["Blocking"] != SymFalse
	}
	if multipart != SymTrue && multipart != SymFalse && multipart != SymList {
		s.Message(fn, "multipartOpt", multipart)
		return SymFailed
	}
	sock, failed := s.streamArg(fn, c.Args[0])
	if sock == nil {
		return failedOr(failed)
	}
	if sock.ZMQ() != nil {
		return s.readMessageZMQ(sock, multipart, blocking)
	}
	v := s.readTCPMessage(fn, sock, blocking)
	if ba, ok := v.(*ByteArray); ok && multipart == SymList {
		return List(ba) // a TCP read is one piece
	}
	return v
}

// readTCPMessage is SocketReadMessage on a TCP socket: what has arrived.
func (s *Session) readTCPMessage(fn string, sock *sockets.Socket, blocking bool) Expr {
	var data []byte
	var err error
	if !blocking {
		data, err = sock.TryRead(maxMessage)
		if err == nil && data == nil {
			data = []byte{}
		}
	} else {
		for {
			if data, err = sock.TryRead(maxMessage); data != nil || err != nil {
				break
			}
			if _, err = s.waitSocket(sock, -1); err != nil {
				break
			}
		}
	}
	return s.readResult(fn, sock, data, err)
}

// readResult turns what a read gave into its value: a ByteArray, EndOfFile, or a message.
func (s *Session) readResult(fn string, sock *sockets.Socket, data []byte, err error) Expr {
	switch {
	case err == nil:
		return &ByteArray{B: data}
	case errors.Is(err, io.EOF):
		return SymEndOfFile
	}
	s.waitAbort(sock, nil)
	if sockets.KindOf(err) == sockets.Closed {
		s.Message("SocketObject", "invalidSock", socketExpr(sock))
		return SymFailed
	}
	s.socketError(fn, err)
	return SymEndOfFile
}

func fnSocketReadyQ(s *Session, c *Normal) Expr {
	const fn = "SocketReadyQ"
	sock, ok, handled := s.socketArg(c.Args[0])
	if !handled {
		s.Message(fn, "sock", s.Intern(fn))
		return SymFailed
	}
	if !ok {
		return SymFailed
	}
	if tcpServer(sock) {
		s.Message(fn, "tcpServerSockPoll", c.Args[0])
		return SymFailed
	}
	if len(c.Args) == 2 {
		d, ok := timeoutArg(c.Args[1])
		if !ok {
			s.Message(fn, "timeout", c.Args[1])
			return SymFailed
		}
		if _, err := s.waitSocket(sock, d); err != nil {
			s.abortIfInterrupted()
		}
	}
	return Bool(sock.Ready())
}

// timeoutArg reads a wait's time limit: seconds, a time Quantity, or Infinity, Automatic and
// Default for none (-1).
func timeoutArg(e Expr) (time.Duration, bool) {
	if e == SymInfinity || e == SymAutomatic || e == sys("Default") {
		return -1, true
	}
	d, ok := Seconds(e)
	if !ok || d < 0 {
		return 0, false
	}
	if d == time.Duration(1<<63-1) {
		return -1, true
	}
	return d, true
}

// terminator says where a read stops: find reports the end of the result and how many bytes
// after it the terminator takes, in data, looking from from on.
type terminator struct {
	toEOF    bool // EndOfFile: until the peer closes
	toBuffer bool // EndOfBuffer: what has arrived, without waiting
	count    int  // n bytes (0: no count)
	seqs     [][]byte
	line     bool      // EndOfLine: \n, \r\n or \r
	expr     *exprScan // Read: the first line end at which the text is a whole expression
	max      int       // the most one read gathers (0: maxGather)
}

// endOnly reports whether only the end of the data stops the read (EndOfFile, EndOfBuffer):
// such a read takes what has arrived in large pieces, as there is nothing to look for in it.
func (t *terminator) endOnly() bool {
	return t.count == 0 && len(t.seqs) == 0 && !t.line && t.expr == nil
}

// bound is the most one read gathers.
func (t *terminator) bound() int {
	if t.max > 0 {
		return t.max
	}
	return maxGather
}

// find looks for the terminator in data: the end of the result and the end of the
// terminator, or ok false.
func (t *terminator) find(data []byte, from int) (end, next int, ok bool) {
	if t.count > 0 && len(data) >= t.count {
		return t.count, t.count, true
	}
	if t.expr != nil {
		return t.expr.find(data)
	}
	best := -1
	bestNext := 0
	for _, seq := range t.seqs {
		if i := bytes.Index(data[max(0, from-len(seq)+1):], seq); i >= 0 {
			i += max(0, from-len(seq)+1)
			if best < 0 || i < best {
				best, bestNext = i, i+len(seq)
			}
		}
	}
	if t.line {
		start := max(0, from-1)
		if i := bytes.IndexAny(data[start:], "\r\n"); i >= 0 {
			i += start
			next := i + 1
			if data[i] == '\r' {
				if i+1 == len(data) {
					// a \r at the end may be the start of \r\n: wait for one more byte
					if best < 0 {
						return 0, 0, false
					}
				} else if data[i+1] == '\n' {
					next = i + 2
				}
			}
			if best < 0 || i < best {
				best, bestNext = i, next
			}
		}
	}
	return best, bestNext, best >= 0
}

// exprScan finds where the text Read has gathered first makes a whole expression: at a line
// end, outside strings and comments, with every bracket closed, and then only if the parser
// agrees (a line may end in an operator). It keeps its place between calls, so each byte is
// looked at once and the parser sees only the candidate lines: reading an expression of many
// lines stays linear in its length.
type exprScan struct {
	pos      int  // bytes looked at
	depth    int  // brackets open
	comments int  // comments open (they nest)
	inString bool // inside "…"
	escaped  bool // after a \ inside a string
	sawToken bool // something other than white space and comments
	prev     byte // the byte before, for the two-byte (* *) <| |>
}

func (x *exprScan) find(data []byte) (end, next int, ok bool) {
	for ; x.pos < len(data); x.pos++ {
		c := data[x.pos]
		if (c == '\n' || c == '\r') && !x.inString && x.comments == 0 && x.depth <= 0 && x.sawToken {
			i := x.pos
			next := i + 1
			if c == '\r' {
				if i+1 == len(data) {
					return 0, 0, false // perhaps \r\n: look again when more has come
				}
				if data[i+1] == '\n' {
					next++
				}
			}
			if !grammar.NeedsMore(decodeText(data[:i])) {
				return i, next, true
			}
		}
		x.step(c)
	}
	return 0, 0, false
}

// step follows one byte of Wolfram Language text.
func (x *exprScan) step(c byte) {
	prev := x.prev
	x.prev = c
	switch {
	case x.inString:
		switch {
		case x.escaped:
			x.escaped = false
		case c == '\\':
			x.escaped = true
		case c == '"':
			x.inString = false
		}
	case x.comments > 0:
		if prev == '*' && c == ')' {
			x.comments--
			x.prev = 0
		} else if prev == '(' && c == '*' {
			x.comments++
			x.prev = 0
		}
	default:
		switch c {
		case ' ', '\t', '\n', '\r', '\f':
		case '(':
			x.depth++ // not yet a token: it may open a comment
		case '*':
			if prev == '(' {
				x.depth--
				x.comments++
				x.prev = 0
				return
			}
			x.sawToken = true
		case '"':
			x.inString = true
			x.sawToken = true
		case '[', '{':
			x.depth++
			x.sawToken = true
		case ')', ']', '}':
			x.depth--
			x.sawToken = true
		case '|':
			if prev == '<' {
				x.depth++
			}
			x.sawToken = true
		case '>':
			if prev == '|' {
				x.depth--
			}
			x.sawToken = true
		default:
			x.sawToken = true
		}
	}
}

// decodeText turns bytes read as program text into a string: UTF-8 (as Write sends), or one
// character per byte when the bytes are not UTF-8.
func decodeText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return bytesLatin1(b)
}

// terminatorArg reads ReadString's and ReadByteArray's second argument.
func (s *Session) terminatorArg(fn string, e Expr, allowCount bool) (*terminator, bool) {
	t := &terminator{}
	var add func(e Expr, top bool) bool
	add = func(e Expr, top bool) bool {
		switch x := e.(type) {
		case *Symbol:
			switch x {
			case SymEndOfFile:
				t.toEOF = true
				return true
			case sys("EndOfBuffer"):
				t.toBuffer = true
				return true
			case sys("EndOfLine"):
				t.line = true
				return true
			}
		case String:
			if x != "" {
				t.seqs = append(t.seqs, latin1Bytes(string(x)))
				return true
			}
		case *ByteArray:
			if len(x.B) > 0 {
				t.seqs = append(t.seqs, x.B)
				return true
			}
		case Int:
			if allowCount && top && x >= 0 {
				t.count = int(min(int64(x), maxGather))
				if x == 0 {
					t.count = -1 // zero bytes: an empty result at once
				}
				return true
			}
		case *Normal:
			if top && x.Head == SymList && len(x.Args) > 0 {
				for _, a := range x.Args {
					if !add(a, false) {
						return false
					}
				}
				return true
			}
		}
		s.Message(fn, "terms", e)
		return false
	}
	if !add(e, true) {
		return nil, false
	}
	return t, true
}

// latin1Bytes turns characters up to 255 into bytes one to one (others as UTF-8): the inverse
// of how ReadString turns bytes into characters.
func latin1Bytes(str string) []byte {
	out := make([]byte, 0, len(str))
	for _, r := range str {
		if r <= 255 {
			out = append(out, byte(r))
		} else {
			out = utf8.AppendRune(out, r)
		}
	}
	return out
}

// gather reads from sock until t says to stop, the peer closes, the time limit passes or the
// evaluation is interrupted (Ctrl-C, TimeConstrained: it aborts, after putting back what was
// gathered). eof is true when the peer had closed and nothing was gathered. The time limit and
// the interrupt are looked at after every piece, not only while waiting: a peer that sends
// faster than the read looks through its data must not keep the read from ending.
func (s *Session) gather(fn string, sock *sockets.Socket, t *terminator, limit time.Duration) (data []byte, eof bool, failed bool) {
	if t.count < 0 {
		return []byte{}, false, false
	}
	var deadline time.Time
	if limit >= 0 {
		deadline = time.Now().Add(limit)
	}
	bound := t.bound()
	var acc []byte
	// take a little at a time while looking for a terminator, so that what follows it is not
	// copied back and forth; more as the result grows
	want := 256
	for {
		if t.count > 0 {
			want = t.count - len(acc)
		} else if t.endOnly() {
			want = maxMessage
		}
		chunk, err := sock.TryRead(min(want, bound-len(acc)))
		want = min(2*want, maxMessage)
		if len(chunk) > 0 {
			from := len(acc)
			if acc == nil {
				acc = chunk
			} else {
				acc = append(acc, chunk...)
			}
			if end, next, found := t.find(acc, from); found {
				if next < len(acc) {
					sock.Unread(append([]byte(nil), acc[next:]...))
				}
				return ownBytes(acc[:end]), false, false
			}
			if len(acc) >= bound {
				s.Message(fn, "toolarge", Int(len(acc)))
				return acc, false, false
			}
			if s.stopping() {
				s.abortRead(sock, acc)
			}
			if limit >= 0 && !time.Now().Before(deadline) {
				return acc, false, false
			}
			continue
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				// a reset: say so (once), then it is the end like any other
				if s.readResult(fn, sock, nil, err) == SymFailed {
					return nil, false, true
				}
			}
			if acc == nil {
				return nil, true, false
			}
			if t.line && acc[len(acc)-1] == '\r' {
				// at the end a last \r cannot be the start of \r\n any more
				return acc[: len(acc)-1 : len(acc)-1], false, false
			}
			return acc, false, false
		}
		if t.toBuffer {
			if acc == nil {
				acc = []byte{}
			}
			return acc, false, false
		}
		wait := time.Duration(-1)
		if limit >= 0 {
			wait = time.Until(deadline)
			if wait <= 0 {
				if acc == nil {
					acc = []byte{}
				}
				return acc, false, false
			}
		}
		if _, err := s.waitSocket(sock, wait); err != nil {
			s.waitAbort(sock, acc)
			if sockets.KindOf(err) == sockets.Closed {
				s.Message("SocketObject", "invalidSock", socketExpr(sock))
				return nil, false, true
			}
		}
	}
}

// ownBytes is b, copied when it is a small part of a large array: a short result must not
// keep a whole buffer alive.
func ownBytes(b []byte) []byte {
	if cap(b)-len(b) > 4096 && cap(b) > 2*len(b) {
		return append([]byte(nil), b...)
	}
	return b[:len(b):len(b)]
}

// readArgs reads the socket, terminator and TimeConstraint of ReadString and ReadByteArray.
func (s *Session) readArgs(b *Builtin, c *Normal) (sock *sockets.Socket, t *terminator, limit time.Duration, result Expr) {
	pos, opts, ok := s.Options(b, c)
	if !ok {
		return nil, nil, 0, nil
	}
	sock, failed := s.streamArg(b.Name, pos[0])
	if sock == nil {
		return nil, nil, 0, failedOr(failed)
	}
	t = &terminator{toEOF: true}
	if len(pos) == 2 {
		if t, ok = s.terminatorArg(b.Name, pos[1], b.Name == "ReadByteArray"); !ok {
			return nil, nil, 0, SymFailed
		}
	}
	limit, ok = timeoutArg(opts["TimeConstraint"])
	if !ok {
		s.Message(b.Name, "timeout", opts["TimeConstraint"])
		return nil, nil, 0, SymFailed
	}
	return sock, t, limit, nil
}

func fnReadString(s *Session, c *Normal) Expr    { return s.readTo(c, latin1String) }
func fnReadByteArray(s *Session, c *Normal) Expr { return s.readTo(c, byteArrayOf) }

// readTo reads as ReadString and ReadByteArray do: to their terminator, within their time.
func (s *Session) readTo(c *Normal, conv func([]byte) Expr) Expr {
	b := c.Head.(*Symbol).builtin
	sock, t, limit, result := s.readArgs(b, c)
	if sock == nil {
		return result
	}
	return s.readValue(b.Name, sock, t, limit, conv)
}

// readValue gathers as gather does and gives conv of the data, EndOfFile, or $Failed.
func (s *Session) readValue(fn string, sock *sockets.Socket, t *terminator, limit time.Duration, conv func([]byte) Expr) Expr {
	data, eof, failed := s.gather(fn, sock, t, limit)
	switch {
	case failed:
		return SymFailed
	case eof:
		return SymEndOfFile
	}
	return conv(data)
}

// latin1String maps bytes to characters one to one, as ReadString does.
func latin1String(b []byte) Expr { return String(bytesLatin1(b)) }

func byteArrayOf(b []byte) Expr { return &ByteArray{B: b} }

// readLine reads one line without its line ending; EndOfFile when nothing is left.
func (s *Session) readLine(fn string, sock *sockets.Socket) Expr {
	return s.readValue(fn, sock, &terminator{line: true}, -1, latin1String)
}

func fnReadLine(s *Session, c *Normal) Expr {
	sock, failed := s.streamArg("ReadLine", c.Args[0])
	if sock == nil {
		return failedOr(failed)
	}
	return s.readLine("ReadLine", sock)
}

func fnRead(s *Session, c *Normal) Expr {
	sock, failed := s.streamArg("Read", c.Args[0])
	if sock == nil {
		return failedOr(failed)
	}
	kind := Expr(sys("Expression"))
	if len(c.Args) == 2 {
		kind = c.Args[1]
	}
	switch kind {
	case sys("Expression"):
		return s.readExpression(sock)
	case SymString:
		return s.readLine("Read", sock)
	case sys("Byte"):
		return s.readValue("Read", sock, &terminator{count: 1}, -1, func(b []byte) Expr { return Int(b[0]) })
	case sys("Character"):
		return s.readValue("Read", sock, &terminator{count: 1}, -1, latin1String)
	}
	s.Message("Read", "readt", kind)
	return SymFailed
}

// readExpression reads lines until they make a whole expression, then evaluates it. The text
// is read as one piece, so an interrupted Read puts all of it back; white space and comments
// alone at the end are no expression: EndOfFile.
func (s *Session) readExpression(sock *sockets.Socket) Expr {
	data, eof, failed := s.gather("Read", sock, &terminator{expr: &exprScan{}}, -1)
	switch {
	case failed:
		return SymFailed
	case eof:
		return SymEndOfFile
	case len(data) >= maxGather:
		sock.Unread(data) // ::toolarge has said so: it stays to be read
		return SymFailed
	}
	text := decodeText(data)
	if grammar.Blank(text) {
		return SymEndOfFile
	}
	n, err := grammar.Parse(text)
	if err != nil || n == nil {
		s.Message("Read", "sntx", String(text))
		return SymFailed
	}
	return s.Eval(s.Lower(n))
}

func fnBinaryRead(s *Session, c *Normal) Expr {
	pos, opts, ok := s.Options(c.Head.(*Symbol).builtin, c)
	if !ok {
		return nil
	}
	list := s.binaryReadList("BinaryRead", pos, opts, 1)
	if l, ok := list.(*Normal); ok && l.Head == SymList {
		if len(l.Args) == 0 {
			return SymEndOfFile
		}
		if len(pos) == 2 {
			if tl, ok := pos[1].(*Normal); ok && tl.Head == SymList {
				return l // a list of types reads one value of each
			}
		}
		return l.Args[0]
	}
	return list
}

func fnBinaryReadList(s *Session, c *Normal) Expr {
	pos, opts, ok := s.Options(c.Head.(*Symbol).builtin, c)
	if !ok {
		return nil
	}
	return s.binaryReadList("BinaryReadList", pos, opts, -1)
}

// maxReadValues bounds the values one BinaryReadList gives (each takes a slot of a list):
// past it the read stops with ::toolarge and the rest stays to be read.
var maxReadValues = 1 << 22

// binaryReadList reads values of the types in pos[1] (Byte by default): count of them (pos[2]
// for BinaryReadList; -1 with no count: until the peer closes). The bytes of every value are
// gathered first and decoded after, so an interrupted read puts all of them back. With a list
// of types, EndOfFile stands for each value of a begun sequence that the end cut off.
func (s *Session) binaryReadList(fn string, pos []Expr, opts map[string]Expr, count int) Expr {
	sock, failed := s.streamArg(fn, pos[0])
	if sock == nil {
		return failedOr(failed)
	}
	little, ok := byteOrdering(opts["ByteOrdering"])
	if !ok {
		s.Message(fn, "bytord", opts["ByteOrdering"])
		return SymFailed
	}
	t, _ := lookupBinaryType("Byte")
	types := []binaryType{t}
	typeList := false
	if len(pos) >= 2 {
		if types, ok = s.binaryTypes(fn, pos[1]); !ok {
			return SymFailed
		}
		if l, isList := pos[1].(*Normal); isList && l.Head == SymList {
			typeList = true
			if count == 1 {
				count = len(types)
			}
		}
	}
	if len(pos) == 3 {
		n, ok := pos[2].(Int)
		if !ok || n < 0 {
			s.Message(fn, "intnm", NewNormal(s.Intern(fn), pos...), Int(3))
			return SymFailed
		}
		count = int(min(int64(n), int64(maxReadValues)+1))
	}
	if count == 0 {
		return List()
	}
	// bytesFor is what the first n values take
	bytesFor := func(n int) int {
		b := 0
		for i := 0; i < n%len(types); i++ {
			b += types[i].size()
		}
		for _, t := range types {
			b += n / len(types) * t.size()
		}
		return b
	}
	most := maxReadValues / len(types) * len(types) // whole sequences
	term := &terminator{toEOF: true, max: bytesFor(most)}
	if count > 0 {
		term = &terminator{count: bytesFor(min(count, most))}
	}
	data, _, failed := s.gather(fn, sock, term, -1)
	if failed {
		return SymFailed
	}
	if count > most && len(data) == term.count {
		s.Message(fn, "toolarge", Int(len(data)))
	}
	out := make([]Expr, 0, len(data)/max(1, bytesFor(len(types))/len(types)))
	off := 0
	for i := 0; count < 0 || i < count; i++ {
		t := types[i%len(types)]
		if off+t.size() > len(data) {
			break
		}
		out = append(out, t.decode(data[off:off+t.size()], little))
		off += t.size()
	}
	if off < len(data) {
		sock.Unread(append([]byte(nil), data[off:]...)) // a partial value stays to be read
	}
	if typeList && (len(out) > 0 || count > 0) && (count < 0 || len(out) < count) {
		for len(out) == 0 || len(out)%len(types) != 0 {
			out = append(out, SymEndOfFile)
		}
	}
	return List(out...)
}
