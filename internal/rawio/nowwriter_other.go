//go:build !unix

package rawio

import (
	"net"
	"syscall"
)

// NowWriter would write without waiting; elsewhere than on Unix every write waits as the net
// package's does.
type NowWriter struct{}

// NewNowWriter gives nil here.
func NewNowWriter(net.Conn) *NowWriter { return nil }

// RawConn is nil here: raw access is used on Unix only.
func RawConn(net.Conn) syscall.RawConn { return nil }

// Write writes nothing here.
func (*NowWriter) Write([]byte) (int, error) { return 0, nil }
