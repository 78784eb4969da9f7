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
