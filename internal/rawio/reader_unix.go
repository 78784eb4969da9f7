//go:build unix

package rawio

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
)

// NewReader reads c with Read, parked in the network poller while nothing has arrived as c's
// own Read would be, its deadlines applying as they do there; it gives c itself when c is not
// a socket of the system's.
func NewReader(c net.Conn) io.Reader {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return c
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return c
	}
	return &reader{c: c, rc: rc}
}

type reader struct {
	c  net.Conn
	rc syscall.RawConn
}

// Read reads as net.Conn's Read does: io.EOF at the end, and errors that say what the net
// package's say.
func (r *reader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var (
		n    int
		rerr error
	)
	err := r.rc.Read(func(fd uintptr) bool {
		for {
			n, rerr = Read(int(fd), p)
			switch rerr {
			case syscall.EINTR:
				continue
			case syscall.EAGAIN:
				return false // wait until readable
			}
			return true
		}
	})
	switch {
	case err != nil:
		return 0, ConnError(r.c, "read", err)
	case rerr != nil:
		return 0, ConnError(r.c, "read", rerr)
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

// ConnError words an error of a read or write (op) on c as the net package's Read and Write do
// ("read tcp 127.0.0.1:5555->127.0.0.1:40000: read: connection reset by peer"): a system
// call's error number gets the connection's addresses, and the net package's own errors for
// raw access ("raw-read") get the plain operation's name.
func ConnError(c net.Conn, op string, err error) error {
	var ne *net.OpError
	if errors.As(err, &ne) {
		ne.Op = op
		return err
	}
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return err
	}
	ne = &net.OpError{Op: op, Net: "tcp", Err: os.NewSyscallError(op, errno)}
	if a := c.LocalAddr(); a != nil {
		ne.Net, ne.Source = a.Network(), a
	}
	if a := c.RemoteAddr(); a != nil {
		ne.Addr = a
	}
	return ne
}
