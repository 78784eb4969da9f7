package sockets

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
)

// Kind says what went wrong, so that the language can word its message.
type Kind int

const (
	AddrSpec    Kind = iota + 1 // a malformed address; Detail is Wolfram's reason
	Unsupported                 // a transport this runtime does not have (ipc://); Detail names it
	AddrInUse                   // the address is already bound
	NotLocal                    // SocketOpen of an address that is not this machine's
	NoHost                      // the host name does not resolve
	Refused                     // nothing listens there
	Timeout                     // the connection or lookup took too long
	Reset                       // the peer reset or closed the connection during a write
	Closed                      // the socket is closed
	Denied                      // the system refused (a privileged port, say)
	Other                       // anything else; Err says what
)

// Error is a failure of the socket runtime, with the address it concerns.
type Error struct {
	Kind   Kind
	Addr   string
	Detail string
	Err    error
}

func (e *Error) Error() string {
	s := e.Addr + ": " + e.Kind.String()
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

func (k Kind) String() string {
	switch k {
	case AddrSpec:
		return "malformed address"
	case Unsupported:
		return "unsupported transport"
	case AddrInUse:
		return "address in use"
	case NotLocal:
		return "not a local address"
	case NoHost:
		return "unknown host"
	case Refused:
		return "connection refused"
	case Timeout:
		return "timed out"
	case Reset:
		return "connection reset"
	case Closed:
		return "closed"
	case Denied:
		return "permission denied"
	}
	return "error"
}

// KindOf gives the Kind of err, Other when it is not one of the runtime's errors.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Other
}

// SystemText is the operating system's own wording of err's cause, if there is one.
func SystemText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.Err
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// netError classifies an error from the net package for the address addr.
func netError(ctx context.Context, addr string, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr):
		return lookupError(ctx, addr, err)
	case errors.Is(err, syscall.EADDRINUSE):
		return &Error{Kind: AddrInUse, Addr: addr, Err: err}
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return &Error{Kind: NotLocal, Addr: addr, Err: err}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &Error{Kind: Refused, Addr: addr, Err: err}
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return &Error{Kind: Denied, Addr: addr, Err: err}
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, io.ErrClosedPipe):
		return &Error{Kind: Reset, Addr: addr, Err: err}
	case errors.Is(err, net.ErrClosed):
		return &Error{Kind: Closed, Addr: addr, Err: err}
	case errors.Is(err, os.ErrDeadlineExceeded), isTimeout(err):
		return &Error{Kind: Timeout, Addr: addr, Err: err}
	}
	return &Error{Kind: Other, Addr: addr, Err: err}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
