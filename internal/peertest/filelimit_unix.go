//go:build unix

package peertest

import "syscall"

// FileLimit is this process's soft limit on open files (Go raises it to the hard limit at
// start), for tests that open many connections and scale down to fit; false where it is not
// known.
func FileLimit() (int, bool) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, false
	}
	return int(min(lim.Cur, 1<<30)), true
}
