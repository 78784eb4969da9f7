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
	var op *net.OpError
	switch {
	case err != nil:
		if errors.As(err, &op) {
			op.Op = "read" // the net package says "raw-read"
		}
		return 0, err
	case rerr != nil:
		return 0, &net.OpError{Op: "read", Net: r.c.LocalAddr().Network(), Source: r.c.LocalAddr(),
			Addr: r.c.RemoteAddr(), Err: os.NewSyscallError("read", rerr)}
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}
