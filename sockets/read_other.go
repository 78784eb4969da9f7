//go:build !unix

package sockets

import "net"

func readChunk(c net.Conn) ([]byte, error) { return readChunkPlain(c) }
