package sockets

import (
	"context"
	"errors"
	"os"
	"time"
)

// Reading a TCP connection on the caller's goroutine (WaitHere).
//
// A connection's reader goroutine reads what arrives and wakes whoever waits for it. When the
// one who waits is the session's evaluator, that wake is a hand-over to another goroutine on
// every message, and on a machine with an idle processor the scheduler wakes another thread
// for it: a system call and a context switch on the path of every round trip (measured: an
// echo through a listener, 61 µs a round trip, against 51 for a server that reads and answers
// on one goroutine). An evaluator that waits for one connection's next message can instead
// read it itself, parked in the network poller as the reader goroutine would be, so that the
// data that comes wakes the evaluator and nobody else.
//
// One of them reads at a time: the holder of the turn, under the stream's lock.
//
//	turnGoroutine: the reader goroutine reads. A caller that wants the turn says so (want)
//	and interrupts the goroutine's read with a read deadline in the past (kicked); an
//	interrupted read returns no bytes, so nothing is lost. The goroutine gives the turn at the
//	top of its loop (waitTurn) and waits until it is back.
//	turnCaller: a caller reads (WaitHere), keeping what it reads as the goroutine would.
//	turnIdle: the caller that took the turn does not read now (it runs the handlers of what it
//	read, and will read again); nobody waits on the connection, and a look at it (Ready,
//	AtEnd, TryRead: pollIdle) reads what the system holds without waiting. Resume, or any
//	other wait on the connection, gives the turn back to the goroutine, so that data that
//	comes is buffered and announced while nobody reads here. A goroutine given back a
//	connection whose end a caller met stops.
type turn struct {
	holder int
	want   bool          // a caller waits for the goroutine to give it the turn
	kicked bool          // the read deadline is set in the past to end the goroutine's read
	given  chan struct{} // closed when the goroutine gives the turn to the caller that wants it
	back   chan struct{} // closed when the goroutine has the turn back
}

const (
	turnGoroutine = iota
	turnCaller
	turnIdle
)

// longAgo is a read deadline in the past: it ends a read at once.
var longAgo = time.Unix(1, 0)

// WaitHere is Wait on a TCP client or accepted socket, reading the connection on the
// caller's goroutine rather than waiting for its reader goroutine: the data that comes is
// kept and announced (to the watcher) as the reader goroutine would, and it wakes the caller
// directly. The caller keeps the turn to read after it returns: until Resume, or another wait
// on the socket, the connection is read only when someone looks at it (Ready, AtEnd, TryRead
// read what the system holds, without waiting), so whoever calls WaitHere calls Resume when it
// stops waiting this way. Other sockets, and connections the runtime cannot read without
// waiting, wait as Wait does.
func (s *Socket) WaitHere(ctx context.Context, timeout time.Duration) (bool, error) {
	if s.stream == nil || s.stream.raw == nil {
		return s.Wait(ctx, timeout)
	}
	st, err := s.streamOrErr()
	if err != nil {
		return false, err
	}
	return st.waitHere(ctx, timeout)
}

// Resume gives the connection back to its reader goroutine after WaitHere.
func (s *Socket) Resume() {
	if s.stream != nil {
		s.stream.resume()
	}
}

// Stream reports whether s is a TCP connection (a client or an accepted socket).
func (s *Socket) Stream() bool { return s.stream != nil }

func (st *stream) waitHere(ctx context.Context, d time.Duration) (bool, error) {
	var deadline time.Time
	if d >= 0 {
		deadline = time.Now().Add(d)
	}
	st.mu.Lock()
	if st.n > 0 || st.eof {
		st.mu.Unlock()
		return true, nil
	}
	if st.turn.holder == turnGoroutine {
		ok, err := st.takeTurn(ctx, deadline)
		st.mu.Lock()
		if st.n > 0 || st.eof { // what the goroutine read before it gave the turn, or instead
			st.mu.Unlock()
			return true, nil
		}
		if !ok {
			st.mu.Unlock()
			return false, err
		}
	}
	st.turn.holder = turnCaller
	st.mu.Unlock()

	st.nc.SetReadDeadline(deadline)
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() { st.nc.SetReadDeadline(longAgo); close(fired) })
	buf, reserved, err := st.readChunk(true)
	if !stop() {
		<-fired // its deadline is set: the next read here sets its own, Resume clears it
	}
	switch {
	case err == errNoBudget: // others' unread data has used up the budget: wait the usual way
		st.leaveTurn()
		st.resume()
		return st.wait(ctx, timerUntil(deadline))
	case errors.Is(err, os.ErrDeadlineExceeded):
		st.leaveTurn()
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		return false, nil
	}
	// kept before the turn is left: the goroutine, given it back, must not keep what it reads next ahead of this
	st.arrive(buf, reserved, err)
	st.leaveTurn()
	select {
	case <-st.done:
		return false, &Error{Kind: Closed, Addr: st.addr}
	default:
	}
	return true, nil
}

// leaveTurn ends a caller's read: the turn stays with it, idle.
func (st *stream) leaveTurn() {
	st.mu.Lock()
	st.turn.holder = turnIdle
	st.mu.Unlock()
}

// pollIdle reads what the system holds for the connection, without waiting, when a caller
// holds the turn and is not reading: nobody else would, and a look at the connection (Ready,
// AtEnd, TryRead) must see what has arrived. A caller between its reads here (running the
// handlers of what it read) so sees new data as it would with the reader goroutine reading.
func (st *stream) pollIdle() {
	st.mu.Lock()
	if st.turn.holder != turnIdle || st.n > 0 || st.eof {
		st.mu.Unlock()
		return
	}
	st.turn.holder = turnCaller
	st.mu.Unlock()
	if buf, reserved, err := st.readNow(); buf != nil || err != nil {
		st.arrive(buf, reserved, err)
	}
	st.leaveTurn()
}

// takeTurn asks the reader goroutine for the turn and waits until it is given, data or the end
// arrives (the goroutine read it first, or has ended), ctx is done, the deadline (zero: none)
// passes or the stream closes; st.mu is held on entry and not on return. It reports whether
// the caller has the turn.
func (st *stream) takeTurn(ctx context.Context, deadline time.Time) (bool, error) {
	t := &st.turn
	if !t.want {
		t.want = true
		t.given = make(chan struct{})
	}
	given, arrived := t.given, st.arrivedLocked()
	if !t.kicked {
		t.kicked = true
		st.nc.SetReadDeadline(longAgo)
	}
	st.mu.Unlock()
	st.signalSpace() // a goroutine waiting for room or budget looks at the turn at once
	var err error
	select {
	case <-given:
		return true, nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-arrived:
	case <-timerUntil(deadline):
	case <-st.done:
		return false, &Error{Kind: Closed, Addr: st.addr}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if t.holder != turnGoroutine {
		return true, err // given meanwhile: the caller has it, idle
	}
	t.want = false // the goroutine, kicked, sees nobody wants it and reads on
	return false, err
}

// timerUntil is a channel that delivers at deadline, or nil (never) for the zero time.
func timerUntil(deadline time.Time) <-chan time.Time {
	if deadline.IsZero() {
		return nil
	}
	return time.After(time.Until(deadline))
}

// waitTurn is where the reader goroutine gives the turn to a caller that wants it, and waits
// until it has it back; false when the stream closes first, or the caller met the end.
func (st *stream) waitTurn() bool {
	st.mu.Lock()
	t := &st.turn
	if !t.want {
		st.mu.Unlock()
		return true
	}
	t.want, t.kicked = false, false // the caller sets its own deadline
	t.holder = turnIdle
	back := make(chan struct{})
	t.back = back
	close(t.given)
	st.mu.Unlock()
	select {
	case <-back:
	case <-st.done:
		return false
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return !st.eof // a caller met the end: there is nothing more to read
}

// kickedOff is the reader goroutine's answer to a read ended by a deadline in the past: if the
// caller that set it no longer wants the turn, the deadline is cleared and reading goes on.
func (st *stream) kickedOff() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if t := &st.turn; t.kicked && !t.want {
		t.kicked = false
		st.nc.SetReadDeadline(time.Time{})
	}
}

// resume gives an idle turn back to the reader goroutine.
func (st *stream) resume() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.resumeLocked()
}

func (st *stream) resumeLocked() {
	if t := &st.turn; t.holder == turnIdle {
		t.holder = turnGoroutine
		st.nc.SetReadDeadline(time.Time{})
		close(t.back)
	}
}
