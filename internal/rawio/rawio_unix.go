//go:build unix

package rawio

import "syscall"

// Read is read(2) on a non-blocking descriptor, made again when a signal interrupts it.
func Read(fd int, p []byte) (int, error) {
	for {
		if n, err := read1(fd, p); err != syscall.EINTR {
			return n, err
		}
	}
}

// Write is write(2) on a non-blocking descriptor, made again when a signal interrupts it.
func Write(fd int, p []byte) (int, error) {
	for {
		if n, err := write1(fd, p); err != syscall.EINTR {
			return n, err
		}
	}
}
