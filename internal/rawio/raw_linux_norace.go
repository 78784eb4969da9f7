//go:build linux && !race

package rawio

import (
	"syscall"
	"unsafe"
)

// read1 is one read(2); a raw system call up to rawMax bytes.
func read1(fd int, p []byte) (int, error) {
	switch {
	case len(p) == 0:
		return 0, nil
	case len(p) > rawMax:
		return syscall.Read(fd, p)
	}
	n, _, e := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	if e != 0 {
		return -1, e
	}
	return int(n), nil
}

// write1 is one write(2); a raw system call up to rawMax bytes.
func write1(fd int, p []byte) (int, error) {
	switch {
	case len(p) == 0:
		return 0, nil
	case len(p) > rawMax:
		return syscall.Write(fd, p)
	}
	n, _, e := syscall.RawSyscall(syscall.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	if e != 0 {
		return -1, e
	}
	return int(n), nil
}

// rawMax is the most a raw system call copies: the goroutine keeps its processor through it,
// and copying megabytes would hold the processor (and a collection waiting for it) that long.
const rawMax = 64 << 10
