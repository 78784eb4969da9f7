//go:build !unix

package sockets

import (
	"net"
	"syscall"
)

// readChunk reads what has arrived on the connection; see readChunkOther.
func (st *stream) readChunk(empty bool) ([]byte, int, error) {
	return readChunkOther(st.nc, st.budget, empty)
}

// rawConnOf is nil here: the stream reads and writes through the net package.
func rawConnOf(net.Conn) syscall.RawConn { return nil }

// writeNow writes nothing here: the caller writes through the net package.
func (st *stream) writeNow([]byte) (int, error) { return 0, nil }

// readNow reads nothing here: no caller takes the turn from the reader goroutine.
func (st *stream) readNow() ([]byte, int, error) { return nil, 0, nil }
