//go:build unix && !linux

package sockets

import "syscall"

// sysRead and sysWrite are read(2) and write(2) (see rawio_linux.go for why they are apart).
func sysRead(fd int, p []byte) (int, error)  { return syscall.Read(fd, p) }
func sysWrite(fd int, p []byte) (int, error) { return syscall.Write(fd, p) }
