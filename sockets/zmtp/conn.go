package zmtp

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socketrepl/socketrepl/internal/rawio"
)

// Config is what a connection needs from the socket that owns it.
type Config struct {
	MaxMsgSize uint64 // the most one message may hold, all its frames together
	SendHWM    int    // messages queued to send before Send refuses (0: no limit)
	RecvHWM    int    // messages held for reading before the reader stops (TCP pushes back)
	RecvBytes  int    // bytes held likewise; one message is always let in, whatever its size
	// Intercept, when set, sees each message on the reader goroutine first and reports
	// whether it took it (a PUB takes its subscribers' subscriptions there).
	Intercept func(c *Conn, msg [][]byte) bool
	// Raw is a plain TCP connection (a STREAM socket's peer): what arrives is read in pieces,
	// each a message of one frame, and a message's frames are written as they are.
	Raw bool
	// Lockstep is a socket that sends a message and then waits for one (REQ, REP), where
	// each hand-over between goroutines lies on the round trip's path: a message sent while
	// the writer is idle is written on the sender's goroutine (as far as the socket takes it
	// without waiting), and a caller may read the connection itself (ReadHere). lockstep.go.
	Lockstep bool
	// HeartbeatIvl, when positive, sends a PING that often; HeartbeatTimeout is how long the
	// peer then has to send anything before it is dropped (< 0: the interval; 0: no limit,
	// as in libzmq); HeartbeatTTL asks the peer to drop the connection likewise. heartbeat.go.
	HeartbeatIvl, HeartbeatTimeout, HeartbeatTTL time.Duration
	// Notify is called when a message arrives, when there is room to send again, and when the
	// connection ends. It must not block.
	Notify func(c *Conn)
	// OnDone, when set, is called once the connection has ended and its goroutines are
	// finishing, before Done is closed: the owner forgets the connection there, without a
	// goroutine of its own waiting for the end.
	OnDone func(c *Conn)
	// Trace, when set, sees the connection's traffic from its start (trace.go; SetTrace
	// changes it later).
	Trace TraceFunc
}

// frameOverhead is what a frame costs beyond its bytes, charged against MaxMsgSize and
// RecvBytes so that a message of a million empty frames is not free.
const frameOverhead = 32

// Conn is a ZMTP connection after its handshake: one goroutine reads and decodes frames,
// answering commands; one goroutine owns every write, sending what is queued in batches (one
// write call per batch) and flushing whenever the queue is empty. A Lockstep connection (REQ,
// REP) lends both to its callers where that spares a round trip its hand-overs (lockstep.go).
type Conn struct {
	Peer Peer
	raw  net.Conn
	cfg  Config
	rd   *Reader

	mu      sync.Mutex
	room    *sync.Cond // the reader waits on it for room in the inbound queue
	in      [][][]byte // received messages, in[inHead:] not yet taken
	inHead  int
	inBytes int
	out     []outMsg // messages to send
	outFull bool     // Send refused one: Notify when there is room again
	closing bool
	err     error // why the connection ended
	// the messages the last RecvBatch took beyond its first and the caller has not read yet
	// (BatchDone), and their bytes: they still count against the high-water marks
	lentN, lentB int
	writing      bool // Lockstep: the writer goroutine, or a sender inline, is writing
	ls           *lockstep

	frames  [][]byte      // the reader's: the frames of the message it is reading
	wake    chan struct{} // the writer has work
	done    chan struct{} // closed when both goroutines have ended
	running atomic.Int32  // the goroutines not yet ended: the last one closes done
	hb      heartbeat
	trace   atomic.Pointer[TraceFunc] // nil while tracing is off (trace.go)
}

// Start makes a connection of raw, on which Handshake succeeded with peer, and starts its
// reader and writer.
func Start(raw net.Conn, peer Peer, cfg Config) *Conn {
	if cfg.MaxMsgSize == 0 {
		cfg.MaxMsgSize = 256 << 20
	}
	c := &Conn{Peer: peer, raw: raw, cfg: cfg, wake: make(chan struct{}, 1), done: make(chan struct{})}
	c.rd = NewReader(heardReader{rawio.NewReader(raw), &c.hb.heard}, cfg.MaxMsgSize)
	c.room = sync.NewCond(&c.mu)
	if cfg.Trace != nil {
		c.SetTrace(cfg.Trace)
	}
	if cfg.Lockstep {
		c.ls = newLockstep(raw)
	}
	c.running.Store(2)
	c.startHeartbeat() // before the goroutines, which may end it (and stop it) at once
	go c.readLoop()
	go c.writeLoop()
	return c
}

// finished is called by each goroutine as it ends; the last one runs OnDone and closes done.
func (c *Conn) finished() {
	if c.running.Add(-1) > 0 {
		return
	}
	if c.cfg.OnDone != nil {
		c.cfg.OnDone(c)
	}
	close(c.done)
}

// ---------------------------------------------------------------- sending

// Send queues msg (its frames) to be sent; false when the queue holds SendHWM messages or the
// connection is closing.
func (c *Conn) Send(msg [][]byte) bool { return c.send(outMsg{frames: msg}, false) }

// SendControl queues msg past the high-water mark: protocol traffic (subscriptions).
func (c *Conn) SendControl(msg [][]byte) bool { return c.send(outMsg{frames: msg}, true) }

// outMsg is a message to send, or a command (one frame: its name and data), or the bytes
// an inline write left unwritten (raw).
type outMsg struct {
	frames  [][]byte
	command string
	raw     []byte
}

func (c *Conn) send(msg outMsg, control bool) bool {
	c.mu.Lock()
	if c.closing || c.err != nil || !control && c.cfg.SendHWM > 0 && len(c.out) >= c.cfg.SendHWM {
		if !control {
			c.outFull = true
		}
		c.mu.Unlock()
		return false
	}
	if c.ls != nil && !c.writing && len(c.out) == 0 && msg.command == "" && c.ls.w != nil && encodedSize(msg.frames) <= maxBatch {
		c.writing = true
		c.mu.Unlock()
		c.inline(msg)
		return true
	}
	c.out = append(c.out, msg)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return true
}

// HasRoom reports whether Send would take a message now.
func (c *Conn) HasRoom() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.closing && c.err == nil && (c.cfg.SendHWM <= 0 || len(c.out) < c.cfg.SendHWM)
}

// Queued is how many messages wait to be sent.
func (c *Conn) Queued() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.out)
}

// maxBatch is how many bytes the writer gathers before a write call.
const maxBatch = 64 << 10

var batchPool = sync.Pool{New: func() any { b := make([]byte, 0, maxBatch); return &b }}

func (c *Conn) writeLoop() {
	defer c.finished()
	var spare []outMsg
	for {
		c.mu.Lock()
		// (an inline write running is waited for: it wakes the writer when it is done)
		for c.err == nil && (c.writing || len(c.out) == 0 && !c.closing) {
			c.mu.Unlock()
			<-c.wake
			c.mu.Lock()
		}
		batch := c.out
		c.out = spare[:0]
		wasFull := c.outFull
		c.outFull = false
		stop := c.err != nil || c.closing && len(batch) == 0
		c.writing = c.ls != nil && !stop // no inline write while this batch is written
		c.mu.Unlock()
		if stop {
			// lingering is over: everything queued has been written. The reason is set
			// before the socket closes, so a reader that fails on the closed socket does
			// not record its own error first.
			c.end(io.ErrClosedPipe)
			return
		}
		if wasFull {
			c.notify()
		}
		err := c.write(batch)
		if c.ls != nil {
			c.mu.Lock()
			c.writing = false
			c.mu.Unlock()
		}
		if err != nil {
			c.end(err)
			c.raw.Close()
			return
		}
		clear(batch)
		spare = batch
	}
}

// write sends a batch of messages, one write call per maxBatch bytes; a large frame goes out
// in place rather than through the buffer.
func (c *Conn) write(batch []outMsg) error {
	bp := batchPool.Get().(*[]byte)
	defer batchPool.Put(bp)
	buf := (*bp)[:0]
	tr := c.trace.Load() // one look per batch: nil while tracing is off
	for _, msg := range batch {
		if tr != nil && msg.raw == nil { // (an inline write's rest was traced whole before)
			(*tr)(true, msg.frames, msg.command)
		}
		if msg.raw != nil { // the rest of an inline write (first in its batch)
			if len(buf) > 0 {
				if _, err := c.raw.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
			if _, err := c.raw.Write(msg.raw); err != nil {
				return err
			}
			continue
		}
		if msg.command != "" {
			buf = AppendCommand(buf, msg.command, msg.frames[0])
			continue
		}
		if c.cfg.Raw {
			for _, f := range msg.frames {
				if len(buf)+len(f) > maxBatch && len(buf) > 0 {
					if _, err := c.raw.Write(buf); err != nil {
						return err
					}
					buf = buf[:0]
				}
				if len(f) >= maxBatch {
					if _, err := c.raw.Write(f); err != nil {
						return err
					}
					continue
				}
				buf = append(buf, f...)
			}
			continue
		}
		for i, f := range msg.frames {
			more := i < len(msg.frames)-1
			if len(f) >= maxBatch {
				buf = appendHeader(buf, len(f), more, false)
				if _, err := (&net.Buffers{buf, f}).WriteTo(c.raw); err != nil {
					return err
				}
				buf = buf[:0]
				continue
			}
			buf = AppendFrame(buf, f, more)
			if len(buf) >= maxBatch {
				if _, err := c.raw.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
	}
	if len(buf) > 0 {
		if _, err := c.raw.Write(buf); err != nil {
			return err
		}
	}
	*bp = buf[:0]
	return nil
}

// ---------------------------------------------------------------- receiving

// Recv takes the next received message; false when none is waiting.
func (c *Conn) Recv() ([][]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inHead == len(c.in) {
		return nil, false
	}
	msg := c.in[c.inHead]
	c.in[c.inHead] = nil
	c.inHead++
	c.inBytes -= msgCost(msg)
	if c.inHead == len(c.in) {
		c.in, c.inHead = c.in[:0], 0
	}
	c.room.Signal()
	return msg, true
}

// Unrecv puts msg back in front of what has been received: a read that was interrupted.
func (c *Conn) Unrecv(msg [][]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inHead > 0 {
		c.inHead--
		c.in[c.inHead] = msg
	} else {
		c.in = append([][][]byte{msg}, c.in...)
	}
	c.inBytes += msgCost(msg)
}

// RecvBatch takes received messages at once, appending them to dst: one lock and one look at
// the queue for many messages, where Recv takes one. It takes at most half of what RecvHWM
// and RecvBytes allow (and at least one message), so that the reader can go on filling the
// other half while the caller works through these.
//
// All the messages after the first stay counted against RecvHWM and RecvBytes, as if they
// were still queued, until the caller says with BatchDone that it has read them all (or takes
// the next batch): memory the caller holds unread is memory the reader may not add to, so
// that the marks bound what a connection holds wherever its messages wait. A batch of one
// message needs no BatchDone.
func (c *Conn) RecvBatch(dst [][][]byte) [][][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lentN > 0 || c.lentB > 0 {
		c.lentN, c.lentB = 0, 0
		c.room.Signal() // what was lent has come back
	}
	queued := len(c.in) - c.inHead
	if queued == 0 {
		return dst
	}
	maxN, maxBytes := recvBatchMax, 0
	if c.cfg.RecvHWM > 0 {
		maxN = min(maxN, max(1, c.cfg.RecvHWM/2))
	}
	if c.cfg.RecvBytes > 0 {
		maxBytes = max(1, c.cfg.RecvBytes/2)
	}
	n, bytes, first := 0, 0, 0
	for n < queued && n < maxN {
		cost := msgCost(c.in[c.inHead+n])
		if n == 0 {
			first = cost
		} else if maxBytes > 0 && bytes+cost > maxBytes {
			break
		}
		bytes += cost
		n++
	}
	dst = append(dst, c.in[c.inHead:c.inHead+n]...)
	clear(c.in[c.inHead : c.inHead+n])
	c.inHead += n
	c.inBytes -= bytes
	if c.inHead == len(c.in) {
		c.in, c.inHead = c.in[:0], 0
	}
	c.lentN, c.lentB = n-1, bytes-first
	c.room.Signal()
	return dst
}

// recvBatchMax is the most messages RecvBatch takes at once.
const recvBatchMax = 128

// BatchDone says that the messages the last RecvBatch took have all been read: the reader may
// queue as many again.
func (c *Conn) BatchDone() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lentN > 0 || c.lentB > 0 {
		c.lentN, c.lentB = 0, 0
		c.room.Signal()
	}
}

// Pending is how many received messages wait to be taken (by Recv or RecvBatch: those a
// batch has taken are the caller's to count).
func (c *Conn) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.in) - c.inHead
}

func msgCost(msg [][]byte) int {
	n := 0
	for _, f := range msg {
		n += len(f) + frameOverhead
	}
	return n
}

// The reader hands what it decodes over in batches: every message already buffered whole, up
// to readBatch messages or readBatchBytes of them, under one lock and with one Notify. A
// message that is not buffered whole ends the batch, so that nothing decoded waits for bytes
// the peer has not sent; and the bounds keep what the reader holds outside the queue small.
const (
	readBatch      = 128
	readBatchBytes = 64 << 10
)

func (c *Conn) readLoop() {
	defer c.finished()
	defer c.rd.r.release()
	var batch [][][]byte
	for {
		var err error
		cost := 0
		for {
			// a quiet connection waits here, at the top, for the next bytes: the goroutine
			// parks with the smallest stack it can have, which ten thousand idle peers
			// multiply
			if c.rd.r.Buffered() == 0 {
				// a Lockstep caller may take the turn to read here (lockstep.go)
				if c.ls != nil && !c.takeTurn() {
					return // ended while a caller read
				}
				if c.rd.r.Buffered() == 0 { // (a caller may have left part of a message)
					err = c.rd.r.wait()
					if c.ls != nil && c.waited(err) {
						continue // a caller interrupted the wait: back to the turn
					}
					if err != nil {
						break
					}
				}
			}
			var msg [][]byte
			if msg, err = c.readMessage(); err != nil {
				break
			}
			if msg != nil && (c.cfg.Intercept == nil || !c.cfg.Intercept(c, msg)) {
				batch = append(batch, msg)
				cost += msgCost(msg)
			}
			if len(batch) > 0 && (len(batch) >= readBatch || cost >= readBatchBytes || c.cfg.Raw || !c.rd.messageBuffered()) {
				break // (a plain TCP connection's read takes all that is buffered)
			}
		}
		// what was read before an error is delivered first: the peer sent it
		if len(batch) > 0 && !c.deliver(batch) {
			return
		}
		clear(batch)
		batch = batch[:0]
		if err != nil {
			c.end(err)
			return
		}
	}
}

// deliver queues a batch of messages as far as the high-water marks let it, waiting for room
// for the rest; false when the connection has ended or is closing (what is left is dropped,
// as received messages are at close).
func (c *Conn) deliver(batch [][][]byte) bool {
	for len(batch) > 0 {
		c.mu.Lock()
		for c.err == nil && !c.closing && c.full() {
			c.room.Wait()
		}
		if c.err != nil || c.closing {
			c.mu.Unlock()
			return false
		}
		n := 0
		for n < len(batch) && (n == 0 || !c.full()) {
			c.in = append(c.in, batch[n])
			c.inBytes += msgCost(batch[n])
			n++
		}
		c.mu.Unlock()
		c.notify()
		batch = batch[n:]
	}
	return true
}

// full reports whether the inbound queue has no room for another message; what a batch has
// taken and not read counts as queued.
func (c *Conn) full() bool {
	n := len(c.in) - c.inHead + c.lentN
	return n > 0 && (c.cfg.RecvHWM > 0 && n >= c.cfg.RecvHWM || c.cfg.RecvBytes > 0 && c.inBytes+c.lentB >= c.cfg.RecvBytes)
}

// readMessage reads the frames of the next message, answering the commands met on the way; a
// command that carries a message (a 3.1 SUBSCRIBE or CANCEL) is given as that message, and
// nil means only commands were read.
func (c *Conn) readMessage() ([][]byte, error) {
	if c.cfg.Raw {
		return c.readRaw()
	}
	frames := c.frames[:0]
	total := uint64(0)
	for {
		f, err := c.rd.Next()
		if err != nil {
			c.keepFrames(frames)
			return nil, err
		}
		if f.Command {
			c.keepFrames(frames)
			if len(frames) > 0 {
				return nil, errors.New("the peer sent a command inside a message")
			}
			if tr := c.trace.Load(); tr != nil {
				if name, data, ok := ParseCommand(f.Body); ok {
					(*tr)(false, [][]byte{data}, name)
				}
			}
			return c.command(f.Body)
		}
		total += uint64(len(f.Body)) + frameOverhead
		if total > c.cfg.MaxMsgSize+frameOverhead {
			return nil, &TooLargeError{Size: total, Max: c.cfg.MaxMsgSize}
		}
		c.rd.Max = c.cfg.MaxMsgSize - min(c.cfg.MaxMsgSize, total)
		if !f.More && len(frames) == 0 {
			// a message of one frame, the common case, goes straight into its list
			c.rd.Max = c.cfg.MaxMsgSize
			msg := c.list(1)
			msg[0] = f.Body
			c.traced(msg)
			return msg, nil
		}
		frames = append(frames, f.Body)
		if !f.More {
			c.rd.Max = c.cfg.MaxMsgSize
			msg := c.list(len(frames))
			copy(msg, frames)
			c.keepFrames(frames)
			c.traced(msg)
			return msg, nil
		}
	}
}

// list gives a message's list of n frames: carved while the connection streams.
func (c *Conn) list(n int) [][]byte {
	if n <= carveLists {
		if l := c.rd.r.carveList(n); l != nil {
			return l
		}
	}
	return make([][]byte, n)
}

// keepFrames keeps the scratch list of frames for the next message, emptied (so that it holds
// no body), unless a message of many frames grew it.
func (c *Conn) keepFrames(frames [][]byte) {
	clear(frames)
	if cap(frames) <= 4*carveLists {
		c.frames = frames[:0]
	} else {
		c.frames = nil
	}
}

// rawPiece is the most a plain TCP connection's message holds.
const rawPiece = 64 << 10

// readRaw reads what has arrived on a plain TCP connection, as one message.
func (c *Conn) readRaw() ([][]byte, error) {
	if err := c.rd.r.wait(); err != nil {
		return nil, err
	}
	piece := make([]byte, min(c.rd.r.Buffered(), rawPiece))
	n, err := c.rd.r.Read(piece)
	msg := [][]byte{piece[:n]}
	if n > 0 {
		c.traced(msg)
	}
	return msg, err
}

// PeerError is the peer's ERROR command: it gave up on the connection, and said why.
type PeerError struct{ Reason string }

func (e *PeerError) Error() string {
	return fmt.Sprintf("the peer closed the connection: %q", e.Reason)
}

// command handles a command frame.
func (c *Conn) command(body []byte) ([][]byte, error) {
	name, data, ok := ParseCommand(body)
	if !ok {
		return nil, errors.New("the peer sent a malformed command")
	}
	switch name {
	case "PING":
		// PONG with the ping's context (the bytes after its 2-byte TTL)
		var ctx []byte
		if len(data) > 2 {
			ctx = data[2:min(len(data), 2+16)] // a context is at most 16 bytes (37/ZMTP)
		}
		c.send(outMsg{command: "PONG", frames: [][]byte{ctx}}, true)
		c.pinged(data)
	case "ERROR":
		return nil, &PeerError{Reason: errorReason(data)}
	case "SUBSCRIBE":
		return [][]byte{append([]byte{1}, data...)}, nil
	case "CANCEL":
		return [][]byte{append([]byte{0}, data...)}, nil
	}
	return nil, nil // PONG, and commands of later versions: nothing to do
}

// ---------------------------------------------------------------- the end

// Err is why the connection ended (nil while it runs; io.EOF when the peer closed).
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Done is closed when the connection has ended and both its goroutines have stopped.
func (c *Conn) Done() <-chan struct{} { return c.done }

func (c *Conn) end(err error) {
	c.mu.Lock()
	first := c.err == nil
	if first {
		c.err = err
	}
	c.room.Broadcast()
	c.mu.Unlock()
	if first {
		c.raw.Close() // the reader stops at once; the writer finds err
		c.stopHeartbeat()
		select {
		case c.wake <- struct{}{}:
		default:
		}
		if c.ls != nil {
			select { // a reader goroutine that has given its turn away sees the end
			case c.ls.back <- struct{}{}:
			default:
			}
		}
		c.notify()
	}
}

// Close ends the connection after what is queued has been sent, waiting at most linger for
// it (0: at once; < 0: as long as it takes). Received messages not taken are dropped. It
// reports how many queued messages were dropped.
func (c *Conn) Close(linger time.Duration) int {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return 0
	}
	c.closing = true
	c.room.Broadcast()
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	if c.ls != nil {
		select { // a reader goroutine that has given its turn away takes it back to finish
		case c.ls.back <- struct{}{}:
		default:
		}
	}
	if linger >= 0 {
		select {
		case <-c.done:
		case <-time.After(linger):
		}
	} else {
		<-c.done
	}
	c.mu.Lock()
	dropped := len(c.out)
	c.out = nil
	c.mu.Unlock()
	c.end(io.ErrClosedPipe)
	<-c.done
	return dropped
}

func (c *Conn) notify() {
	if c.cfg.Notify != nil {
		c.cfg.Notify(c)
	}
}
