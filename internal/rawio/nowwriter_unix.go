//go:build unix

package rawio

import (
	"net"
	"syscall"
)

// NowWriter writes to a connection without waiting: as much as the socket's buffer takes at
// once (a REQ's or REP's inline write in zmtp, a TCP stream's write before it waits for room).
// Made once per connection, its callback included, so that a write allocates nothing. One
// write at a time: its users hold their own lock or turn.
type NowWriter struct {
	rc  syscall.RawConn
	b   []byte
	n   int
	err error
	try func(fd uintptr) bool
}

// NewNowWriter gives a NowWriter for conn, or nil when conn is not a socket of the system's.
func NewNowWriter(conn net.Conn) *NowWriter {
	rc := RawConn(conn)
	if rc == nil {
		return nil
	}
	w := &NowWriter{rc: rc}
	w.try = w.writeFD
	return w
}

// writeFD writes what the socket takes; it never asks the runtime to wait for room.
func (w *NowWriter) writeFD(fd uintptr) bool {
	for w.n < len(w.b) {
		k, err := Write(int(fd), w.b[w.n:])
		if err != nil {
			if err != syscall.EAGAIN {
				w.err = err
			}
			break
		}
		if k <= 0 {
			break
		}
		w.n += k
	}
	return true
}

// RawConn is c's file descriptor access, or nil when c is not a socket of the system's.
func RawConn(c net.Conn) syscall.RawConn {
	if sc, ok := c.(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			return rc
		}
	}
	return nil
}

// Write writes what of b the socket takes now, and says how much that was. A nil NowWriter
// writes nothing.
func (w *NowWriter) Write(b []byte) (int, error) {
	if w == nil {
		return 0, nil
	}
	w.b, w.n, w.err = b, 0, nil
	err := w.rc.Write(w.try)
	n := w.n
	if err == nil {
		err = w.err
	}
	w.b, w.err = nil, nil
	return n, err
}
