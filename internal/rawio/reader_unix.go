//go:build unix

package rawio

import (
	"io"
	"net"
	"syscall"
)

// NewReader reads c with Read, parked in the network poller while nothing has arrived as c's
// own Read would be, its deadlines applying as they do there; it gives c itself when c is not
// a socket of the system's.
func NewReader(c net.Conn) io.Reader {
	rc := RawConn(c)
	if rc == nil {
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
		n, rerr = Read(int(fd), p)
		return rerr != syscall.EAGAIN // EAGAIN: wait until readable
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
