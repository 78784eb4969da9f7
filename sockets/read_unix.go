//go:build unix

package sockets

import (
	"io"
	"net"
	"syscall"
)

// readChunk reads what has arrived on c into a pooled chunk. It borrows the chunk only once
// the connection is readable, so that ten thousand idle connections hold no buffers.
func readChunk(c net.Conn) ([]byte, error) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return readChunkPlain(c)
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil, err
	}
	var (
		buf  []byte
		n    int
		rerr error
	)
	err = raw.Read(func(fd uintptr) bool {
		buf = getChunk()
		for {
			n, rerr = syscall.Read(int(fd), buf)
			if rerr != syscall.EINTR {
				break
			}
		}
		if rerr == syscall.EAGAIN {
			putChunk(buf)
			buf = nil
			return false // wait until readable
		}
		return true
	})
	switch {
	case err != nil:
		putChunk(buf)
		return nil, err
	case rerr != nil:
		putChunk(buf)
		return nil, rerr
	case n == 0:
		putChunk(buf)
		return nil, io.EOF
	}
	return buf[:n], nil
}
