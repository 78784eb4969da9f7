package sockets

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseAddress(t *testing.T) {
	type want struct {
		host    string
		port    int
		anyPort bool
	}
	ok := func(host string, port int) want { return want{host: host, port: port} }
	tests := []struct {
		in     string
		want   want
		kind   Kind   // non-zero: an error of this kind
		reason string // the error's Detail
	}{
		// host:port and the forms of a host
		{in: "127.0.0.1:5555", want: ok("127.0.0.1", 5555)},
		{in: "localhost:8000", want: ok("localhost", 8000)},
		{in: "example.com:80", want: ok("example.com", 80)},
		{in: "my-host_1.example.org:1", want: ok("my-host_1.example.org", 1)},
		{in: "[::1]:8000", want: ok("::1", 8000)},
		{in: "[fe80::1%eth0]:80", want: ok("fe80::1%eth0", 80)},
		{in: "[::]:9", want: ok("::", 9)},
		{in: "*:5555", want: ok("*", 5555)},
		{in: "0.0.0.0:5555", want: ok("0.0.0.0", 5555)},
		{in: ":5555", want: ok(DefaultHost, 5555)},
		{in: "127.0.0.1:0", want: ok("127.0.0.1", 0)},
		{in: "127.0.0.1:65535", want: ok("127.0.0.1", 65535)},
		{in: "127.0.0.1:00080", want: ok("127.0.0.1", 80)},
		// a port "*" asks for any free port
		{in: "127.0.0.1:*", want: want{host: "127.0.0.1", anyPort: true}},
		{in: "tcp://*:*", want: want{host: "*", anyPort: true}},
		// tcp:// is only a transport
		{in: "tcp://127.0.0.1:5555", want: ok("127.0.0.1", 5555)},
		{in: "TCP://127.0.0.1:5555", want: ok("127.0.0.1", 5555)},
		{in: "tcp://[::1]:5555", want: ok("::1", 5555)},
		{in: "tcp://localhost", kind: AddrSpec, reason: ReasonMissingPort},
		// URLs: the scheme gives the port, an explicit port wins
		{in: "http://example.com/path", want: ok("example.com", 80)},
		{in: "http://example.com", want: ok("example.com", 80)},
		{in: "http://example.com?q=1#frag", want: ok("example.com", 80)},
		{in: "http://h:8080/x", want: ok("h", 8080)},
		{in: "https://h", want: ok("h", 443)},
		{in: "HTTPS://h/", want: ok("h", 443)},
		{in: "https://h:8443/a/b?c", want: ok("h", 8443)},
		{in: "ws://h", want: ok("h", 80)},
		{in: "wss://h", want: ok("h", 443)},
		{in: "ftp://h", want: ok("h", 21)},
		{in: "http://[::1]/index.html", want: ok("::1", 80)},
		{in: "http://[::1]:8080/", want: ok("::1", 8080)},
		{in: "http://user:secret@h/", want: ok("h", 80)},
		{in: "http://user:secret@h:81/", want: ok("h", 81)},
		{in: "http://h:*/", want: want{host: "h", anyPort: true}},
		{in: "ssh://h", want: ok("h", 22)}, // a service name from the system
		{in: "nosuchservice-xyz://h", kind: AddrSpec, reason: ReasonBadService},
		{in: "nosuchservice-xyz://h:99", want: ok("h", 99)},
		// transports this runtime does not have
		{in: "ipc://x", kind: Unsupported, reason: "ipc://"},
		{in: "inproc://name", kind: Unsupported, reason: "inproc://"},
		{in: "IPC:///tmp/sock", kind: Unsupported, reason: "ipc://"},
		{in: "udp://127.0.0.1:5", kind: Unsupported, reason: "udp://"},
		{in: "pgm://eth0;239.192.1.1:5555", kind: Unsupported, reason: "pgm://"},
		// missing parts
		{in: "localhost", kind: AddrSpec, reason: ReasonMissingPort},
		{in: "127.0.0.1", kind: AddrSpec, reason: ReasonMissingPort},
		{in: "[::1]", kind: AddrSpec, reason: ReasonMissingPort},
		{in: "", kind: AddrSpec, reason: ReasonInvalid},
		{in: "tcp://", kind: AddrSpec, reason: ReasonInvalid},
		{in: "localhost:", kind: AddrSpec, reason: ReasonInvalid},
		// ports out of range or not numbers
		{in: "localhost:65536", kind: AddrSpec, reason: ReasonInvalid},
		{in: "localhost:99999", kind: AddrSpec, reason: ReasonInvalid},
		{in: "localhost:123456", kind: AddrSpec, reason: ReasonInvalid},
		{in: "localhost:-1", kind: AddrSpec, reason: ReasonInvalid},
		{in: "localhost:+80", kind: AddrSpec, reason: ReasonInvalid},
		{in: "localhost:http", kind: AddrSpec, reason: ReasonInvalid},
		{in: "localhost:8o", kind: AddrSpec, reason: ReasonInvalid},
		{in: "localhost: 80", kind: AddrSpec, reason: ReasonInvalid},
		{in: "http://h:70000/", kind: AddrSpec, reason: ReasonInvalid},
		// IPv6 literals need brackets in a string
		{in: "::1", kind: AddrSpec, reason: ReasonBadDomain},
		{in: "::1:8000", kind: AddrSpec, reason: ReasonBadDomain},
		{in: "fe80::1:80", kind: AddrSpec, reason: ReasonBadDomain},
		{in: "2001:db8::1", kind: AddrSpec, reason: ReasonBadDomain},
		{in: "tcp://::1:5555", kind: AddrSpec, reason: ReasonBadDomain},
		// malformed brackets and hosts
		{in: "[::1", kind: AddrSpec, reason: ReasonBadDomain},
		{in: "[::1]8000", kind: AddrSpec, reason: ReasonBadDomain},
		{in: "[not-an-ip]:80", kind: AddrSpec, reason: ReasonBadDomain},
		{in: "[127.0.0.1:80", kind: AddrSpec, reason: ReasonBadDomain},
		{in: "local host:80", kind: AddrSpec, reason: ReasonBadDomain},
		{in: "a..b:80", kind: AddrSpec, reason: ReasonBadDomain},
		{in: ".a:80", kind: AddrSpec, reason: ReasonBadDomain},
		{in: "h!:80", kind: AddrSpec, reason: ReasonBadDomain},
		{in: "héllo:80", kind: AddrSpec, reason: ReasonBadDomain},
		{in: "localhost:80:90", kind: AddrSpec, reason: ReasonBadDomain},
		{in: strings.Repeat("a", 64) + ":80", kind: AddrSpec, reason: ReasonBadDomain},
	}
	for _, tc := range tests {
		e, err := ParseAddress(tc.in)
		if tc.kind != 0 {
			var se *Error
			if !errors.As(err, &se) {
				t.Errorf("ParseAddress(%q) = %+v, %v; want a %v error", tc.in, e, err, tc.kind)
				continue
			}
			if se.Kind != tc.kind || se.Detail != tc.reason || se.Addr != tc.in {
				t.Errorf("ParseAddress(%q): error {Kind %v, Detail %q, Addr %q}; want {%v, %q, %q}",
					tc.in, se.Kind, se.Detail, se.Addr, tc.kind, tc.reason, tc.in)
			}
			if KindOf(err) != tc.kind {
				t.Errorf("KindOf(ParseAddress(%q)) = %v, want %v", tc.in, KindOf(err), tc.kind)
			}
			if e != (Endpoint{}) {
				t.Errorf("ParseAddress(%q) returned %+v with its error", tc.in, e)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseAddress(%q): %v", tc.in, err)
			continue
		}
		got := want{host: e.Host, port: e.Port, anyPort: e.AnyPort}
		if got != tc.want {
			t.Errorf("ParseAddress(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestEndpointString(t *testing.T) {
	tests := []struct {
		e    Endpoint
		want string
	}{
		{Endpoint{Host: "127.0.0.1", Port: 5555}, "127.0.0.1:5555"},
		{Endpoint{Host: "::1", Port: 8000}, "[::1]:8000"},
		{Endpoint{Host: "localhost", AnyPort: true}, "localhost:*"},
		{Endpoint{Host: "*", Port: 1}, "*:1"},
	}
	for _, tc := range tests {
		if got := tc.e.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.e, got, tc.want)
		}
	}
	// what String writes, ParseAddress reads back
	for _, tc := range tests {
		e, err := ParseAddress(tc.e.String())
		if err != nil || e != tc.e {
			t.Errorf("ParseAddress(%q) = %+v, %v; want %+v", tc.e.String(), e, err, tc.e)
		}
	}
}

func TestParsePort(t *testing.T) {
	tests := []struct {
		in   string
		port int
		ok   bool
	}{
		{"0", 0, true}, {"1", 1, true}, {"80", 80, true}, {"65535", 65535, true}, {"00001", 1, true},
		{"", 0, false}, {"65536", 0, false}, {"100000", 0, false}, {"-1", 0, false}, {"+1", 0, false},
		{"-0", 0, false}, {"1e3", 0, false}, {" 80", 0, false}, {"80 ", 0, false}, {"0x50", 0, false},
		{"*", 0, false}, {"http", 0, false},
	}
	for _, tc := range tests {
		p, ok := ParsePort(tc.in)
		if p != tc.port || ok != tc.ok {
			t.Errorf("ParsePort(%q) = %d, %v; want %d, %v", tc.in, p, ok, tc.port, tc.ok)
		}
	}
}

func TestLookupService(t *testing.T) {
	tests := []struct {
		in   string
		port int
		ok   bool
	}{
		{"http", 80, true},
		{"https", 443, true},
		{"HTTP", 80, true}, // service names are looked up case-insensitively, as getservbyname does on Linux
		{"ftp", 21, true},
		{"8080", 8080, true},
		{"0", 0, true},
		{"65535", 65535, true},
		{"65536", 0, false},
		{"-1", 0, false},
		{"", 0, false},
		{"no-such-service-xyz", 0, false},
		{"http/tcp", 0, false},
		{"ht tp", 0, false},
		{"a:b", 0, false},
	}
	for _, tc := range tests {
		p, ok := LookupService(tc.in)
		if ok != tc.ok || (ok && p != tc.port) {
			t.Errorf("LookupService(%q) = %d, %v; want %d, %v", tc.in, p, ok, tc.port, tc.ok)
		}
	}
}

func TestValidHost(t *testing.T) {
	valid := []string{
		"", "*", "localhost", "127.0.0.1", "0.0.0.0", "::1", "::", "fe80::1%eth0", "2001:db8::1",
		"::ffff:127.0.0.1", "example.com", "a-b.c_d.example", "1.2.3.4.5", "xn--bcher-kva.example",
		strings.Repeat("a", 63) + ".com",
		strings.Repeat(strings.Repeat("a", 62)+".", 4) + "a", // 253 characters
	}
	invalid := []string{
		" ", "local host", "a..b", ".a", "a.", "h!", "h/x", "h:80", "[::1]", "héllo", "a@b",
		strings.Repeat("a", 64), strings.Repeat(strings.Repeat("a", 62)+".", 4) + "abc", // 255 characters
	}
	for _, h := range valid {
		if !ValidHost(h) {
			t.Errorf("ValidHost(%q) = false, want true", h)
		}
	}
	for _, h := range invalid {
		if ValidHost(h) {
			t.Errorf("ValidHost(%q) = true, want false", h)
		}
	}
}

func TestWildcard(t *testing.T) {
	for _, h := range []string{"*", "0.0.0.0"} {
		if a, ok := wildcard(h); !ok || a != netip.IPv4Unspecified() {
			t.Errorf("wildcard(%q) = %v, %v", h, a, ok)
		}
	}
	if a, ok := wildcard("::"); !ok || a != netip.IPv6Unspecified() {
		t.Errorf("wildcard(\"::\") = %v, %v", a, ok)
	}
	for _, h := range []string{"127.0.0.1", "localhost", "", "::1"} {
		if _, ok := wildcard(h); ok {
			t.Errorf("wildcard(%q) is a wildcard", h)
		}
	}
}

func TestIsLocal(t *testing.T) {
	for _, s := range []string{"127.0.0.1", "127.1.2.3", "::1"} {
		if !IsLocal(netip.MustParseAddr(s)) {
			t.Errorf("IsLocal(%s) = false", s)
		}
	}
	// documentation and public addresses belong to no interface here
	for _, s := range []string{"192.0.2.1", "8.8.8.8", "2001:db8::1"} {
		if IsLocal(netip.MustParseAddr(s)) {
			t.Errorf("IsLocal(%s) = true", s)
		}
	}
}

func TestErrorText(t *testing.T) {
	for k := AddrSpec; k <= Other; k++ {
		if k.String() == "" || (k != Other && k.String() == "error") {
			t.Errorf("Kind(%d) has no name", k)
		}
	}
	e := &Error{Kind: AddrSpec, Addr: "h:x", Detail: ReasonInvalid}
	if got, want := e.Error(), "h:x: malformed address (the domain or port is invalid)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	wrapped := &Error{Kind: Refused, Addr: "127.0.0.1:1", Err: syscall.ECONNREFUSED}
	if !errors.Is(wrapped, syscall.ECONNREFUSED) {
		t.Error("Error does not unwrap to its cause")
	}
	if got := SystemText(wrapped); got != syscall.ECONNREFUSED.Error() {
		t.Errorf("SystemText = %q", got)
	}
	if KindOf(errors.New("x")) != Other || KindOf(nil) != Other {
		t.Error("KindOf of a foreign error is not Other")
	}
	if SystemText(nil) != "" {
		t.Error("SystemText(nil) is not empty")
	}
}

func TestLookupHost(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	info, err := LookupHost(ctx, "localhost")
	if err != nil {
		t.Fatal(err)
	}
	hasLoopback := false
	for _, a := range info.Addrs {
		hasLoopback = hasLoopback || a.IsLoopback()
		if a.Is4In6() {
			t.Errorf("address %v is not unmapped", a)
		}
	}
	if !hasLoopback || info.Name == "" {
		t.Errorf("LookupHost(localhost) = %+v", info)
	}
	info, err = LookupHost(ctx, "127.0.0.1")
	if err != nil {
		if KindOf(err) != NoHost {
			t.Errorf("reverse lookup of 127.0.0.1: %v", err)
		}
	} else if len(info.Addrs) != 1 || info.Addrs[0] != netip.MustParseAddr("127.0.0.1") || strings.HasSuffix(info.Name, ".") {
		t.Errorf("LookupHost(127.0.0.1) = %+v", info)
	}
	nctx, ncancel := context.WithTimeout(ctx, 5*time.Second)
	defer ncancel()
	_, err = LookupHost(nctx, "no-such-host.socketrepl.invalid")
	if errors.Is(err, context.DeadlineExceeded) {
		t.Skipf("the resolver does not answer here within 5 s: %v", err)
	}
	if KindOf(err) != NoHost {
		t.Errorf("LookupHost of an unknown name: %v, want NoHost", err)
	}
	done, cancel2 := context.WithCancel(ctx)
	cancel2()
	if _, err := LookupHost(done, "no-such-host.socketrepl.invalid"); !errors.Is(err, context.Canceled) {
		t.Errorf("LookupHost with a cancelled context: %v", err)
	}
}
