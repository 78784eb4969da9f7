//go:build unix

package zmtp

import (
	"net"
	"syscall"

	"github.com/socketrepl/socketrepl/internal/rawio"
)

// nowWriter writes to a connection without waiting: as much as the socket's buffer takes at
// once (a Lockstep sender's inline write, lockstep.go). Made once per connection, its callback
// included, so that a write allocates nothing.
type nowWriter struct {
	rc  syscall.RawConn
	b   []byte
	n   int
	err error
	try func(fd uintptr) bool
}

// newNowWriter gives a nowWriter for conn, or nil when conn is not a socket of the system's.
func newNowWriter(conn net.Conn) *nowWriter {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	w := &nowWriter{rc: rc}
	w.try = w.writeFD
	return w
}

// writeFD writes what the socket takes; it never asks the runtime to wait for room.
func (w *nowWriter) writeFD(fd uintptr) bool {
	for w.n < len(w.b) {
		k, err := rawio.Write(int(fd), w.b[w.n:])
		if err == syscall.EINTR {
			continue
		}
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

// write writes what of b the socket takes now, and says how much that was.
func (w *nowWriter) write(b []byte) (int, error) {
	w.b, w.n, w.err = b, 0, nil
	err := w.rc.Write(w.try)
	n := w.n
	if err == nil {
		err = w.err
	}
	w.b, w.err = nil, nil
	return n, err
}
