package sockets

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/socketrepl/socketrepl/internal/rawio"
)

// Memory bounds. A connection's reader stops reading when its buffer holds perConnBuffered
// bytes, or when all connections together hold maxBuffered: TCP flow control then pushes back
// on the peer. chunkSize is the most one read takes.
const (
	chunkSize       = 64 << 10
	perConnBuffered = 4 << 20
	maxBuffered     = 256 << 20
	// chunkOverhead is what a buffered chunk costs besides its bytes: its slots in the queue,
	// of which the queue keeps at most four per chunk (see chunkQueue). It is charged to the
	// budget with the bytes, so that a peer sending one byte at a time cannot make the buffer
	// hold many times the memory the budget counts.
	chunkOverhead = 4 * int(unsafe.Sizeof(chunk{}))
	// readReserve is what a read reserves from the budget before it reads: a whole chunk.
	readReserve = chunkSize + chunkOverhead
	// smallChunk is the least room given to a chunk made for a short read while data is already
	// waiting: the short reads that follow fill it instead of each making a chunk of its own. A
	// short read into an empty buffer (a reader that keeps up) gets a chunk of its exact size.
	smallChunk = 512
)

// stream is a TCP connection with a background reader that fills a bounded buffer, so that a
// read can wait for data, give up on Ctrl-C without losing any, and ask whether data is there.
type stream struct {
	nc     net.Conn
	raw    syscall.RawConn  // nc's file descriptor access (nil: none: it reads through the net package)
	now    *rawio.NowWriter // writes what the socket takes without waiting (nil: none)
	addr   string           // the peer, for errors
	sock   *Socket          // the socket it belongs to (nil in some tests): its trace and its events
	budget *budget
	done   chan struct{} // closed by close
	// sessionPeer is set when the other end is a socket of the same registry. Such a stream is
	// not held to perConnBuffered: only the session's evaluator reads it, and while that
	// evaluator writes to the other end it cannot read, so a cap here would make any write past
	// the cap wait forever. The data is the session's own, and the shared budget still bounds it.
	sessionPeer atomic.Bool

	wmu sync.Mutex // held by a write (write)

	mu      sync.Mutex
	q       chunkQueue // arrived and not yet taken; q.front().b[head:] is next
	head    int
	n       int           // bytes in q
	eof     bool          // the peer closed (or reset) the connection
	endSeen bool          // a take has reported the end (io.EOF or the reset)
	err     error         // a read error other than a clean end
	arrived chan struct{} // closed when data or the end arrives; made when someone waits (arrivedLocked)
	space   chan struct{} // signalled when a reader takes data, or a caller wants the turn
	onEnd   func()        // called once, when the peer's end arrives (whatever is unread)
	onData  func()        // called after data or the end has arrived (set before start)
	turn    turn          // who reads the connection (here.go)
}

func newStream(nc net.Conn, b *budget) *stream {
	st := &stream{
		nc:     nc,
		raw:    rawio.RawConn(nc),
		now:    rawio.NewNowWriter(nc),
		addr:   nc.RemoteAddr().String(),
		budget: b,
		done:   make(chan struct{}),
		space:  make(chan struct{}, 1),
	}
	return st
}

func (st *stream) start() { go st.readLoop() }

func (st *stream) readLoop() {
	for {
		if !st.waitSpace() || !st.waitTurn() {
			return
		}
		st.mu.Lock()
		empty := st.n == 0
		st.mu.Unlock()
		buf, reserved, err := st.readChunk(empty)
		if err == errNoBudget {
			if !st.budget.wait(st.done, st.space) {
				return
			}
			continue
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			st.kickedOff()
			continue // a caller wants the turn (waitTurn gives it), or wanted it
		}
		if !st.arrive(buf, reserved, err) {
			return
		}
	}
}

// arrive keeps what a read brought (buf, holding reserved bytes of the budget) and records
// the end that err reports, as its reader goroutine or a caller reading here; false when the
// stream is over (it ended, or was closed meanwhile: nothing is kept then).
func (st *stream) arrive(buf []byte, reserved int, err error) bool {
	if len(buf) > 0 {
		st.traceData(false, buf) // before anyone can read it: a reply is traced after it
	}
	st.mu.Lock()
	select {
	case <-st.done: // closed while reading: close has emptied the buffer already
		st.mu.Unlock()
		putChunk(buf)
		st.budget.give(reserved)
		return false
	default:
	}
	held := 0
	if len(buf) > 0 {
		held = st.keepLocked(buf)
	}
	var onEnd func()
	if err != nil && !st.eof { // recorded once (a caller reading here may have met it first)
		st.eof = true
		if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
			st.err = err
		}
		onEnd = st.onEnd
		// noted before the end is seen: whoever waits for it finds the event there
		st.noteEnd(err)
	}
	st.notifyLocked()
	st.mu.Unlock()
	if st.onData != nil {
		st.onData()
	}
	if held > reserved {
		st.budget.force(held - reserved)
	} else {
		st.budget.give(reserved - held)
	}
	if err != nil {
		if onEnd != nil {
			// not on this goroutine: it may close other connections, and waits for their peers
			go onEnd()
		}
		return false
	}
	return true
}

// keepLocked adds what a read brought to the buffer and returns the bytes of the budget it
// now holds for it. A long read keeps its pooled chunk. A short one is copied, into the spare
// room of the last chunk when it fits there (no new chunk, and nothing more to charge), or
// else into a chunk of its own, so that many small messages do not each hold a whole chunk.
func (st *stream) keepLocked(buf []byte) int {
	k := len(buf)
	st.n += k
	if k >= chunkSize/4 {
		held := cap(buf) + chunkOverhead
		st.q.pushBack(chunk{b: buf, acct: held, grow: true})
		return held
	}
	defer putChunk(buf)
	if last := st.q.back(); last != nil && last.grow && cap(last.b)-len(last.b) >= k {
		last.b = append(last.b, buf...)
		return 0
	}
	room := k
	if st.n > k {
		room = max(k, smallChunk)
	}
	// Grow rounds the room up to what the allocator gives, so cap is what the chunk costs
	small := append(slices.Grow([]byte(nil), room), buf...)
	held := cap(small) + chunkOverhead
	st.q.pushBack(chunk{b: small, acct: held, grow: true})
	return held
}

// notifyLocked wakes everyone waiting for data or the end.
func (st *stream) notifyLocked() {
	if st.arrived != nil {
		close(st.arrived)
		st.arrived = nil
	}
}

// arrivedLocked is the channel closed when data or the end next arrives. It is made only when
// someone waits: data that arrives while nobody does costs no channel.
func (st *stream) arrivedLocked() <-chan struct{} {
	if st.arrived == nil {
		st.arrived = make(chan struct{})
	}
	return st.arrived
}

// waitSpace waits while the connection's own buffer is full; false once the stream closes.
func (st *stream) waitSpace() bool {
	for {
		st.mu.Lock()
		full := st.n >= perConnBuffered && !st.sessionPeer.Load()
		st.mu.Unlock()
		if !full {
			return true
		}
		select {
		case <-st.space:
		case <-st.done:
			return false
		}
	}
}

// signalSpace wakes the reader if it waits for room in the buffer.
func (st *stream) signalSpace() {
	select {
	case st.space <- struct{}{}:
	default:
	}
}

// markSessionPeer lifts the per-connection cap (see sessionPeer).
func (st *stream) markSessionPeer() {
	st.sessionPeer.Store(true)
	st.signalSpace()
}

// Buffered is the number of bytes that have arrived and not been read.
func (st *stream) Buffered() (n int, eof bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.n, st.eof
}

// wait blocks until data or the end has arrived, ctx is done, or the timer fires (a nil
// timer never does). It reports whether data or the end is there.
func (st *stream) wait(ctx context.Context, timer <-chan time.Time) (bool, error) {
	for {
		st.mu.Lock()
		if st.n > 0 || st.eof {
			st.mu.Unlock()
			return true, nil
		}
		st.resumeLocked() // a caller that read here waits the usual way now
		ch := st.arrivedLocked()
		st.mu.Unlock()
		select {
		case <-ch:
		case <-timer:
			return false, nil
		case <-ctx.Done():
			return false, ctx.Err()
		case <-st.done:
			return false, &Error{Kind: Closed, Addr: st.addr}
		}
	}
}

// take removes up to max bytes (max <= 0: all) from the buffer; io.EOF when the buffer is
// empty and the peer has closed; nil, nil when it is merely empty.
func (st *stream) take(max int) ([]byte, error) {
	st.mu.Lock()
	if st.n == 0 {
		eof, err := st.eof, st.err
		st.err = nil // a reset is reported once; after it, the end
		if eof {
			st.endSeen = true
		}
		st.mu.Unlock()
		if err != nil {
			return nil, &Error{Kind: Reset, Addr: st.addr, Err: err}
		}
		if eof {
			return nil, io.EOF
		}
		return nil, nil
	}
	if max <= 0 || max > st.n {
		max = st.n
	}
	var out []byte
	freed := 0
	if first := st.q.front(); st.head == 0 && len(first.b) == max {
		out = first.b // the whole first chunk: hand it over without copying
		freed = first.acct
		st.q.popFront()
	} else {
		out = make([]byte, 0, max)
		for len(out) < max {
			first := st.q.front()
			c := first.b[st.head:]
			k := min(len(c), max-len(out))
			out = append(out, c[:k]...)
			st.head += k
			if st.head == len(first.b) {
				freed += first.acct
				st.q.popFront()
				st.head = 0
			}
		}
	}
	st.n -= len(out)
	if st.n == 0 {
		st.q.reset() // a burst's queue is not kept once it is read
	}
	st.mu.Unlock()
	st.budget.give(freed)
	st.signalSpace()
	return out, nil
}

// unread puts data back at the front of the buffer: a read that was interrupted, or that
// found its terminator, returns what it did not use. It costs O(1) however many chunks are
// buffered: a read that stops at each of many small lines puts something back every time.
func (st *stream) unread(data []byte) {
	if len(data) == 0 {
		return
	}
	st.mu.Lock()
	select {
	case <-st.done:
		st.mu.Unlock()
		return
	default:
	}
	// the whole array is charged: data may be a slice of a larger one, which it keeps alive
	held := cap(data) + chunkOverhead
	st.budget.force(held)
	if st.head > 0 {
		first := st.q.front()
		first.b = first.b[st.head:]
		st.head = 0
	}
	// not grow: the spare room of the caller's array may be the caller's
	st.q.pushFront(chunk{b: data, acct: held})
	st.n += len(data)
	st.notifyLocked()
	st.mu.Unlock()
}

// write sends p, giving up when ctx is done (the rest of p is then not sent).
func (st *stream) write(ctx context.Context, p []byte) error {
	select {
	case <-st.done:
		return &Error{Kind: Closed, Addr: st.addr}
	default:
	}
	// one write at a time: one that goes in two steps (what the socket takes now, then the
	// rest) is not split by another
	st.wmu.Lock()
	defer st.wmu.Unlock()
	st.traceData(true, p)     // before the bytes leave: the peer's answer is traced after it
	n, err := st.now.Write(p) // what the socket takes at once: one system call, no wait
	if err != nil {
		err = rawio.ConnError(st.nc, "write", err)
	}
	if err != nil || n == len(p) {
		return netError(context.Background(), st.addr, err)
	}
	p = p[n:]
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() { st.nc.SetWriteDeadline(time.Unix(1, 0)); close(fired) })
	_, err = st.nc.Write(p)
	if !stop() {
		<-fired // the past deadline is set: only now clear it
		st.nc.SetWriteDeadline(time.Time{})
		if err != nil {
			return ctx.Err()
		}
	}
	return netError(context.Background(), st.addr, err)
}

// closeWrite shuts the sending half: the peer reads its end while it can still send.
func (st *stream) closeWrite() error {
	if tc, ok := st.nc.(*net.TCPConn); ok {
		return netError(context.Background(), st.addr, tc.CloseWrite())
	}
	return nil
}

func (st *stream) close() {
	close(st.done)
	st.nc.Close()
	st.mu.Lock()
	freed := st.q.held()
	st.q.reset()
	st.n, st.head = 0, 0
	st.mu.Unlock()
	st.budget.give(freed)
}

// chunk is a piece of arrived data and the bytes of the budget it holds.
type chunk struct {
	b    []byte
	acct int
	grow bool // b's spare room is the stream's: later short reads may be appended there
}

// chunkQueue is the buffer's chunks in order, with O(1) removal at the front (take), addition
// at the back (the reader) and addition at the front (unread). The live chunks are
// buf[first:]; the slots before first are free for unread to reuse. Its array has at most four
// slots per live chunk (it grows by doubling and shrinks when a quarter is live), which is what
// chunkOverhead charges.
type chunkQueue struct {
	buf   []chunk
	first int
}

func (q *chunkQueue) len() int { return len(q.buf) - q.first }

// front is the first chunk; the queue must not be empty.
func (q *chunkQueue) front() *chunk { return &q.buf[q.first] }

// back is the last chunk, or nil.
func (q *chunkQueue) back() *chunk {
	if q.len() == 0 {
		return nil
	}
	return &q.buf[len(q.buf)-1]
}

func (q *chunkQueue) popFront() {
	q.buf[q.first] = chunk{}
	q.first++
	switch n := q.len(); {
	case n == 0:
		q.buf, q.first = q.buf[:0], 0
	case n <= cap(q.buf)/4:
		// mostly read: a smaller array (the copy is paid for by the pops since the last resize)
		q.buf, q.first = append(make([]chunk, 0, 2*n), q.buf[q.first:]...), 0
	}
}

func (q *chunkQueue) pushBack(c chunk) {
	if len(q.buf) == cap(q.buf) && q.first > 0 && q.first >= len(q.buf)/2 {
		// slide the live chunks down rather than grow: the copy is paid for by the pops
		// that freed at least as many slots
		n := copy(q.buf, q.buf[q.first:])
		clear(q.buf[n:])
		q.buf, q.first = q.buf[:n], 0
	}
	q.buf = append(q.buf, c)
}

func (q *chunkQueue) pushFront(c chunk) {
	if q.first == 0 {
		// make room in front as append makes it at the back, doubling, so that a run of
		// unreads costs O(1) each
		n := q.len()
		room := max(n, 2)
		nb := make([]chunk, room+n)
		copy(nb[room:], q.buf)
		q.buf, q.first = nb, room
	}
	q.first--
	q.buf[q.first] = c
}

// held is the budget the chunks hold.
func (q *chunkQueue) held() int {
	total := 0
	for _, c := range q.buf[q.first:] {
		total += c.acct
	}
	return total
}

// reset drops every chunk and the queue's array.
func (q *chunkQueue) reset() { q.buf, q.first = nil, 0 }

// budget bounds the bytes buffered by all the connections of a registry.
type budget struct {
	mu    sync.Mutex
	used  int
	max   int
	freed chan struct{} // closed when bytes are given back; made when someone waits (wait)
}

func newBudget(max int) *budget { return &budget{max: max} }

// tryTake reserves n bytes if they are there, without waiting.
func (b *budget) tryTake(n int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used+n > b.max {
		return false
	}
	b.used += n
	return true
}

// wait waits until some bytes are given back, or poke delivers; false when done closes first.
func (b *budget) wait(done, poke <-chan struct{}) bool {
	b.mu.Lock()
	if b.freed == nil {
		b.freed = make(chan struct{})
	}
	ch := b.freed
	room := b.used+readReserve <= b.max
	b.mu.Unlock()
	if room {
		return true
	}
	select {
	case <-ch:
		return true
	case <-poke:
		return true
	case <-done:
		return false
	}
}

var errNoBudget = errors.New("no budget")

// force reserves n bytes without waiting: data already in hand.
func (b *budget) force(n int) {
	b.mu.Lock()
	b.used += n
	b.mu.Unlock()
}

func (b *budget) give(n int) {
	if n <= 0 {
		return
	}
	b.mu.Lock()
	b.used -= n
	if b.freed != nil {
		close(b.freed)
		b.freed = nil
	}
	b.mu.Unlock()
}

// chunks are pooled: a read borrows one only once data is there (see readChunk).
var chunkPool = sync.Pool{New: func() any { b := make([]byte, chunkSize); return &b }}

func getChunk() []byte { return (*chunkPool.Get().(*[]byte))[:chunkSize] }

func putChunk(b []byte) {
	if cap(b) == chunkSize {
		b = b[:chunkSize]
		chunkPool.Put(&b)
	}
}

// readChunkOther reads with the net package, which cannot peek, and holds a chunk while it
// waits. When the budget is spent and the stream's buffer is empty, it reads a single byte
// without a reservation, to see the peer's end even so (a starved connection must not miss
// it); the byte is then charged beyond the budget (the caller forces it), at most one small
// chunk per connection, since it does so only while that connection's buffer is empty.
func readChunkOther(c net.Conn, b *budget, empty bool) ([]byte, int, error) {
	if !b.tryTake(readReserve) {
		if !empty {
			return nil, 0, errNoBudget
		}
		one := make([]byte, 1)
		n, err := c.Read(one)
		if n == 0 {
			if err == nil {
				err = io.ErrNoProgress
			}
			return nil, 0, err
		}
		return one, 0, nil
	}
	buf := getChunk()
	n, err := c.Read(buf)
	if n == 0 {
		putChunk(buf)
		b.give(readReserve)
		if err == nil {
			err = io.ErrNoProgress
		}
		return nil, 0, err
	}
	return buf[:n], readReserve, nil
}

// noteEnd records why the connection ended, as its socket's event: the peer closed it, or
// reset it (the system's words say how). A close of ours is recorded by Close.
func (st *stream) noteEnd(err error) {
	switch {
	case st.sock == nil, errors.Is(err, net.ErrClosed):
	case errors.Is(err, io.EOF):
		st.sock.note("peer closed", st.addr, "", true)
	default:
		st.sock.note("reset", st.addr, SystemText(err), true)
	}
}
