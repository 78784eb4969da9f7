package zmtp

import (
	"context"
	"errors"
	"net"
	"os"
	"slices"
	"time"

	"github.com/socketrepl/socketrepl/internal/rawio"
)

// Lockstep connections (Config.Lockstep: REQ and REP). A round trip through the connection's
// goroutines hands each message over four times (sender to writer, reader to receiver, on
// each side), and every hand-over to a goroutine on another thread is a wakeup on the round
// trip's path. Here both ends of that path stay on the caller's goroutine when they can:
//
//   - Writing: a message sent while the writer is idle and nothing is queued is written on the
//     sender's goroutine, as far as the socket's buffer takes it without waiting (never a
//     blocking write: a peer that does not read cannot stall the sender, nor Ctrl-C find it
//     in a system call). What is left, and whatever is sent meanwhile, goes to the writer
//     goroutine, in order. c.writing says who writes; one of them at a time.
//
//   - Reading: a caller about to wait for a message on one connection reads it itself
//     (ReadHere), parked in the network poller the way the reader goroutine would be, so the
//     message that arrives wakes the caller and nobody else. The connection has one reader at
//     a time, the holder of the turn (ls.turn), under c.mu:
//
//     turnGoroutine: the reader goroutine reads. It gives the turn away only at the top of its
//     loop, where nothing is buffered and no frame is half read ("parked" while it waits
//     for bytes there); a caller that wants the turn interrupts that wait with a read
//     deadline in the past (a read so interrupted returns no bytes: nothing is lost).
//     turnCaller: a caller reads, decoding only messages buffered whole, so that an
//     interrupted read (Ctrl-C: the context sets the same deadline) never leaves a frame
//     half decoded; a message too large for the buffer is left to the reader goroutine.
//     turnIdle: nobody reads. The next caller takes the turn at no cost; the reader
//     goroutine gets it back after idleReturn, or at once when a caller meets an error or
//     someone waits without reading (Resume), so that PINGs are answered, the peer's
//     departure is seen and messages are queued while nobody reads here.
//
// A round trip of a REQ and a REP in a loop so costs no hand-over at all: the REQ's write and
// read, and the REP's, are system calls on their callers' goroutines, as in a program that
// uses the socket directly (the REQ/REP benchmark of bench/zmq_test.go: about 60 µs a round
// trip before, 21-45 µs after, libzmq's 85-125 µs, on the same machine).
//
// Commands met by a caller are handled as the reader goroutine handles them (a PING's PONG
// goes through the writer), and what it decodes is queued within the high-water marks.
type lockstep struct {
	w *rawio.NowWriter // nil where the connection cannot write without waiting

	turn   int
	parked bool          // the reader goroutine waits for bytes at the top of its loop
	want   bool          // a caller waits for the reader goroutine to give it the turn
	stop   bool          // Interrupt: the caller reading here is to stop
	kicked bool          // the read deadline is set in the past: the next read returns at once
	gen    uint64        // counts the callers' turns: a late Ctrl-C must not interrupt the next reader
	given  chan struct{} // the reader goroutine has given the turn to the caller that wanted it
	back   chan struct{} // the reader goroutine may have its turn back, or the connection ended
	idle   *time.Timer   // gives the turn back to the reader goroutine (idleCheck)
	armed  bool          // idle is set to fire
	last   time.Time     // when a caller last left the turn idle
}

const (
	turnGoroutine = iota
	turnCaller
	turnIdle
)

// idleReturn is how long the turn stays with callers after one has read: a REQ or REP that
// sends and reads in a loop keeps it from one round trip to the next, while a connection
// nobody reads gets its reader goroutine back (PINGs answered, the peer's departure seen)
// long before a heartbeat could time out. Not shorter: a timer that fires every few
// milliseconds through a loop of round trips costs more than it saves (measured: 2 ms kept
// round trips at twice the time of 1 s). Resume gives it back at once.
const idleReturn = 50 * time.Millisecond

// longAgo is a read deadline in the past: it interrupts a read at once.
var longAgo = time.Unix(1, 0)

func newLockstep(raw net.Conn) *lockstep {
	return &lockstep{w: rawio.NewNowWriter(raw), given: make(chan struct{}, 1), back: make(chan struct{}, 1)}
}

// ---------------------------------------------------------------- writing

// encodedSize is how many bytes msg takes on the wire.
func encodedSize(frames [][]byte) int {
	n := 0
	for _, f := range frames {
		n += len(f) + 9
	}
	return n
}

// inline writes msg on the sender's goroutine, as far as the socket's buffer takes it without
// waiting; the writer goroutine writes the rest, before anything queued after it. c.writing
// is set: nobody else writes meanwhile.
func (c *Conn) inline(msg outMsg) {
	if tr := c.trace.Load(); tr != nil {
		(*tr)(true, msg.frames, "")
	}
	bp := batchPool.Get().(*[]byte)
	buf := (*bp)[:0]
	for i, f := range msg.frames {
		buf = AppendFrame(buf, f, i < len(msg.frames)-1)
	}
	n, err := c.ls.w.Write(buf)
	var rest []byte
	if err == nil && n < len(buf) {
		rest = append([]byte(nil), buf[n:]...)
	}
	*bp = buf[:0]
	batchPool.Put(bp)
	c.mu.Lock()
	c.writing = false
	if rest != nil {
		c.out = slices.Insert(c.out, 0, outMsg{raw: rest})
	}
	wake := len(c.out) > 0 || c.closing || c.err != nil // the writer may have looked meanwhile
	c.mu.Unlock()
	if err != nil {
		c.end(err)
		return
	}
	if wake {
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
}

// ---------------------------------------------------------------- reading

// ReadHere reads the connection on the caller's goroutine until at least one message is
// queued (or the queue is full), for a caller that would otherwise wait for the reader
// goroutine to read it. It reports whether messages may be waiting now; false, with no
// error, when it cannot read here (not a Lockstep connection, another caller reads, the
// reader goroutine is in the middle of a message, a message too large for the buffer, the
// connection ending): the caller waits for Notify as usual then. ctx ends the wait, as
// Ctrl-C does, with nothing lost: what was read stays buffered for the next reader.
func (c *Conn) ReadHere(ctx context.Context) (bool, error) {
	ls := c.ls
	if ls == nil {
		return false, nil
	}
	c.mu.Lock()
	if c.err != nil || c.closing || ls.turn == turnCaller || ls.want {
		c.mu.Unlock()
		return false, nil
	}
	switch ls.turn {
	case turnIdle:
		ls.turn = turnCaller
	case turnGoroutine:
		if !ls.parked {
			c.mu.Unlock()
			return false, nil // it is reading a message: it queues it soon
		}
		ls.want = true
		c.kick()
		c.mu.Unlock()
		select {
		case <-ls.given: // the turn is ours (turnCaller)
		case <-ctx.Done():
			c.withdraw()
			return false, ctx.Err()
		case <-c.done: // the goroutine met the end instead (the peer left as it was asked)
			c.withdraw()
			return false, nil
		}
		c.mu.Lock()
	}
	if c.err != nil || c.closing {
		c.giveBack()
		c.mu.Unlock()
		return false, nil
	}
	if len(c.in) > c.inHead || c.full() || ls.stop {
		// queued meanwhile (by the goroutine, before it gave the turn), or interrupted
		got := !ls.stop
		ls.stop = false
		c.idleTurn()
		c.mu.Unlock()
		return got, nil
	}
	gen := ls.gen
	c.mu.Unlock()

	var stop func() bool
	if ctx.Done() != nil {
		stop = context.AfterFunc(ctx, func() {
			c.mu.Lock()
			if ls.turn == turnCaller && ls.gen == gen {
				c.kick()
			}
			c.mu.Unlock()
		})
	}
	got, err := c.readHere()
	if stop != nil {
		stop()
	}

	c.mu.Lock()
	ls.gen++ // a Ctrl-C that comes later is not ours any more
	ls.stop = false
	c.unkick()
	interrupted := errors.Is(err, os.ErrDeadlineExceeded)
	if err != nil && !interrupted {
		// the connection failed or ended, or the message is too large: the reader goroutine
		// takes over, and meets the same error (the reader keeps it), finds the connection
		// ended, or reads the message frame by frame
		c.giveBack()
	} else {
		c.idleTurn()
	}
	c.mu.Unlock()
	if got {
		c.notify()
	}
	if interrupted && ctx.Err() != nil {
		return got, ctx.Err()
	}
	return got, nil
}

// withdraw takes back a caller's request for the turn; if the reader goroutine has given it
// meanwhile, it goes straight back.
func (c *Conn) withdraw() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ls.want { // not given: the goroutine clears the kick
		c.ls.want = false
		return
	}
	<-c.ls.given
	c.giveBack()
}

// Resume gives the turn back to the reader goroutine if callers left it idle: someone is
// about to wait for the connection's messages without reading it.
func (c *Conn) Resume() {
	if c.ls == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ls.turn == turnIdle {
		c.giveBack()
	}
}

// Interrupt makes a caller that reads the connection here (or is about to) stop, as if it
// could not read here: the socket has other connections to wait on now (a REP's second peer).
func (c *Conn) Interrupt() {
	if c.ls == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ls.stop = true
	if c.ls.turn == turnCaller {
		c.kick()
	}
}

// errBufferFull is a message larger than the read buffer, which only the reader goroutine
// reads (its frames as they come).
var errBufferFull = errors.New("the message is larger than the read buffer")

// readHere is a caller's turn: it decodes the messages buffered whole and queues them (as
// the marks allow), reading more while none is; true when it queued any.
func (c *Conn) readHere() (bool, error) {
	got := false
	for {
		if c.rd.messageBuffered() {
			c.mu.Lock()
			full := c.full()
			c.mu.Unlock()
			if full {
				return got, nil
			}
			msg, err := c.readMessage() // all buffered: it does not wait
			if err != nil {
				c.end(err) // what the peer sent is wrong: the end, as on the reader goroutine
				return got, err
			}
			if msg != nil {
				c.mu.Lock()
				c.in = append(c.in, msg)
				c.inBytes += msgCost(msg)
				c.mu.Unlock()
				got = true
			}
			continue
		}
		if got {
			return true, nil
		}
		if err := c.rd.r.more(); err != nil {
			return false, err
		}
	}
}

// takeTurn waits until the reader goroutine has the turn, giving it to a caller first if one
// asked; false when the connection has ended. With nothing buffered, the goroutine is then
// parked: about to wait for bytes, where a caller may interrupt it. c.mu is not held.
func (c *Conn) takeTurn() bool {
	ls := c.ls
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		if ls.want && ls.turn == turnGoroutine {
			ls.want = false
			ls.turn = turnCaller // reserved for the caller that asked
			c.unkick()
			ls.given <- struct{}{}
		}
		if ls.turn == turnIdle && (c.err != nil || c.closing) {
			ls.turn = turnGoroutine // ending: the goroutine finishes the reading
		}
		if ls.turn == turnGoroutine {
			break
		}
		c.mu.Unlock()
		<-ls.back
		c.mu.Lock()
	}
	if c.err != nil {
		return false
	}
	ls.parked = c.rd.r.Buffered() == 0
	return true
}

// waited is the reader goroutine back from waiting for bytes at the top of its loop: true
// when a caller interrupted the wait (to take the turn, or having withdrawn), so that it goes
// back to the top.
func (c *Conn) waited(err error) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ls.parked = false
	c.unkick() // before any frame is read: a deadline left set would cut one in half
	return errors.Is(err, os.ErrDeadlineExceeded)
}

// kick interrupts the read under way (or the next one); c.mu is held.
func (c *Conn) kick() {
	if !c.ls.kicked {
		c.ls.kicked = true
		c.raw.SetReadDeadline(longAgo)
	}
}

// unkick clears a kick; c.mu is held.
func (c *Conn) unkick() {
	if c.ls.kicked {
		c.ls.kicked = false
		c.raw.SetReadDeadline(time.Time{})
	}
}

// giveBack gives the turn to the reader goroutine; c.mu is held.
func (c *Conn) giveBack() {
	c.ls.turn = turnGoroutine
	select {
	case c.ls.back <- struct{}{}:
	default:
	}
}

// idleTurn leaves the turn idle, for the next caller, until idleReturn; c.mu is held. The
// timer is not moved on every round trip (moving a timer wakes the thread that waits in the
// network poller: a wakeup per round trip, the cost all this avoids); once set, it fires and
// looks at when the turn was last left.
func (c *Conn) idleTurn() {
	ls := c.ls
	ls.turn = turnIdle
	ls.last = time.Now()
	if ls.armed {
		return
	}
	ls.armed = true
	if ls.idle == nil {
		ls.idle = time.AfterFunc(idleReturn, c.idleCheck)
	} else {
		ls.idle.Reset(idleReturn)
	}
}

// idleCheck gives the turn back to the reader goroutine once nobody has had it for
// idleReturn.
func (c *Conn) idleCheck() {
	ls := c.ls
	c.mu.Lock()
	defer c.mu.Unlock()
	ls.armed = false
	if ls.turn != turnIdle {
		return // a caller has it: leaving it idle sets the timer again
	}
	if wait := idleReturn - time.Since(ls.last); wait > 0 {
		ls.armed = true
		ls.idle.Reset(wait)
		return
	}
	c.giveBack()
}
