//go:build unix

package sockets

import "syscall"

// fileLimit is the process's soft limit on open files (Go raises it to the hard limit at start).
func fileLimit() (int, bool) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, false
	}
	return int(min(lim.Cur, 1<<30)), true
}
