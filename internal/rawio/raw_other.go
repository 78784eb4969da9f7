//go:build unix && !linux

package rawio

import "syscall"

// Read is read(2) (raw calls are made on Linux only).
func Read(fd int, p []byte) (int, error) { return syscall.Read(fd, p) }

// Write is write(2) (raw calls are made on Linux only).
func Write(fd int, p []byte) (int, error) { return syscall.Write(fd, p) }
