package sockets

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Endpoint is an address as the user gave it: a host (a name or an IP literal, as written) and
// a port. It is not resolved yet.
type Endpoint struct {
	Host string
	Port int
	// AnyPort asks the system for a free port (Wolfram's Automatic); Port is then 0.
	AnyPort bool
}

// DefaultHost is where a bare port binds and connects: the loopback interface only.
const DefaultHost = "127.0.0.1"

// String is the endpoint as host:port, with IPv6 literals in brackets.
func (e Endpoint) String() string {
	port := strconv.Itoa(e.Port)
	if e.AnyPort {
		port = "*"
	}
	return JoinHostPort(e.Host, port)
}

// JoinHostPort is net.JoinHostPort: host:port, with IPv6 literals in brackets.
func JoinHostPort(host, port string) string { return net.JoinHostPort(host, port) }

// Wolfram's reasons for SocketOpen::addrspec and friends, word for word.
const (
	ReasonInvalid        = "the domain or port is invalid"
	ReasonBadDomain      = "it has an invalid domain specification"
	ReasonSchemeConflict = "the port number conflicts with the scheme specification"
	ReasonBadService     = "it has an invalid service specification"
	ReasonConnectPort    = "the port must be a valid Integer for SocketConnect"
	ReasonMissingPort    = "it is missing the port specification"
	ReasonMissingEither  = "it is missing port or service specification"
)

// schemePorts are the ports of the URL schemes people type; others are looked up as services.
var schemePorts = map[string]int{"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}

// ParseAddress reads the string forms of an address: "host:port", "[::1]:8000", "*:5555",
// "tcp://host:port", and URLs such as "http://host/path" (whose scheme gives the port unless
// one is written: an explicit port wins). A port "*" asks for a free one.
func ParseAddress(s string) (Endpoint, error) {
	bad := func(reason string) (Endpoint, error) {
		return Endpoint{}, &Error{Kind: AddrSpec, Addr: s, Detail: reason}
	}
	rest := s
	scheme := ""
	if i := strings.Index(rest, "://"); i > 0 && isSchemeName(rest[:i]) {
		scheme, rest = strings.ToLower(rest[:i]), rest[i+3:]
	}
	switch scheme {
	case "ipc", "inproc", "pgm", "epgm", "udp", "vmci":
		return Endpoint{}, &Error{Kind: Unsupported, Addr: s, Detail: scheme + "://"}
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i] // a URL's path and query
	}
	if j := strings.LastIndexByte(rest, '@'); j >= 0 {
		rest = rest[j+1:] // user:password@ of a URL
	}
	host, port, hasPort := rest, "", false
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return bad(ReasonBadDomain)
		}
		host, port = rest[1:end], rest[end+1:]
		if port != "" {
			if port[0] != ':' {
				return bad(ReasonBadDomain)
			}
			port, hasPort = port[1:], true
		}
		if _, err := netip.ParseAddr(host); err != nil {
			return bad(ReasonBadDomain)
		}
	} else if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		host, port, hasPort = rest[:i], rest[i+1:], true
		if strings.IndexByte(host, ':') >= 0 {
			return bad(ReasonBadDomain) // an IPv6 literal needs brackets in a string
		}
	}
	if host == "" && !hasPort {
		return bad(ReasonInvalid)
	}
	if !ValidHost(host) {
		return bad(ReasonBadDomain)
	}
	e := Endpoint{Host: host}
	if host == "" {
		e.Host = DefaultHost
	}
	schemePort, known := schemePorts[scheme], scheme != "" && scheme != "tcp"
	if known && schemePort == 0 {
		p, err := net.LookupPort("tcp", scheme)
		if err != nil && !hasPort {
			return bad(ReasonBadService)
		}
		schemePort = p
	}
	switch {
	case hasPort && port == "*":
		e.AnyPort = true
	case hasPort:
		p, ok := ParsePort(port)
		if !ok {
			return bad(ReasonInvalid)
		}
		e.Port = p
	case known:
		e.Port = schemePort
	default:
		return bad(ReasonMissingPort)
	}
	return e, nil
}

func isSchemeName(s string) bool {
	for i, c := range s {
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return s != ""
}

// ParsePort reads a decimal port number, 0 to 65535.
func ParsePort(s string) (int, bool) {
	if s == "" || len(s) > 5 {
		return 0, false
	}
	p, err := strconv.Atoi(s)
	if err != nil || p < 0 || p > 65535 || s[0] == '+' || s[0] == '-' {
		return 0, false
	}
	return p, true
}

// LookupService gives the TCP port of a service name such as "http", or of a numeric string.
func LookupService(name string) (int, bool) {
	if p, ok := ParsePort(name); ok {
		return p, true
	}
	if name == "" || strings.ContainsAny(name, " /:") {
		return 0, false
	}
	p, err := net.LookupPort("tcp", name)
	return p, err == nil
}

// ValidHost reports whether h can name a host: an IP literal, a wildcard ("*"), or a name of
// word characters separated by dots and dashes.
func ValidHost(h string) bool {
	if h == "" || h == "*" {
		return true
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// wildcard reports whether a host asks for every interface.
func wildcard(host string) (netip.Addr, bool) {
	switch host {
	case "*", "0.0.0.0":
		return netip.IPv4Unspecified(), true
	case "::", "[::]":
		return netip.IPv6Unspecified(), true
	}
	return netip.Addr{}, false
}

// resolveLocal turns the host of a SocketOpen into the address to bind: a wildcard only when
// asked for, otherwise an address of this machine (a name may resolve to several: the first
// local one wins, IPv4 first as the system orders them).
func resolveLocal(ctx context.Context, e Endpoint) (netip.Addr, error) {
	if a, ok := wildcard(e.Host); ok {
		return a, nil
	}
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(e.Host); err == nil {
		addrs = []netip.Addr{a.Unmap()}
	} else {
		found, err := net.DefaultResolver.LookupNetIP(ctx, "ip", e.Host)
		if err != nil {
			return netip.Addr{}, lookupError(ctx, e.String(), err)
		}
		addrs = found
	}
	for _, a := range addrs {
		if IsLocal(a.Unmap()) {
			return a.Unmap(), nil
		}
	}
	return netip.Addr{}, &Error{Kind: NotLocal, Addr: e.String()}
}

// IsLocal reports whether a belongs to this machine: loopback, or an interface's address.
func IsLocal(a netip.Addr) bool {
	if a.IsLoopback() {
		return true
	}
	ifAddrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, ia := range ifAddrs {
		if p, err := netip.ParsePrefix(ia.String()); err == nil && p.Addr().Unmap() == a.WithZone("") {
			return true
		}
	}
	return false
}

func lookupError(ctx context.Context, addr string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	// a name server that does not answer (a machine without network) means the name could
	// not be found either: the same message, whatever the machine
	return &Error{Kind: NoHost, Addr: addr, Err: err}
}
