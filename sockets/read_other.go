//go:build !unix

package sockets

import "net"

func readChunk(c net.Conn, b *budget) ([]byte, error) {
	if !b.take(chunkSize, nil) {
		return nil, errNoBudget
	}
	buf, err := readChunkPlain(c)
	if len(buf) == 0 {
		b.give(chunkSize)
	}
	return buf, err
}
