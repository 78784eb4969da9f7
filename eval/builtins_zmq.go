package eval

import (
	"context"
	"errors"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/socketrepl/socketrepl/sockets"
	"github.com/socketrepl/socketrepl/sockets/zmq"
)

// ZeroMQ in the language: type names as Wolfram spells them, the socket options (Options,
// SetOptions, sock["ZMQ_…"]), ZeroMQLink`ZMQSocketWriteMessage, and the reads and writes of
// whole messages and frames that SocketReadMessage, WriteString and friends use on ZMQ sockets.

var zmqBuiltins = []*Builtin{
	{Name: "ZeroMQLink`ZMQSocketWriteMessage", Min: 2, Max: 2, Fn: fnZMQSocketWriteMessage,
		Options: []Option{{"Multipart", SymFalse}, {"Asynchronous", SymFalse}},
		Usage: "ZeroMQLink`ZMQSocketWriteMessage[sock, data] sends data (a ByteArray, a string or a list of bytes) as one message.\n" +
			"ZeroMQLink`ZMQSocketWriteMessage[sock, {f1, f2, …}] sends ByteArrays or strings as the frames of one message.\n" +
			"\"Multipart\" -> True sends a frame with more to follow; \"Asynchronous\" -> True does not wait (Write::zmqagain)."},
	{Name: "Options", Min: 1, Max: 2, Fn: fnOptions,
		Usage: "Options[sock] gives a socket's properties and ZeroMQ options; Options[sock, \"name\"] one of them.\n" +
			"Options[f] gives the options of a builtin function."},
	{Name: "SetOptions", Min: 1, Max: -1, Fn: fnSetOptions,
		Usage: "SetOptions[sock, \"ZMQ_SUBSCRIBE\" -> \"prefix\", …] sets ZeroMQ socket options (also written \"Subscribe\")."},
	{Name: "Needs", Min: 1, Max: 2, Fn: fnNeeds,
		Usage: "Needs[\"ZeroMQLink`\"] makes ZMQSocketWriteMessage available without its context."},
}

func init() {
	for tag, text := range map[string]string{
		"type":                  "The socket type `1` is invalid, valid types are :`2`",
		"invalidSetOptionValue": "The value for option `1`, `2` is invalid",
		"invalidSetOption":      "The option `1` is not a valid option to set for the socket",
		"invalidGetOption":      "The option `1` is not a valid option of the socket",
		"zmqagain":              "The socket `1` is not ready, try again later.",
		"again":                 "Failed to receive message on socket `1` - try again (EAGAIN)",
		"handshake":             "The connection to `1` was refused in the ZeroMQ handshake: `2`.",
		"cannotsend":            "The socket `1` is a ZeroMQ `2` socket, which cannot send.",
		"cannotrecv":            "The socket `1` is a ZeroMQ `2` socket, which cannot receive.",
		"reqstate":              "The Request socket `1` must read the reply to its request before it sends another.",
		"reqrecv":               "The Request socket `1` has no request awaiting a reply: write one first.",
		"repstate":              "The Reply socket `1` must read a request before it can write a reply.",
		"noroute":               "The Router socket `1` has no peer with that routing id (ZMQ_ROUTER_MANDATORY is set).",
		"streammsg":             "The Stream socket `1` sends {id, data}: a peer's id, then the data (empty data closes that connection).",
		"nosub":                 "The Subscribe socket `1` has no subscription, so it receives nothing: SetOptions[sock, \"ZMQ_SUBSCRIBE\" -> \"prefix\" | All] subscribes.",
		"nopeer":                "The socket `1` has no peer yet: the message waits until one connects (Ctrl-C stops waiting).",
		"dropped":               "`2` closed before a peer took all it had queued within ZMQ_LINGER (`3` ms); messages dropped: `1`.",
		"nocont":                "Context `1` was not found.",
	} {
		generalMessages[tag] = text
	}
}

// ---------------------------------------------------------------- type names

// zmqType is a ZeroMQ socket type: libzmq's name, Wolfram's, the type SocketConnect[server]
// gives a client of it, and libzmq's number (ZMQ_TYPE).
type zmqType struct {
	zmq, wolfram, complement string
	code                     int
}

var zmqTypes = []zmqType{
	{"PAIR", "Pair", "PAIR", 0}, {"PUB", "Publish", "SUB", 1}, {"SUB", "Subscribe", "PUB", 2},
	{"REQ", "Request", "REP", 3}, {"REP", "Reply", "REQ", 4}, {"DEALER", "Dealer", "ROUTER", 5},
	{"ROUTER", "Router", "DEALER", 6}, {"PULL", "Pull", "PUSH", 7}, {"PUSH", "Push", "PULL", 8},
	{"XPUB", "XPublish", "XSUB", 9}, {"XSUB", "XSubscribe", "XPUB", 10}, {"STREAM", "Stream", "", 11},
}

// zmqTypeOf finds a type by libzmq's name.
func zmqTypeOf(name string) zmqType {
	for _, t := range zmqTypes {
		if t.zmq == name {
			return t
		}
	}
	return zmqType{}
}

// parseZMQType reads a type as users write it: "Push", "ZMQ_PUSH", "zmq_push", "ZMQ_Pub",
// "Publish" — libzmq's short names and Wolfram's long ones, in any case.
func parseZMQType(name string) (zmqType, bool) {
	up := strings.ToUpper(name)
	up = strings.TrimPrefix(up, "ZMQ_")
	for _, t := range zmqTypes {
		if up == t.zmq || up == strings.ToUpper(t.wolfram) {
			return t, true
		}
	}
	return zmqType{}, false
}

// protocol is what SocketOpen and SocketConnect were asked for: TCP, or ZeroMQ of a type.
type protocol struct {
	zmq bool
	typ zmqType
}

// protocolSpec reads "TCP", "ZMQ", "ZMQ_type", {"ZMQ"}, {"ZMQ", type}; nil means absent
// (TCP). A bad one gets its message.
func (s *Session) protocolSpec(fn string, e Expr) (protocol, bool) {
	if e == nil {
		return protocol{}, true
	}
	name, isString := e.(String)
	if l, ok := e.(*Normal); ok && l.Head == SymList && len(l.Args) >= 1 && len(l.Args) <= 2 {
		p, _ := l.Args[0].(String)
		switch {
		case strings.EqualFold(string(p), "TCP") && len(l.Args) == 1:
			return protocol{}, true
		case strings.EqualFold(string(p), "ZMQ") && len(l.Args) == 1:
			return protocol{zmq: true, typ: zmqTypeOf("PAIR")}, true
		case strings.EqualFold(string(p), "ZMQ"):
			t, _ := l.Args[1].(String)
			typ, ok := parseZMQType(string(t))
			if !ok {
				s.badZMQType(l.Args[1])
				return protocol{}, false
			}
			return protocol{zmq: true, typ: typ}, true
		}
	}
	switch up := strings.ToUpper(string(name)); {
	case !isString:
	case up == "TCP":
		return protocol{}, true
	case up == "ZMQ":
		return protocol{zmq: true, typ: zmqTypeOf("PAIR")}, true
	case strings.HasPrefix(up, "ZMQ"):
		typ, ok := parseZMQType(string(name))
		if !ok {
			s.badZMQType(e)
			return protocol{}, false
		}
		return protocol{zmq: true, typ: typ}, true
	}
	s.Message(fn, "noproto", e)
	return protocol{}, false
}

func (s *Session) badZMQType(e Expr) {
	names := make([]string, len(zmqTypes))
	for i, t := range zmqTypes {
		names[i] = t.wolfram
	}
	s.Message("SocketObject", "type", e, stringsExpr(names))
}

// zmqTypeSpec reads a Sockets[…] spec naming a ZeroMQ type: {"ZMQ", type} or "ZMQ_type".
func zmqTypeSpec(e Expr) (zmqType, bool) {
	if l, ok := e.(*Normal); ok && l.Head == SymList && len(l.Args) == 2 {
		if p, _ := l.Args[0].(String); strings.EqualFold(string(p), "ZMQ") {
			t, _ := l.Args[1].(String)
			return parseZMQType(string(t))
		}
		return zmqType{}, false
	}
	if name, ok := e.(String); ok && strings.HasPrefix(strings.ToUpper(string(name)), "ZMQ_") {
		return parseZMQType(string(name))
	}
	return zmqType{}, false
}

// ---------------------------------------------------------------- options

// zmqOption is a ZeroMQ socket option as the language reads and sets it. get is nil for the
// write-only ones, set for the read-only ones; types lists the socket types that have it
// (none: all).
type zmqOption struct {
	name  string // libzmq's, without ZMQ_: "LINGER"
	get   func(sock *sockets.Socket, o zmq.Options) Expr
	set   func(s *Session, sock *sockets.Socket, v Expr) bool
	types []string
}

// msOption is an option held in milliseconds, -1 meaning no limit where noLimit.
func msOption(name string, field func(*zmq.Options) *time.Duration, min int64) zmqOption {
	return zmqOption{name: name,
		get: func(_ *sockets.Socket, o zmq.Options) Expr {
			d := *field(&o)
			if d < 0 {
				return Int(-1)
			}
			return Int(d / time.Millisecond)
		},
		set: func(_ *Session, sock *sockets.Socket, v Expr) bool {
			n, ok := intOptionValue(v, min)
			if ok {
				sock.ZMQ().SetOptions(func(o *zmq.Options) { *field(o) = msDuration(n) })
			}
			return ok
		}}
}

func msDuration(n int64) time.Duration {
	if n < 0 {
		return -1
	}
	return time.Duration(n) * time.Millisecond
}

// countOption is an option that is a count.
func countOption(name string, field func(*zmq.Options) *int) zmqOption {
	return zmqOption{name: name,
		get: func(_ *sockets.Socket, o zmq.Options) Expr { return Int(*field(&o)) },
		set: func(_ *Session, sock *sockets.Socket, v Expr) bool {
			n, ok := intOptionValue(v, 0)
			if ok {
				sock.ZMQ().SetOptions(func(o *zmq.Options) { *field(o) = int(n) })
			}
			return ok
		}}
}

// flagOption is an on/off option: 0 or 1 as libzmq has them (True and False also do).
func flagOption(name string, field func(*zmq.Options) *bool, types ...string) zmqOption {
	return zmqOption{name: name, types: types,
		get: func(_ *sockets.Socket, o zmq.Options) Expr {
			if *field(&o) {
				return Int(1)
			}
			return Int(0)
		},
		set: func(_ *Session, sock *sockets.Socket, v Expr) bool {
			on, ok := false, true
			switch v {
			case SymTrue, Int(1):
				on = true
			case SymFalse, Int(0):
			default:
				ok = false
			}
			if ok {
				sock.ZMQ().SetOptions(func(o *zmq.Options) { *field(o) = on })
			}
			return ok
		}}
}

// intOptionValue reads an integer option value of at least min, within a machine integer.
func intOptionValue(v Expr, min int64) (int64, bool) {
	n, ok := v.(Int)
	return int64(n), ok && int64(n) >= min
}

// subscribeOption is ZMQ_SUBSCRIBE or ZMQ_UNSUBSCRIBE: All (everything), a string, a
// ByteArray or a list of bytes, the prefix.
func subscribeOption(name string, subscribe bool) zmqOption {
	return zmqOption{name: name, types: []string{"SUB", "XSUB"},
		set: func(s *Session, sock *sockets.Socket, v Expr) bool {
			prefix, ok := []byte{}, true
			if v != SymAll {
				prefix, ok = bytesValue(v)
			}
			if !ok {
				return false
			}
			sock.Subscribe(s.ctx, prefix, subscribe)
			return true
		}}
}

// bytesValue reads the byte-valued forms options and frames take: a string (UTF-8), a
// ByteArray, a list of bytes.
func bytesValue(v Expr) ([]byte, bool) {
	switch x := v.(type) {
	case String:
		return []byte(x), true
	case *ByteArray:
		return x.B, true
	case *Normal:
		if x.Head != SymList {
			return nil, false
		}
		out := make([]byte, len(x.Args))
		for i, a := range x.Args {
			b, ok := a.(Int)
			if !ok || b < 0 || b > 255 {
				return nil, false
			}
			out[i] = byte(b)
		}
		return out, true
	}
	return nil, false
}

var identityOption = zmqOption{name: "IDENTITY",
	get: func(_ *sockets.Socket, o zmq.Options) Expr { return &ByteArray{B: o.Identity} },
	set: func(_ *Session, sock *sockets.Socket, v Expr) bool {
		id, ok := bytesValue(v)
		if !ok || len(id) > 255 || len(id) > 0 && id[0] == 0 {
			return false // libzmq: at most 255 bytes, not starting with a zero byte (those are its own)
		}
		sock.ZMQ().SetOptions(func(o *zmq.Options) { o.Identity = append([]byte(nil), id...) })
		return true
	}}

// zmqOptions are the options the language has, in the order Options[sock] lists them.
var zmqOptions = []zmqOption{
	{name: "CONFLATE"}, // the flags are filled in by init
	msOption("HANDSHAKE_IVL", func(o *zmq.Options) *time.Duration { return &o.HandshakeIvl }, 0),
	msOption("HEARTBEAT_IVL", func(o *zmq.Options) *time.Duration { return &o.HeartbeatIvl }, 0),
	msOption("HEARTBEAT_TIMEOUT", func(o *zmq.Options) *time.Duration { return &o.HeartbeatTimeout }, 0),
	{name: "HEARTBEAT_TTL", // milliseconds, kept in whole deciseconds as a PING carries it
		get: func(_ *sockets.Socket, o zmq.Options) Expr { return Int(o.HeartbeatTTL / time.Millisecond) },
		set: func(_ *Session, sock *sockets.Socket, v Expr) bool {
			n, ok := intOptionValue(v, 0)
			if ok = ok && n <= 6553599; ok {
				ttl := msDuration(n).Truncate(100 * time.Millisecond)
				sock.ZMQ().SetOptions(func(o *zmq.Options) { o.HeartbeatTTL = ttl })
			}
			return ok
		}},
	{name: "IMMEDIATE"},
	{name: "LAST_ENDPOINT", get: func(sock *sockets.Socket, _ zmq.Options) Expr { return String(sock.LastEndpoint()) }},
	msOption("LINGER", func(o *zmq.Options) *time.Duration { return &o.Linger }, -1),
	{name: "MAXMSGSIZE",
		get: func(_ *sockets.Socket, o zmq.Options) Expr { return Int(int64(o.MaxMsgSize)) },
		set: func(_ *Session, sock *sockets.Socket, v Expr) bool {
			n, ok := intOptionValue(v, -1)
			if ok {
				size := uint64(n)
				if n < 0 {
					size = math.MaxInt64 // libzmq's -1: no limit
				}
				sock.ZMQ().SetOptions(func(o *zmq.Options) { o.MaxMsgSize = size })
			}
			return ok
		}},
	countOption("RCVHWM", func(o *zmq.Options) *int { return &o.RecvHWM }),
	{name: "RCVMORE", get: func(sock *sockets.Socket, _ zmq.Options) Expr { return flag01(sock.MoreFrames()) }},
	msOption("RCVTIMEO", func(o *zmq.Options) *time.Duration { return &o.RecvTimeout }, -1),
	msOption("RECONNECT_IVL", func(o *zmq.Options) *time.Duration { return &o.ReconnectIvl }, 0),
	msOption("RECONNECT_IVL_MAX", func(o *zmq.Options) *time.Duration { return &o.ReconnectIvlMax }, 0),
	{name: "ROUTER_MANDATORY"},
	countOption("SNDHWM", func(o *zmq.Options) *int { return &o.SendHWM }),
	msOption("SNDTIMEO", func(o *zmq.Options) *time.Duration { return &o.SendTimeout }, -1),
	{name: "TYPE", get: func(sock *sockets.Socket, _ zmq.Options) Expr { return Int(zmqTypeOf(sock.ZMQ().Type).code) }},
	{name: "XPUB_VERBOSE"},
	identityOption, // not listed by Options[sock], as Wolfram leaves it out
	subscribeOption("SUBSCRIBE", true),
	subscribeOption("UNSUBSCRIBE", false),
}

func init() {
	flags := map[string]zmqOption{
		"CONFLATE":         flagOption("CONFLATE", func(o *zmq.Options) *bool { return &o.Conflate }, "PUSH", "PULL", "PUB", "SUB", "DEALER"),
		"IMMEDIATE":        flagOption("IMMEDIATE", func(o *zmq.Options) *bool { return &o.Immediate }),
		"ROUTER_MANDATORY": flagOption("ROUTER_MANDATORY", func(o *zmq.Options) *bool { return &o.RouterMandatory }, "ROUTER"),
		"XPUB_VERBOSE":     flagOption("XPUB_VERBOSE", func(o *zmq.Options) *bool { return &o.XPubVerbose }, "XPUB"),
	}
	for i, o := range zmqOptions {
		if f, ok := flags[o.name]; ok {
			zmqOptions[i] = f
		}
	}
}

// flag01 is 1 for true and 0 for false, as libzmq reports flags.
func flag01(b bool) Expr {
	if b {
		return Int(1)
	}
	return Int(0)
}

// zmqOptionKey maps an option name as users write it to libzmq's, without ZMQ_: a name with
// ZMQ_ is taken as it is ("ZMQ_SUBSCRIBE"), a CamelCase one gets an underscore before each
// capital that follows a small letter ("LastEndpoint" is LAST_ENDPOINT, "Rcvtimeo" RCVTIMEO).
func zmqOptionKey(name string) string {
	if len(name) > 4 && strings.EqualFold(name[:4], "ZMQ_") {
		return strings.ToUpper(name[4:])
	}
	var b strings.Builder
	prev := rune(0)
	for _, r := range name {
		if unicode.IsUpper(r) && unicode.IsLower(prev) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
		prev = r
	}
	return b.String()
}

// camelOption is the name Options[sock] lists an option under: LAST_ENDPOINT is "LastEndpoint".
func camelOption(name string) string {
	var b strings.Builder
	for _, part := range strings.Split(name, "_") {
		if part != "" {
			b.WriteString(part[:1] + strings.ToLower(part[1:]))
		}
	}
	return b.String()
}

// findZMQOption finds an option by any of its spellings (ROUTING_ID is IDENTITY).
func findZMQOption(name string) (zmqOption, bool) {
	key := zmqOptionKey(name)
	if key == "ROUTING_ID" {
		key = "IDENTITY"
	}
	for _, o := range zmqOptions {
		if o.name == key {
			return o, true
		}
	}
	return zmqOption{}, false
}

// hasType reports whether a socket of type typ has the option.
func (o zmqOption) hasType(typ string) bool {
	if len(o.types) == 0 {
		return true
	}
	for _, t := range o.types {
		if t == typ {
			return true
		}
	}
	return false
}

// getZMQOption reads an option of a ZMQ socket; ok is false if there is no such readable
// option (no message is issued).
func getZMQOption(sock *sockets.Socket, name string) (Expr, bool) {
	o, ok := findZMQOption(name)
	if !ok || o.get == nil || sock.ZMQ() == nil {
		return nil, false
	}
	return o.get(sock, sock.ZMQ().Options()), true
}

// setZMQOption sets an option, with Wolfram's messages for a name that cannot be set and a
// value that is not valid.
func (s *Session) setZMQOption(sock *sockets.Socket, nameExpr, value Expr) bool {
	name, _ := nameExpr.(String)
	o, ok := findZMQOption(string(name))
	if !ok || o.set == nil || sock.ZMQ() == nil || !o.hasType(sock.ZMQ().Type) {
		s.Message("SocketObject", "invalidSetOption", nameExpr)
		return false
	}
	if !o.set(s, sock, value) {
		s.Message("SocketObject", "invalidSetOptionValue", nameExpr, value)
		return false
	}
	return true
}

// zmqCreateOptions are the options a new ZMQ socket starts with: libzmq's, but lingering 1 s
// at most (DESIGN.md), then the rules given to SocketOpen or SocketConnect.
func zmqCreateOptions() zmq.Options {
	o := zmq.Defaults()
	o.Linger = time.Second
	return o
}

// optionRules splits trailing option rules off a call's arguments.
func optionRules(args []Expr) (pos, rules []Expr) {
	n := len(args)
	for n > 0 && isOptionRule(args[n-1]) {
		n--
	}
	for _, r := range args[n:] {
		rules = append(rules, flattenRules(r)...)
	}
	return args[:n], rules
}

func flattenRules(e Expr) []Expr {
	if l, ok := e.(*Normal); ok && l.Head == SymList {
		var out []Expr
		for _, a := range l.Args {
			out = append(out, flattenRules(a)...)
		}
		return out
	}
	return []Expr{e}
}

// applyRules sets options from rules on a socket; false after the first bad one.
func (s *Session) applyRules(sock *sockets.Socket, rules []Expr) bool {
	for _, r := range rules {
		rule := r.(*Normal)
		if !s.setZMQOption(sock, rule.Args[0], rule.Args[1]) {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------- Options, SetOptions, Needs

func fnOptions(s *Session, c *Normal) Expr {
	if sym, ok := c.Args[0].(*Symbol); ok && sym.builtin != nil && len(c.Args) == 1 {
		out := make([]Expr, len(sym.builtin.Options))
		for i, o := range sym.builtin.Options {
			out[i] = NewNormal(SymRule, String(o.Name), o.Default)
		}
		return List(out...)
	}
	sock, ok, handled := s.socketArg(c.Args[0])
	if !handled {
		return nil
	}
	if !ok {
		return SymFailed
	}
	all := socketOptions(sock)
	if len(c.Args) == 1 {
		return all
	}
	name, _ := c.Args[1].(String)
	if v, ok := all.Get(name); ok {
		return List(NewNormal(SymRule, name, v))
	}
	if v, ok := getZMQOption(sock, string(name)); ok {
		return List(NewNormal(SymRule, name, v))
	}
	s.Message("SocketObject", "invalidGetOption", c.Args[1])
	return SymFailed
}

// socketOptions is Options[sock]: the address properties, and a ZMQ socket's options under
// their CamelCase names.
func socketOptions(sock *sockets.Socket) *Assoc {
	a := NewAssoc()
	for _, p := range []string{"DestinationIPAddress", "DestinationPort", "SourceIPAddress", "SourcePort"} {
		a.Set(String(p), addressProperty(sock, p), false)
	}
	if z := sock.ZMQ(); z != nil {
		opts := z.Options()
		for _, o := range zmqOptions {
			if o.get != nil && o.hasType(z.Type) && o.name != "IDENTITY" {
				a.Set(String(camelOption(o.name)), o.get(sock, opts), false)
			}
		}
	}
	return a
}

func fnSetOptions(s *Session, c *Normal) Expr {
	sock, ok, handled := s.socketArg(c.Args[0])
	if !handled {
		return nil
	}
	if !ok {
		return SymFailed
	}
	var rules []Expr
	for _, a := range c.Args[1:] {
		if !isOptionRule(a) {
			s.Message("SetOptions", "rep", a)
			return SymFailed
		}
		rules = append(rules, flattenRules(a)...)
	}
	if !s.applyRules(sock, rules) {
		return SymFailed
	}
	return SymNull
}

// setSocketProperty is sock["ZMQ_…"] = value.
func setSocketProperty(s *Session, obj *Normal, args []Expr, value Expr) Expr {
	if len(args) != 1 {
		return nil
	}
	sock, ok, _ := s.socketArg(obj)
	if !ok {
		return SymFailed
	}
	if !s.setZMQOption(sock, args[0], value) {
		return SymFailed
	}
	return value
}

func fnNeeds(s *Session, c *Normal) Expr {
	ctx, _ := c.Args[0].(String)
	if ctx != "ZeroMQLink`" {
		s.Message("Needs", "nocont", c.Args[0])
		return SymFailed
	}
	s.zmqLink = true
	return SymNull
}

// ---------------------------------------------------------------- reading and writing

// zmqError issues the message for a failed ZMQ read or write.
func (s *Session) zmqError(fn string, sock *sockets.Socket, err error) {
	obj := socketExpr(sock)
	typ := zmqTypeOf(sock.ZMQ().Type).wolfram
	switch {
	case errors.Is(err, zmq.ErrCannotSend):
		s.messageRaw(fn, "cannotsend", messageArg(obj), typ)
	case errors.Is(err, zmq.ErrCannotRecv):
		s.messageRaw(fn, "cannotrecv", messageArg(obj), typ)
	case errors.Is(err, zmq.ErrReqState):
		s.Message(fn, "reqstate", obj)
	case errors.Is(err, zmq.ErrReqRecv):
		s.Message(fn, "reqrecv", obj)
	case errors.Is(err, zmq.ErrNoRoute):
		s.Message(fn, "noroute", obj)
	case errors.Is(err, zmq.ErrRepState):
		s.Message(fn, "repstate", obj)
	case errors.Is(err, zmq.ErrStreamSend):
		s.Message(fn, "streammsg", obj)
	case errors.Is(err, sockets.ErrAgain):
		s.Message("Write", "zmqagain", obj)
	case sockets.KindOf(err) == sockets.Closed:
		s.Message("SocketObject", "invalidSock", obj)
	default:
		s.socketError(fn, err)
	}
}

// zmqNews issues, once each, what a ZMQ socket has to say before a read or a write: a peer
// that refused the handshake.
func (s *Session) zmqNews(fn string, sock *sockets.Socket) {
	if why := sock.HandshakeFailure(); why != "" {
		addr, reason, _ := strings.Cut(why, ": ")
		s.messageRaw(fn, "handshake", addr, reason)
	}
}

// hintOnce issues fn::tag about sock the first time only.
func (s *Session) hintOnce(fn, tag string, sock *sockets.Socket) {
	key := sock.ID + " " + tag
	if s.hints[key] {
		return
	}
	if s.hints == nil {
		s.hints = map[string]bool{}
	}
	s.hints[key] = true
	s.Message(fn, tag, socketExpr(sock))
}

// zmqPatience is how often a waiting ZMQ read or write looks for news to report.
const zmqPatience = 100 * time.Millisecond

// readZMQ reads the next message (frame: the next frame) of a ZMQ socket, waiting up to
// ZMQ_RCVTIMEO; ok is false after a message. Ctrl-C aborts, and a message taken just as it
// came is put back first.
func (s *Session) readZMQ(fn string, sock *sockets.Socket, frame, wait bool) (msg [][]byte, ok bool) {
	z := sock.ZMQ()
	if z.Type == "SUB" && !z.HasSubscriptions() && !sock.Ready() {
		s.hintOnce(fn, "nosub", sock)
	}
	var deadline time.Time
	if t := z.RecvTimeout(); t >= 0 {
		deadline = time.Now().Add(t)
	}
	for {
		s.zmqNews(fn, sock)
		var err error
		got := false
		if frame {
			if sock.Ready() {
				var f []byte
				f, _, err = sock.ReadFrame(s.ctx)
				msg, got = [][]byte{f}, err == nil
			}
		} else {
			msg, got, err = sock.TryReadMessage()
		}
		switch {
		case err != nil:
			s.zmqError(fn, sock, err)
			return nil, false
		case got:
			if s.stopping() {
				if frame {
					sock.UnreadFrame(msg[0])
				} else {
					sock.UnreadMessage(msg)
				}
				s.abortIfInterrupted()
			}
			return msg, true
		case !wait:
			return nil, true
		case s.stopping():
			s.abortIfInterrupted()
			return nil, false
		}
		patience := zmqPatience
		if !deadline.IsZero() {
			left := time.Until(deadline)
			if left <= 0 {
				s.Message(fn, "again", socketExpr(sock))
				return nil, false
			}
			patience = min(patience, left)
		}
		if _, err := s.waitSocket(sock, patience); err != nil {
			if sockets.KindOf(err) == sockets.Closed {
				s.zmqError(fn, sock, err)
				return nil, false
			}
			s.abortIfInterrupted()
			return nil, false
		}
	}
}

// writeZMQ sends frames as one message (more: as frames of a message to be finished later),
// waiting up to ZMQ_SNDTIMEO unless async; false after a message.
func (s *Session) writeZMQ(fn string, sock *sockets.Socket, frames [][]byte, more, async bool) bool {
	s.zmqNews(fn, sock)
	if more {
		for _, f := range frames {
			if err := sock.WriteFrame(f); err != nil {
				s.zmqError(fn, sock, err)
				return false
			}
		}
		return true
	}
	err := sock.WriteMessage(s.ctx, frames, true)
	if err == nil || async || !errors.Is(err, sockets.ErrAgain) {
		if err != nil {
			s.zmqError(fn, sock, err)
		}
		return err == nil
	}
	// it must wait: say why once (a bound socket with no peer yet), and keep looking for news
	z := sock.ZMQ()
	if len(z.Peers()) == 0 {
		s.hintOnce(fn, "nopeer", sock)
	}
	ctx := s.ctx
	if t := z.Options().SendTimeout; t >= 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	for {
		wctx, cancel := context.WithTimeout(ctx, zmqPatience)
		err = sock.WriteMessage(wctx, frames, false)
		cancel()
		switch {
		case err == nil:
			return true
		case s.stopping():
			s.abortIfInterrupted()
			return false
		case ctx.Err() != nil:
			s.Message("Write", "zmqagain", socketExpr(sock))
			return false
		case !errors.Is(err, context.DeadlineExceeded):
			s.zmqError(fn, sock, err)
			return false
		}
		s.runHandlers() // a safe point: the wait goes on
		s.zmqNews(fn, sock)
	}
}

// frameArgs reads what ZMQSocketWriteMessage sends: one frame (a ByteArray, a string, a list
// of bytes) or a list of frames (ByteArrays or strings).
func frameArgs(e Expr) ([][]byte, bool) {
	if l, ok := e.(*Normal); ok && l.Head == SymList && len(l.Args) > 0 {
		if _, isByte := l.Args[0].(Int); !isByte {
			frames := make([][]byte, len(l.Args))
			for i, a := range l.Args {
				switch a.(type) {
				case String, *ByteArray:
				default:
					return nil, false
				}
				frames[i], _ = bytesValue(a)
			}
			return frames, true
		}
	}
	b, ok := bytesValue(e)
	return [][]byte{b}, ok
}

func fnZMQSocketWriteMessage(s *Session, c *Normal) Expr {
	pos, opts, ok := s.Options(c.Head.(*Symbol).builtin, c)
	if !ok {
		return nil
	}
	sock, failed := s.streamArg("Write", pos[0])
	if sock == nil {
		return failedOr(failed)
	}
	frames, ok := frameArgs(pos[1])
	if !ok {
		s.Message("Write", "nocoerce", pos[1])
		return SymFailed
	}
	if sock.ZMQ() == nil {
		return s.send("Write", sock, sockets.JoinFrames(frames))
	}
	if !s.writeZMQ("Write", sock, frames, opts["Multipart"] == SymTrue, opts["Asynchronous"] == SymTrue) {
		return SymFailed
	}
	return SymNull
}

// readMessageZMQ is SocketReadMessage on a ZMQ socket: the next message with its frames
// joined (Multipart -> True), the next frame (False), or the frames as a list (List).
func (s *Session) readMessageZMQ(sock *sockets.Socket, multipart Expr, wait bool) Expr {
	const fn = "SocketReadMessage"
	msg, ok := s.readZMQ(fn, sock, multipart == SymFalse, wait)
	switch {
	case !ok:
		return SymFailed
	case msg == nil:
		return &ByteArray{B: []byte{}}
	case multipart == SymList:
		out := make([]Expr, len(msg))
		for i, f := range msg {
			out[i] = &ByteArray{B: f}
		}
		return List(out...)
	}
	return &ByteArray{B: sockets.JoinFrames(msg)}
}
