package eval

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/socketrepl/socketrepl/sockets"
	"github.com/socketrepl/socketrepl/sockets/zmq"
)

// The socket family: opening, connecting, listing, closing and describing sockets. The reads
// and writes are in builtins_socketio.go. Everything here translates expressions into calls on
// the sockets package and its errors into messages.

var socketBuiltins = []*Builtin{
	{Name: "SocketOpen", Min: 1, Max: 2, RuleArgs: true, Fn: fnSocketOpen,
		Usage: "SocketOpen[port] opens a TCP server on 127.0.0.1:port that accepts clients in the background.\n" +
			"SocketOpen[{host, port}] and SocketOpen[\"host:port\"] open it on a local address; port may be Automatic or a service name.\n" +
			"SocketOpen[address, \"TCP\"] is the same.\n" +
			"SocketOpen[address, {\"ZMQ\", type}] binds a ZeroMQ socket: Pair, Publish, Subscribe, Request, Reply, Dealer, Router, Pull, Push, XPublish, XSubscribe, Stream (\"ZMQ\" alone: Pair; also \"ZMQ_PUSH\" …).\n" +
			"SocketOpen[address, {\"ZMQ\", type}, \"ZMQ_option\" -> value, …] sets options before it binds."},
	{Name: "SocketConnect", Min: 1, Max: 2, RuleArgs: true, Fn: fnSocketConnect,
		Usage: "SocketConnect[port], SocketConnect[{host, port}], SocketConnect[\"host:port\"] connect a TCP client.\n" +
			"SocketConnect[\"http://host/…\"] or SocketConnect[URL[…]] connect to a URL's host and port.\n" +
			"SocketConnect[server] connects to a server socket of this session (a ZeroMQ one with the complementary type: Push to Pull, …).\n" +
			"SocketConnect[address, {\"ZMQ\", type}] connects a ZeroMQ socket, in the background, again whenever the peer goes;\n" +
			"SocketConnect[address, {\"ZMQ\", type}, \"ZMQ_option\" -> value, …] sets options before it connects."},
	{Name: "SocketObject", Min: 1, Max: 1, Fn: fnSocketObject, Sub: socketProperty, SetSub: setSocketProperty,
		Usage: "SocketObject[\"uuid\"] is a socket; sock[\"Property\"] gives its properties, sock[\"Properties\"] their names."},
	{Name: "Sockets", Min: 0, Max: 1, Fn: fnSockets,
		Usage: "Sockets[] lists the open sockets this session made.\n" +
			"Sockets[All] adds the accepted (remote) ones; Sockets[\"Remote\" | \"Local\" | \"Server\" | \"Client\" | \"TCP\" | \"ZMQ\"] filters."},
	{Name: "Close", Min: 1, Max: 1, Fn: fnClose,
		Usage: "Close[sock] closes a socket and returns its \"host:port\"; closing a server disconnects its clients."},
	{Name: "HostLookup", Min: 1, Max: 2, Fn: fnHostLookup,
		Usage: "HostLookup[\"name\"] gives the IPAddress of a host; HostLookup[IPAddress[…]] gives its name.\n" +
			"HostLookup[spec, \"FullName\" | \"IPv4Addresses\" | \"IPv6Addresses\" | All] gives one property or all."},
}

func init() {
	RegisterFormatter("SocketObject", formatSocket)
	for tag, text := range socketMessages {
		generalMessages[tag] = text
	}
}

// socketMessages are the socket family's message texts, shared by every function (so
// SocketConnect::refused and WriteString::reset find them). Wolfram's own where it has them
// (reference §28), the project's table (DESIGN.md) where Wolfram's would be untrue.
var socketMessages = map[string]string{
	"addrspec":          "The host specification `1` is wrong because `2`",
	"noproto":           "The protocol specification `1` isn't supported.",
	"addrinuse":         "The address `1` is already in use.",
	"refused":           "The connection to `1` was refused: nothing is listening there.",
	"timeout":           "The connection to `1` timed out.",
	"nohost":            "The host `1` could not be found.",
	"notlocal":          "The address `1` is not an address of this machine; sockets can only be opened on local addresses.",
	"denied":            "Permission to use the address `1` was denied.",
	"reset":             "The peer `1` closed or reset the connection.",
	"sockerr":           "The socket operation on `1` failed: `2`.",
	"unsupported":       "The transport `1` is not supported; use tcp://host:port.",
	"invalidSock":       "The socket `1` is invalid and not open",
	"closedsocket":      "The socket `1` is not open.",
	"tcpServerNoAccess": "The socket `1` is a server socket and cannot be read from or written to directly - use the property \"ConnectedClients\" to get client sockets that may be read from or written on.",
	"clientSock":        "The socket `1` is not a server socket and doesn't have clients",
	"spec":              "The socket specification `1` is invalid - valid types are `2`.",
	"noprop":            "`1` is not a property of `2`; its properties are `3`.",
	"notServerSock":     "The socket `1` is not a server socket opened with SocketOpen.",
	"stream":            "`1` is not a string, InputStream[ ], or OutputStream[ ].",
	"prop":              "`1` is not a known property; use \"FullName\", \"IPv4Addresses\", \"IPv6Addresses\" or All.",
	"tcpopt":            "`1`: socket options are for ZeroMQ sockets; a TCP socket has none.",
	"nozmqprop":         "`1` is not a property of `2`; its properties are `3`, and the ZeroMQ options Options[sock] lists.",
}

// registry is the session's socket registry.
func (s *Session) registry() *sockets.Registry { return s.sockets }

// CloseSockets closes every socket of the session: at exit. ZeroMQ sockets linger up to their
// ZMQ_LINGER to send what they have queued, and say what they could not.
func (s *Session) CloseSockets() {
	for _, sock := range s.sockets.CloseAll() {
		s.reportDropped(sock)
	}
}

// reportDropped says how many queued messages a closed ZeroMQ socket could not send.
func (s *Session) reportDropped(sock *sockets.Socket) {
	if n := sock.Dropped(); n > 0 {
		s.Message("Close", "dropped", Int(n), socketExpr(sock), Int(sock.ZMQ().Options().Linger/time.Millisecond))
	}
}

// SocketPorts lists the ports the session's sockets used, for masking transcripts; any
// goroutine may call it.
func (s *Session) SocketPorts() map[int]int { return s.sockets.Ports() }

var SymSocketObject = sys("SocketObject")

// socketExpr is the expression for a socket: SocketObject["uuid"].
func socketExpr(sock *sockets.Socket) Expr { return NewNormal(SymSocketObject, String(sock.ID)) }

// socketID reads SocketObject["uuid"].
func socketID(e Expr) (string, bool) {
	n, ok := e.(*Normal)
	if !ok || n.Head != SymSocketObject || len(n.Args) != 1 {
		return "", false
	}
	id, ok := n.Args[0].(String)
	return string(id), ok
}

// formatSocket prints a socket as a one-line summary of what was fixed when it was made, in a
// form that does not parse: SocketObject[«TCP client · 127.0.0.1:50312 → 127.0.0.1:8000 · 3f1c09ab»].
func formatSocket(n *Normal, form Form) (string, bool) {
	if form != OutputFormat && form != messageFormat {
		return "", false
	}
	id, ok := socketID(n)
	if !ok {
		return "", false
	}
	sock, ok := sockets.Find(id)
	if !ok {
		return "", false
	}
	return "SocketObject[«" + socketSummary(sock) + "»]", true
}

func socketSummary(sock *sockets.Socket) string {
	if z := sock.ZMQ(); z != nil {
		how := "connected"
		if sock.Role == sockets.Server {
			how = "bound"
		}
		return "ZMQ " + zmqTypeOf(z.Type).wolfram + " · " + how + " " + sock.LastEndpoint() + " · " + sock.ID[:8]
	}
	var b strings.Builder
	b.WriteString(sock.Protocol)
	b.WriteString(" ")
	b.WriteString(sock.Role.String())
	b.WriteString(" · ")
	switch sock.Role {
	case sockets.Server:
		b.WriteString(sock.Local.String())
	case sockets.Client:
		b.WriteString(sock.Local.String() + " → " + sock.Remote.String())
	case sockets.Accepted:
		b.WriteString(sock.Remote.String() + " → " + sock.Local.String())
	}
	b.WriteString(" · ")
	b.WriteString(sock.ID[:8])
	return b.String()
}

func fnSocketObject(s *Session, c *Normal) Expr { return nil }

// socketArg finds the socket an argument names. A SocketObject this session does not know, or
// a closed one, gets SocketObject::invalidSock and ok is false with handled true; anything
// else is not a socket at all (handled false: the caller decides).
func (s *Session) socketArg(e Expr) (sock *sockets.Socket, ok, handled bool) {
	id, isSock := socketID(e)
	if !isSock {
		return nil, false, false
	}
	sock, found := s.lastSock, s.lastSock != nil && s.lastSock.ID == id
	if !found {
		if sock, found = s.registry().Get(id); found {
			s.lastSock = sock
		}
	}
	if !found || sock.Closed() {
		s.Message("SocketObject", "invalidSock", e)
		return nil, false, true
	}
	return sock, true, true
}

// ---------------------------------------------------------------- addresses

// endpointArg reads an address as SocketOpen and SocketConnect take it: port, Automatic,
// {host, port | "service" | Automatic}, "host:port", "scheme://host:port/…", URL["…"],
// IPAddress["…"] (which lacks a port). A malformed one gets fn::addrspec.
func (s *Session) endpointArg(fn string, e Expr) (sockets.Endpoint, bool) {
	bad := func(reason string) (sockets.Endpoint, bool) {
		s.messageRaw(fn, "addrspec", messageArg(e), reason)
		return sockets.Endpoint{}, false
	}
	fail := func(err error) (sockets.Endpoint, bool) {
		s.socketError(fn, err)
		return sockets.Endpoint{}, false
	}
	switch x := e.(type) {
	case Int, *BigInt:
		p, ok := portNumber(x)
		if !ok {
			return bad(sockets.ReasonInvalid)
		}
		return sockets.Endpoint{Host: sockets.DefaultHost, Port: p, AnyPort: p == 0 && fn != "SocketConnect"}, true
	case *Symbol:
		if x == SymAutomatic {
			return sockets.Endpoint{Host: sockets.DefaultHost, AnyPort: true}, true
		}
	case String:
		ep, err := sockets.ParseAddress(string(x))
		if err != nil {
			if sockets.KindOf(err) == sockets.AddrSpec {
				var se *sockets.Error
				errors.As(err, &se)
				return bad(se.Detail)
			}
			return fail(err)
		}
		return ep, true
	case *Normal:
		switch {
		case x.Head == sys("URL") && len(x.Args) == 1:
			if str, ok := x.Args[0].(String); ok {
				return s.endpointArg(fn, str)
			}
		case x.Head == sys("IPAddress") && len(x.Args) == 1:
			return bad(sockets.ReasonMissingPort)
		case x.Head == SymList && len(x.Args) == 2:
			host, ok := hostArg(x.Args[0])
			if !ok || !sockets.ValidHost(host) {
				return bad(sockets.ReasonBadDomain)
			}
			ep := sockets.Endpoint{Host: host}
			switch p := x.Args[1].(type) {
			case Int, *BigInt:
				n, ok := portNumber(p)
				if !ok {
					return bad(sockets.ReasonInvalid)
				}
				ep.Port, ep.AnyPort = n, n == 0 && fn != "SocketConnect"
			case *Symbol:
				if p != SymAutomatic {
					return bad(sockets.ReasonInvalid)
				}
				ep.AnyPort = true
			case String:
				if p == "*" {
					ep.AnyPort = true
					break
				}
				n, ok := sockets.LookupService(string(p))
				if !ok {
					return bad(sockets.ReasonBadService)
				}
				ep.Port = n
			default:
				return bad(sockets.ReasonInvalid)
			}
			if ep.AnyPort && fn == "SocketConnect" {
				return bad(sockets.ReasonConnectPort)
			}
			return ep, true
		}
	}
	return bad(sockets.ReasonInvalid)
}

// hostArg reads a host: a string, or an IPAddress["…"].
func hostArg(e Expr) (string, bool) {
	if n, ok := e.(*Normal); ok && n.Head == sys("IPAddress") && len(n.Args) == 1 {
		e = n.Args[0]
	}
	str, ok := e.(String)
	return string(str), ok
}

func portNumber(e Expr) (int, bool) {
	n, ok := e.(Int)
	if !ok || n < 0 || n > 65535 {
		return 0, false
	}
	return int(n), true
}

// socketError issues the message that fits a runtime error and reports whether it was one
// the language stops for (Ctrl-C aborts instead).
func (s *Session) socketError(fn string, err error) {
	s.abortIfInterrupted()
	var se *sockets.Error
	if !errors.As(err, &se) {
		s.messageRaw(fn, "sockerr", "", err.Error())
		return
	}
	switch tag := kindTags[se.Kind]; se.Kind {
	case sockets.AddrSpec:
		s.messageRaw(fn, "addrspec", se.Addr, se.Detail)
	case sockets.Unsupported:
		s.Message(fn, "unsupported", String(se.Detail))
	default:
		if tag == "" {
			s.Message(fn, "sockerr", String(se.Addr), String(sockets.SystemText(err)))
			return
		}
		s.Message(fn, tag, String(se.Addr))
	}
}

// kindTags are the message tags of the runtime's errors that name only their address.
var kindTags = map[sockets.Kind]string{
	sockets.AddrInUse: "addrinuse", sockets.NotLocal: "notlocal", sockets.NoHost: "nohost",
	sockets.Refused: "refused", sockets.Timeout: "timeout", sockets.Reset: "reset", sockets.Denied: "denied",
}

// abortIfInterrupted turns a blocking call that ended because of Ctrl-C into $Aborted.
func (s *Session) abortIfInterrupted() {
	if s.ctx.Err() != nil {
		s.interrupted.Store(true) // the context is done: the input was interrupted or its time is up
	}
	s.checkAbort()
}

// ---------------------------------------------------------------- SocketOpen, SocketConnect

func fnSocketOpen(s *Session, c *Normal) Expr {
	const fn = "SocketOpen"
	pos, rules := optionRules(c.Args)
	ep, ok := s.endpointArg(fn, pos[0])
	if !ok {
		return SymFailed
	}
	proto, ok := s.protocolSpec(fn, argOrNil(pos, 1))
	if !ok || !s.rulesFit(fn, proto, rules) {
		return SymFailed
	}
	if proto.zmq {
		return s.makeZMQ(fn, proto, rules, func(o zmq.Options) (*sockets.Socket, error) {
			return s.registry().OpenZMQ(s.ctx, ep, proto.typ.zmq, o)
		})
	}
	sock, err := s.registry().OpenTCP(s.ctx, ep)
	if err != nil {
		s.socketError(fn, err)
		return SymFailed
	}
	return socketExpr(sock)
}

// argOrNil is args[i], or nil past the end.
func argOrNil(args []Expr, i int) Expr {
	if i < len(args) {
		return args[i]
	}
	return nil
}

// rulesFit checks that options were given only to a ZeroMQ socket.
func (s *Session) rulesFit(fn string, proto protocol, rules []Expr) bool {
	if len(rules) > 0 && !proto.zmq {
		s.Message(fn, "tcpopt", rules[0])
		return false
	}
	return true
}

// makeZMQ makes a ZeroMQ socket with the options the rules set applied before it binds or
// connects: the rules are tried on a socket of the type first, so that a bad one costs nothing.
func (s *Session) makeZMQ(fn string, proto protocol, rules []Expr, open func(zmq.Options) (*sockets.Socket, error)) Expr {
	opts := zmqCreateOptions()
	var subs [][]byte
	if len(rules) > 0 {
		trial, err := sockets.Unbound(proto.typ.zmq, opts)
		if err != nil {
			s.socketError(fn, err)
			return SymFailed
		}
		ok := s.applyRules(trial, rules)
		opts, subs = trial.ZMQ().Options(), trial.ZMQ().Subscriptions()
		trial.ZMQ().Close(0)
		if !ok {
			return SymFailed
		}
	}
	sock, err := open(opts)
	if err != nil {
		s.socketError(fn, err)
		return SymFailed
	}
	for _, p := range subs {
		sock.Subscribe(s.ctx, p, true)
	}
	s.zmqNews(fn, sock)
	return socketExpr(sock)
}

func fnSocketConnect(s *Session, c *Normal) Expr {
	const fn = "SocketConnect"
	pos, rules := optionRules(c.Args)
	proto, ok := s.protocolSpec(fn, argOrNil(pos, 1))
	if !ok {
		return SymFailed
	}
	var ep sockets.Endpoint
	if target, ok, handled := s.socketArg(pos[0]); handled {
		if !ok {
			return SymFailed
		}
		if target.Role != sockets.Server {
			s.Message(fn, "notServerSock", pos[0])
			return SymFailed
		}
		ep = sockets.Endpoint{Host: target.Local.Addr().String(), Port: int(target.Local.Port())}
		if target.Local.Addr().IsUnspecified() {
			ep.Host = sockets.DefaultHost
			if target.Local.Addr().Is6() {
				ep.Host = "::1"
			}
		}
		if z := target.ZMQ(); z != nil && len(pos) == 1 {
			// the complementary type; a Stream socket's peers speak plain TCP
			if t := zmqTypeOf(z.Type); t.complement != "" {
				proto = protocol{zmq: true, typ: zmqTypeOf(t.complement)}
			}
		}
	} else if ep, ok = s.endpointArg(fn, pos[0]); !ok {
		return SymFailed
	}
	if !s.rulesFit(fn, proto, rules) {
		return SymFailed
	}
	if proto.zmq {
		return s.makeZMQ(fn, proto, rules, func(o zmq.Options) (*sockets.Socket, error) {
			return s.registry().ConnectZMQ(s.ctx, ep, proto.typ.zmq, o)
		})
	}
	sock, err := s.registry().DialTCP(s.ctx, ep)
	if err != nil {
		s.socketError(fn, err)
		return SymFailed
	}
	return socketExpr(sock)
}

// ---------------------------------------------------------------- Sockets, Close

var socketSpecs = []string{"Local", "Remote", "Server", "Client", "TCP", "ZMQ"}

func fnSockets(s *Session, c *Normal) Expr {
	keep := func(sock *sockets.Socket) bool { return sock.Role != sockets.Accepted }
	if len(c.Args) == 1 {
		spec := c.Args[0]
		name, _ := spec.(String)
		switch {
		case spec == SymAll:
			keep = func(*sockets.Socket) bool { return true }
		case name == "Local":
		case name == "Remote":
			keep = func(sock *sockets.Socket) bool { return sock.Role == sockets.Accepted }
		case name == "Server", name == "Client":
			role := sockets.Server
			if name == "Client" {
				role = sockets.Client
			}
			keep = func(sock *sockets.Socket) bool { return sock.Role == role }
		case name == "TCP", name == "ZMQ":
			keep = func(sock *sockets.Socket) bool { return sock.Role != sockets.Accepted && sock.Protocol == string(name) }
		default:
			if t, ok := zmqTypeSpec(spec); ok {
				keep = func(sock *sockets.Socket) bool { return sock.ZMQ() != nil && sock.ZMQ().Type == t.zmq }
				break
			}
			specs := stringsExpr(socketSpecs)
			specs.Args = append(specs.Args, SymAll)
			s.Message("Sockets", "spec", spec, specs)
			return SymFailed
		}
	}
	// the session's own sockets in the order they were made, then the accepted ones in the
	// order they were accepted (which races with their clients' creation)
	var out, remote []Expr
	for _, sock := range s.registry().List() {
		switch {
		case !keep(sock):
		case sock.Role == sockets.Accepted:
			remote = append(remote, socketExpr(sock))
		default:
			out = append(out, socketExpr(sock))
		}
	}
	return List(append(out, remote...)...)
}

func fnClose(s *Session, c *Normal) Expr {
	id, isSock := socketID(c.Args[0])
	if !isSock {
		s.Message("Close", "stream", c.Args[0])
		return nil
	}
	sock, found := s.registry().Get(id)
	if !found {
		s.Message("SocketObject", "invalidSock", c.Args[0])
		return SymFailed
	}
	if err := sock.Close(); err != nil {
		s.Message("Close", "closedsocket", c.Args[0])
		return SymFailed
	}
	s.reportDropped(sock)
	return String(sockets.JoinHostPort(destinationHost(sock), strconv.Itoa(int(sock.Remote.Port()))))
}

// ---------------------------------------------------------------- properties

var socketPropertyNames = []string{"ConnectedClients", "DestinationHostname", "DestinationIPAddress",
	"DestinationPort", "DirectionType", "Events", "Protocol", "SourceHostname", "SourceIPAddress", "SourcePort", "UUID"}

// zmqPropertyNames are a ZeroMQ socket's properties beyond the TCP ones (its options too).
var zmqPropertyNames = []string{"AwaitingReply", "Peers", "State", "Type"}

// stringsExpr is a list of strings.
func stringsExpr(names []string) *Normal {
	out := make([]Expr, len(names))
	for i, n := range names {
		out[i] = String(n)
	}
	return List(out...)
}

func ipAddress(a netip.Addr) Expr { return NewNormal(sys("IPAddress"), String(a.String())) }

// destinationHost is the host of the other end as the user wrote it, where they wrote one.
func destinationHost(sock *sockets.Socket) string {
	if sock.Host != "" {
		return sock.Host
	}
	return sock.Remote.Addr().String()
}

func socketProperty(s *Session, obj *Normal, args []Expr) Expr {
	if len(args) != 1 {
		return nil
	}
	id, _ := socketID(obj)
	sock, found := s.registry().Get(id)
	if !found {
		s.Message("SocketObject", "invalidSock", obj)
		return SymFailed
	}
	name, _ := args[0].(String)
	z := sock.ZMQ()
	switch name {
	case "ConnectedClients":
		if sock.Role != sockets.Server {
			s.Message("SocketObject", "clientSock", obj)
			return SymFailed
		}
		if z != nil {
			return List(obj) // a ZeroMQ socket reads and writes for all its peers (DESIGN.md)
		}
		var out []Expr
		for _, c := range sock.Clients() {
			out = append(out, socketExpr(c))
		}
		return List(out...)
	case "DestinationHostname":
		return String(destinationHost(sock))
	case "DestinationIPAddress", "DestinationPort", "SourceIPAddress", "SourcePort":
		return addressProperty(sock, string(name))
	case "SourceHostname":
		switch sock.Role {
		case sockets.Server:
			return String(sock.Host)
		case sockets.Accepted:
			return String(sock.Server.Host)
		}
		if local, ok := sourceAddress(sock); ok {
			return String(local.Addr().String())
		}
		return notConnected
	case "DirectionType":
		if sock.Role == sockets.Server {
			return String("Server")
		}
		return String("Client")
	case "Protocol":
		return String(sock.Protocol)
	case "Events":
		return s.socketEvents(sock) // builtins_trace.go
	case "UUID":
		return String(sock.ID)
	case "Properties":
		names := socketPropertyNames
		if z != nil {
			names = append(append([]string(nil), names...), zmqPropertyNames...)
		}
		return stringsExpr(names)
	}
	if z != nil {
		switch name {
		case "Type":
			return String("ZMQ_" + z.Type)
		case "Peers":
			var out []Expr
			for _, p := range z.Peers() {
				out = append(out, String(p))
			}
			return List(out...)
		case "State":
			// live state stays out of the summary, which transcripts compare (DESIGN.md)
			switch {
			case sock.Closed():
				return String("Closed")
			case sock.Role == sockets.Server:
				return String("Bound")
			case len(z.Peers()) > 0:
				return String("Connected")
			}
			return String("Connecting")
		case "AwaitingReply":
			return Bool(z.Awaiting()) // a Request socket that has sent and not yet read
		}
		if v, ok := getZMQOption(sock, string(name)); ok {
			return v
		}
		names := append(append([]string(nil), socketPropertyNames...), zmqPropertyNames...)
		s.Message("SocketObject", "nozmqprop", args[0], obj, stringsExpr(names))
		return SymFailed
	}
	s.Message("SocketObject", "noprop", args[0], obj, stringsExpr(socketPropertyNames))
	return SymFailed
}

var notConnected = NewNormal(SymMissing, String("NotConnected"))

// sourceAddress is this end's address: fixed for TCP; for a connecting ZeroMQ socket, its
// connection's while it has one.
func sourceAddress(sock *sockets.Socket) (netip.AddrPort, bool) {
	if z := sock.ZMQ(); z != nil && sock.Role == sockets.Client {
		for _, p := range z.Connected() {
			if a, err := netip.ParseAddrPort(p.Local); err == nil {
				return netip.AddrPortFrom(a.Addr().Unmap(), a.Port()), true
			}
		}
		return netip.AddrPort{}, false
	}
	return sock.Local, true
}

// addressProperty is one of the four address properties.
func addressProperty(sock *sockets.Socket, name string) Expr {
	switch name {
	case "DestinationIPAddress":
		return ipAddress(sock.Remote.Addr())
	case "DestinationPort":
		return Int(sock.Remote.Port())
	}
	local, ok := sourceAddress(sock)
	if !ok {
		return notConnected
	}
	if name == "SourcePort" {
		return Int(local.Port())
	}
	return ipAddress(local.Addr())
}

// ---------------------------------------------------------------- HostLookup

func fnHostLookup(s *Session, c *Normal) Expr {
	spec := c.Args[0]
	host, ok := hostArg(spec)
	if n, isURL := spec.(*Normal); isURL && n.Head == sys("URL") && len(n.Args) == 1 {
		str, _ := n.Args[0].(String)
		host, ok = string(str), true
	}
	if !ok {
		s.Message("HostLookup", "string", Int(1), c)
		return nil
	}
	if strings.Contains(host, "://") {
		if ep, err := sockets.ParseAddress(host); err == nil {
			host = ep.Host
		}
	}
	info, err := sockets.LookupHost(s.ctx, host)
	s.abortIfInterrupted()
	prop := Expr(nil)
	if len(c.Args) == 2 {
		prop = c.Args[1]
	}
	if err != nil {
		return NewNormal(SymMissing, String("NotFound"))
	}
	addrs := func(want func(netip.Addr) bool) Expr {
		var out []Expr
		for _, a := range info.Addrs {
			if want(a) {
				out = append(out, ipAddress(a))
			}
		}
		return List(out...)
	}
	v4 := addrs(netip.Addr.Is4)
	v6 := addrs(netip.Addr.Is6)
	switch p, _ := prop.(String); {
	case prop == nil:
		if _, isIP := netip.ParseAddr(host); isIP == nil {
			return String(info.Name)
		}
		return ipAddress(info.Addrs[0])
	case p == "FullName":
		return String(info.Name)
	case p == "IPv4Addresses":
		return v4
	case p == "IPv6Addresses":
		return v6
	case prop == SymAll:
		a := NewAssoc()
		a.Set(String("FullName"), String(info.Name), false)
		a.Set(String("IPv4Addresses"), v4, false)
		a.Set(String("IPv6Addresses"), v6, false)
		return a
	}
	s.Message("HostLookup", "prop", prop)
	return SymFailed
}
