//go:build unix && (!linux || race)

package rawio

import "syscall"

// Read is read(2): raw calls are made on Linux only, and not under the race detector, which
// sees what a system call writes into memory (and the order it implies) only through the
// syscall package's ordinary calls.
func Read(fd int, p []byte) (int, error) { return syscall.Read(fd, p) }

// Write is write(2), as Read.
func Write(fd int, p []byte) (int, error) { return syscall.Write(fd, p) }
