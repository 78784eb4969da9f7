//go:build !unix

package peertest

// FileLimit is this process's soft limit on open files; no limit is known here.
func FileLimit() (int, bool) { return 0, false }
