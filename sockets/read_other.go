//go:build !unix

package sockets

import "net"

// readChunk reads what has arrived on c; see readChunkOther.
func readChunk(c net.Conn, b *budget, empty bool) ([]byte, int, error) {
	return readChunkOther(c, b, empty)
}
