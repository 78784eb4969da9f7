// Package rawio reads and writes sockets of the system's with system calls made without
// telling the Go scheduler that they may block (syscall.RawSyscall), since on a non-blocking
// socket none does.
//
// Why: a goroutine that wakes from the network poller in an otherwise idle program and enters
// an ordinary system call wakes the runtime's monitor thread (sysmon), which then polls every
// 20 µs for a while on the other processor. On a round trip a message at a time — an echo
// through a listener, a REQ and its REP — that is a thread wake-up and a context switch per
// trip. Measured on an echo through SocketListen: 2.2 context switches and 42 µs of processor
// time a round trip with ordinary calls, 1.0 and 32 with these (Python's server: 1.0 and 24).
//
// Large transfers (more than 64 KiB at once) still use ordinary calls, and elsewhere than on
// Linux, or under the race detector, every call is an ordinary one.
package rawio

import (
	"errors"
	"net"
	"os"
	"syscall"
)

// ConnError words an error of a read or write (op) on c as the net package's Read and Write do
// ("read tcp 127.0.0.1:5555->127.0.0.1:40000: read: connection reset by peer"): a system
// call's error number gets the connection's addresses, and the net package's own errors for
// raw access ("raw-read") get the plain operation's name.
func ConnError(c net.Conn, op string, err error) error {
	var ne *net.OpError
	if errors.As(err, &ne) {
		ne.Op = op
		return err
	}
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return err
	}
	ne = &net.OpError{Op: op, Net: "tcp", Err: os.NewSyscallError(op, errno)}
	if a := c.LocalAddr(); a != nil {
		ne.Net, ne.Source = a.Network(), a
	}
	if a := c.RemoteAddr(); a != nil {
		ne.Addr = a
	}
	return ne
}
