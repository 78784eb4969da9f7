package zmtp

// The codec boundary: the only file that knows go-zeromq/zmq4. zmq4.Open does the ZMTP 3.0
// greeting, the NULL mechanism and the READY metadata exchange; it is sound for that, but it
// trusts the peer (it allocates what a frame header announces, and panics on an unknown
// Socket-Type or cut metadata), so it runs armoured: a deadline on the connection, a guard
// under it that reads the handshake's bytes before zmq4 does and refuses, with a reason, what
// zmq4 would choke on, and recover around it. Replacing the handshake means replacing this
// file only.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/security/null"
)

// HandshakeTimeout is how long a peer has to complete the handshake (libzmq's
// ZMQ_HANDSHAKE_IVL default).
const HandshakeTimeout = 30 * time.Second

// maxHandshakeFrame bounds a frame during the handshake: only commands travel then, and
// READY's metadata is a few short properties (an identity is at most 255 bytes).
const maxHandshakeFrame = 64 << 10

// Peer is what the handshake learned about the other end.
type Peer struct {
	Type     string // "PUSH", "SUB", …
	Identity []byte // the routing id it announced (empty: none)
}

// HandshakeError is a handshake that failed, with the reason in words a user can act on.
type HandshakeError struct {
	Reason string
	Err    error
}

func (e *HandshakeError) Error() string { return e.Reason }
func (e *HandshakeError) Unwrap() error { return e.Err }

// Handshake runs the ZMTP handshake on c as a socket of type typ ("PUSH", …) announcing
// identity, within timeout. On failure the connection is left for the caller to close.
func Handshake(c net.Conn, typ string, identity []byte, timeout time.Duration) (peer Peer, err error) {
	g := &guard{Conn: c, mine: typ, greetLeft: greetingSize}
	c.SetDeadline(time.Now().Add(timeout))
	defer func() {
		if r := recover(); r != nil {
			peer, err = Peer{}, &HandshakeError{Reason: fmt.Sprintf("the handshake failed: %v", r)}
		}
		if err != nil {
			err = g.explain(err, timeout)
			return
		}
		c.SetDeadline(time.Time{})
	}()
	conn, err := zmq4.Open(g, null.Security(), zmq4.SocketType(typ), zmq4.SocketIdentity(identity), false, nil)
	if err != nil {
		return Peer{}, err
	}
	return Peer{Type: g.peerType, Identity: []byte(conn.Peer.Meta["Identity"])}, nil
}

const greetingSize = 64

// guard passes the handshake's bytes to zmq4, reading each one first: a bad greeting, a frame
// announcing too much, a READY with a type that cannot talk to ours or cut metadata end the
// read with a reason before zmq4 sees the bytes that would hurt it.
type guard struct {
	net.Conn
	mine string

	failed    *HandshakeError
	greetLeft int
	greeting  [greetingSize]byte
	header    [9]byte
	headerN   int
	inBody    bool
	bodyLeft  uint64
	command   bool
	body      []byte // a command's body, kept to read READY and ERROR
	peerType  string
}

func (g *guard) Read(p []byte) (int, error) {
	if g.failed != nil {
		return 0, g.failed
	}
	n, err := g.Conn.Read(p)
	for _, b := range p[:n] {
		if g.failed = g.step(b); g.failed != nil {
			return 0, g.failed
		}
	}
	return n, err
}

// step reads one byte of the handshake.
func (g *guard) step(b byte) *HandshakeError {
	if g.greetLeft > 0 {
		i := greetingSize - g.greetLeft
		g.greeting[i] = b
		g.greetLeft--
		switch {
		case i == 0 && b != 0xff, i == 9 && b != 0x7f:
			return &HandshakeError{Reason: "the peer is not a ZeroMQ socket (no ZMTP greeting)"}
		case i == 10 && b < 3:
			return &HandshakeError{Reason: fmt.Sprintf("the peer speaks ZMTP %d.x; ZMTP 3 is needed", b)}
		case i == 31:
			if mech := strings.TrimRight(string(g.greeting[12:32]), "\x00"); mech != "NULL" {
				return &HandshakeError{Reason: fmt.Sprintf("the peer asks for the %q security mechanism; only NULL is supported", mech)}
			}
		}
		return nil
	}
	if !g.inBody {
		g.header[g.headerN] = b
		g.headerN++
		if g.headerN < g.headerSize() {
			return nil
		}
		size := uint64(g.header[1])
		if g.header[0]&flagLong != 0 {
			size = binary.BigEndian.Uint64(g.header[1:9])
		}
		if size > maxHandshakeFrame {
			return &HandshakeError{Reason: fmt.Sprintf("the peer announced a frame of %d bytes during the handshake", size)}
		}
		g.command = g.header[0]&flagCommand != 0
		g.headerN = 0
		g.body = g.body[:0]
		if size == 0 {
			return g.frameDone()
		}
		g.bodyLeft, g.inBody = size, true
		return nil
	}
	g.bodyLeft--
	if g.command {
		g.body = append(g.body, b)
	}
	if g.bodyLeft == 0 {
		g.inBody = false
		return g.frameDone()
	}
	return nil
}

func (g *guard) headerSize() int {
	if g.headerN > 0 && g.header[0]&flagLong != 0 {
		return 9
	}
	return 2
}

// frameDone looks at a whole frame of the handshake.
func (g *guard) frameDone() *HandshakeError {
	if !g.command {
		return &HandshakeError{Reason: "the peer sent a message before completing the handshake"}
	}
	name, rest, ok := commandName(g.body)
	if !ok {
		return &HandshakeError{Reason: "the peer sent a malformed command during the handshake"}
	}
	switch name {
	case "READY":
		props, ok := ParseMetadata(rest)
		if !ok {
			return &HandshakeError{Reason: "the peer's READY metadata is malformed"}
		}
		peer := strings.ToUpper(props["socket-type"])
		if !KnownType(peer) {
			return &HandshakeError{Reason: fmt.Sprintf("the peer's socket type %q is not one this tool speaks", peer)}
		}
		if !Compatible(g.mine, peer) {
			return &HandshakeError{Reason: fmt.Sprintf("the peer is a %s socket, which cannot talk to a %s socket", peer, g.mine)}
		}
		g.peerType = peer
	case "ERROR":
		return &HandshakeError{Reason: fmt.Sprintf("the peer refused the handshake: %q", errorReason(rest))}
	}
	return nil
}

// explain turns what went wrong into a HandshakeError with its reason.
func (g *guard) explain(err error, timeout time.Duration) error {
	var he *HandshakeError
	switch {
	case errors.As(err, &he):
		return he
	case errors.Is(err, os.ErrDeadlineExceeded):
		return &HandshakeError{Reason: fmt.Sprintf("the peer did not complete the handshake within %v", timeout), Err: err}
	case g.greetLeft == greetingSize:
		return &HandshakeError{Reason: "the connection closed before the handshake", Err: err}
	}
	return &HandshakeError{Reason: "the handshake failed: " + strings.TrimPrefix(err.Error(), "zmq4: "), Err: err}
}

// commandName splits a command's body into its name and the rest.
func commandName(body []byte) (string, []byte, bool) {
	if len(body) == 0 || int(body[0]) > len(body)-1 {
		return "", nil, false
	}
	n := int(body[0])
	return string(body[1 : 1+n]), body[1+n:], true
}

// ParseMetadata reads ZMTP metadata properties (name, value pairs); names in lower case.
func ParseMetadata(b []byte) (map[string]string, bool) {
	props := map[string]string{}
	for len(b) > 0 {
		n := int(b[0])
		if n == 0 || len(b) < 1+n+4 {
			return nil, false
		}
		name := strings.ToLower(string(b[1 : 1+n]))
		b = b[1+n:]
		size := binary.BigEndian.Uint32(b)
		b = b[4:]
		if uint64(size) > uint64(len(b)) {
			return nil, false
		}
		props[name] = string(b[:size])
		b = b[size:]
	}
	return props, true
}

// compatible lists, for each socket type, the peer types it talks to (23/ZMTP and libzmq's
// mechanism_t::check_socket_type).
var compatible = map[string][]string{
	"PAIR":   {"PAIR"},
	"PUB":    {"SUB", "XSUB"},
	"SUB":    {"PUB", "XPUB"},
	"XPUB":   {"SUB", "XSUB"},
	"XSUB":   {"PUB", "XPUB"},
	"REQ":    {"REP", "ROUTER"},
	"REP":    {"REQ", "DEALER"},
	"DEALER": {"REP", "DEALER", "ROUTER"},
	"ROUTER": {"REQ", "DEALER", "ROUTER"},
	"PUSH":   {"PULL"},
	"PULL":   {"PUSH"},
}

// KnownType reports whether typ is a ZMTP socket type this runtime speaks.
func KnownType(typ string) bool { _, ok := compatible[typ]; return ok }

// Compatible reports whether a socket of type mine may talk to one of type peer.
func Compatible(mine, peer string) bool {
	for _, t := range compatible[mine] {
		if t == peer {
			return true
		}
	}
	return false
}
