//go:build unix && (!linux || race)

package rawio

import "syscall"

// read1 and write1 are read(2) and write(2): raw calls are made on Linux only, and not under
// the race detector, which sees what a system call writes into memory (and the order it
// implies) only through the syscall package's ordinary calls.
func read1(fd int, p []byte) (int, error) { return syscall.Read(fd, p) }

func write1(fd int, p []byte) (int, error) { return syscall.Write(fd, p) }
