//go:build unix

package sockets

import (
	"io"
	"syscall"

	"github.com/socketrepl/socketrepl/internal/rawio"
)

// readChunk reads what has arrived on the connection into a pooled chunk, returning it with
// the bytes of the budget reserved for it (readReserve, or 0 with no data). It borrows the chunk and
// reserves the budget only once the connection is readable, so that ten thousand idle
// connections hold no buffers. empty (whether the stream's buffer is empty) is for readers
// that cannot peek; this one can.
//
// When the budget is spent, the connection is not read, but it is peeked at (MSG_PEEK, one
// byte, nothing consumed): data waiting means waiting for budget (errNoBudget), and the end
// or a reset is reported at once. A connection starved by others' unread data thus still
// sees its peer go, with no reservation and no buffer; nothing is found and it waits to be
// readable as an idle one does.
func (st *stream) readChunk(empty bool) ([]byte, int, error) {
	raw, b := st.raw, st.budget
	if raw == nil {
		return readChunkOther(st.nc, b, empty)
	}
	var (
		buf     []byte
		n       int
		rerr    error
		starved bool
		ended   bool
	)
	err := raw.Read(func(fd uintptr) bool {
		if !b.tryTake(readReserve) {
			var one [1]byte
			var pn int
			for {
				pn, _, rerr = syscall.Recvfrom(int(fd), one[:], syscall.MSG_PEEK)
				if rerr != syscall.EINTR {
					break
				}
			}
			switch {
			case rerr == syscall.EAGAIN:
				rerr = nil
				return false // nothing there: wait until readable
			case rerr != nil:
			case pn == 0:
				ended = true
			default:
				starved = true
			}
			return true
		}
		buf = getChunk()
		n, rerr = rawio.Read(int(fd), buf)
		if rerr == syscall.EAGAIN {
			putChunk(buf)
			buf = nil
			b.give(readReserve)
			return false // wait until readable
		}
		return true
	})
	switch {
	case starved:
		return nil, 0, errNoBudget
	case err != nil: // no callback holds a reservation then
		putChunk(buf)
		return nil, 0, err
	case buf == nil: // a peek found the end or an error; nothing is reserved
		if rerr != nil {
			return nil, 0, rerr
		}
		if ended {
			return nil, 0, io.EOF
		}
		return nil, 0, io.ErrNoProgress
	case rerr != nil:
		b.give(readReserve)
		putChunk(buf)
		return nil, 0, rerr
	case n == 0:
		b.give(readReserve)
		putChunk(buf)
		return nil, 0, io.EOF
	}
	return buf[:n], readReserve, nil
}

// readNow reads what the system holds for the connection without waiting, whatever the read
// deadline (a caller's, or a kick's, may have passed): nil, 0, nil when nothing has arrived or
// the budget has no room now (the reader goroutine reads it once it has the turn back).
func (st *stream) readNow() ([]byte, int, error) {
	if !st.budget.tryTake(readReserve) {
		return nil, 0, nil
	}
	buf := getChunk()
	var (
		n    int
		rerr error
	)
	err := st.raw.Control(func(fd uintptr) { n, rerr = rawio.Read(int(fd), buf) })
	if err == nil {
		err = rerr
	}
	if err == nil && n > 0 {
		return buf[:n], readReserve, nil
	}
	putChunk(buf)
	st.budget.give(readReserve)
	switch {
	case err == syscall.EAGAIN:
		return nil, 0, nil
	case err == nil:
		return nil, 0, io.EOF
	}
	return nil, 0, err
}
