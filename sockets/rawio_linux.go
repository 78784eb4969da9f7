package sockets

import (
	"syscall"
	"unsafe"
)

// sysRead and sysWrite are read(2) and write(2) on a non-blocking socket, made without telling
// the scheduler that a system call may block (RawSyscall), since on such a socket none does.
// Why it matters: a goroutine that wakes from the network poller on an otherwise idle program
// and enters a system call wakes the runtime's monitor thread, which then polls at 20 µs
// intervals for a while (sysmon); on a round trip a message at a time (an echo, a request and
// its reply) that is a thread wake-up per trip, on another processor (measured on an echo
// through a listener: 2.2 context switches and 42 µs of processor time a round trip before,
// 1.0 and 32 after; Python's server 1.0 and 24).
//
// Not for large writes: the goroutine keeps its processor through a raw system call, and
// copying megabytes into the socket's buffer would hold it (and a collection waiting for it)
// that long. A read takes at most a chunk.
func sysRead(fd int, p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, _, e := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	if e != 0 {
		return -1, e
	}
	return int(n), nil
}

func sysWrite(fd int, p []byte) (int, error) {
	switch {
	case len(p) == 0:
		return 0, nil
	case len(p) > rawWriteMax:
		return syscall.Write(fd, p)
	}
	n, _, e := syscall.RawSyscall(syscall.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	if e != 0 {
		return -1, e
	}
	return int(n), nil
}

// rawWriteMax is the most a raw write copies into the socket's buffer.
const rawWriteMax = 64 << 10
