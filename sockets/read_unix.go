//go:build unix

package sockets

import (
	"io"
	"net"
	"syscall"
)

// readChunk reads what has arrived on c into a pooled chunk. It borrows the chunk only once
// the connection is readable, so that ten thousand idle connections hold no buffers.
func readChunk(c net.Conn, b *budget) ([]byte, error) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		if !b.take(chunkSize, nil) {
			return nil, errNoBudget
		}
		buf, err := readChunkPlain(c)
		if len(buf) == 0 {
			b.give(chunkSize)
		}
		return buf, err
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil, err
	}
	var (
		buf     []byte
		n       int
		rerr    error
		starved bool
	)
	err = raw.Read(func(fd uintptr) bool {
		if !b.tryTake(chunkSize) {
			starved = true
			return true
		}
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
			b.give(chunkSize)
			return false // wait until readable
		}
		return true
	})
	switch {
	case starved:
		return nil, errNoBudget
	case err != nil: // no callback holds a reservation then
		putChunk(buf)
		return nil, err
	case rerr != nil:
		b.give(chunkSize)
		putChunk(buf)
		return nil, rerr
	case n == 0:
		b.give(chunkSize)
		putChunk(buf)
		return nil, io.EOF
	}
	return buf[:n], nil
}
