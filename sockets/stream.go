package sockets

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// Memory bounds. A connection's reader stops reading when its buffer holds perConnBuffered
// bytes, or when all connections together hold maxBuffered: TCP flow control then pushes back
// on the peer. chunkSize is the most one read takes.
const (
	chunkSize       = 64 << 10
	perConnBuffered = 4 << 20
	maxBuffered     = 256 << 20
)

// stream is a TCP connection with a background reader that fills a bounded buffer, so that a
// read can wait for data, give up on Ctrl-C without losing any, and ask whether data is there.
type stream struct {
	nc     net.Conn
	addr   string // the peer, for errors
	budget *budget
	done   chan struct{} // closed by close

	mu      sync.Mutex
	chunks  []chunk // arrived and not yet taken; chunks[0].b[head:] is next
	head    int
	n       int           // bytes in chunks
	eof     bool          // the peer closed (or reset) the connection
	err     error         // a read error other than a clean end
	arrived chan struct{} // closed and replaced whenever data or the end arrives
	space   chan struct{} // signalled when a reader takes data
	onEnd   func()        // called once when the end has arrived and the buffer is empty
	ended   bool
}

func newStream(nc net.Conn, b *budget) *stream {
	st := &stream{
		nc:      nc,
		addr:    nc.RemoteAddr().String(),
		budget:  b,
		done:    make(chan struct{}),
		arrived: make(chan struct{}),
		space:   make(chan struct{}, 1),
	}
	return st
}

func (st *stream) start() { go st.readLoop() }

func (st *stream) readLoop() {
	for {
		if !st.waitSpace() {
			return
		}
		buf, err := readChunk(st.nc, st.budget)
		if err == errNoBudget {
			if !st.budget.wait(st.done) {
				return
			}
			continue
		}
		kept := 0
		if len(buf) > 0 {
			if len(buf) < chunkSize/4 {
				// a short read keeps an exact copy, so that many small messages do not each
				// hold a whole chunk
				small := make([]byte, len(buf))
				copy(small, buf)
				putChunk(buf)
				buf = small
			}
			kept = cap(buf)
			st.budget.give(chunkSize - kept)
		}
		st.mu.Lock()
		select {
		case <-st.done: // closed while reading: close has emptied the buffer already
			st.mu.Unlock()
			st.budget.give(kept)
			return
		default:
		}
		if len(buf) > 0 {
			st.chunks = append(st.chunks, chunk{buf, kept})
			st.n += len(buf)
		}
		if err != nil {
			st.eof = true
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				st.err = err
			}
		}
		st.notifyLocked()
		st.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// notifyLocked wakes everyone waiting for data, and reports the end once it is reached.
func (st *stream) notifyLocked() {
	close(st.arrived)
	st.arrived = make(chan struct{})
	if st.eof && st.n == 0 && !st.ended {
		st.ended = true
		if st.onEnd != nil {
			go st.onEnd()
		}
	}
}

// waitSpace waits while the connection's own buffer is full; false once the stream closes.
func (st *stream) waitSpace() bool {
	for {
		st.mu.Lock()
		full := st.n >= perConnBuffered
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
		ch := st.arrived
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
	if first := st.chunks[0]; st.head == 0 && len(first.b) == max {
		out = first.b // the whole first chunk: hand it over without copying
		freed = first.acct
		st.chunks[0] = chunk{}
		st.chunks = st.chunks[1:]
	} else {
		out = make([]byte, 0, max)
		for len(out) < max {
			c := st.chunks[0].b[st.head:]
			k := min(len(c), max-len(out))
			out = append(out, c[:k]...)
			st.head += k
			if st.head == len(st.chunks[0].b) {
				freed += st.chunks[0].acct
				st.chunks[0] = chunk{}
				st.chunks = st.chunks[1:]
				st.head = 0
			}
		}
	}
	st.n -= len(out)
	if st.n == 0 {
		st.chunks = nil
	}
	if st.eof && st.n == 0 {
		st.notifyLocked()
	}
	st.mu.Unlock()
	st.budget.give(freed)
	select {
	case st.space <- struct{}{}:
	default:
	}
	return out, nil
}

// unread puts data back at the front of the buffer: a read that was interrupted, or that
// found its terminator, returns what it did not use.
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
	st.budget.force(len(data))
	if st.head > 0 {
		st.chunks[0].b = st.chunks[0].b[st.head:]
		st.head = 0
	}
	st.chunks = append([]chunk{{data, len(data)}}, st.chunks...)
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
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() { st.nc.SetWriteDeadline(time.Unix(1, 0)); close(fired) })
	_, err := st.nc.Write(p)
	if !stop() {
		<-fired // the past deadline is set: only now clear it
		st.nc.SetWriteDeadline(time.Time{})
		if err != nil {
			return ctx.Err()
		}
	}
	return netError(nil, st.addr, err)
}

// closeWrite shuts the sending half: the peer reads its end while it can still send.
func (st *stream) closeWrite() error {
	if tc, ok := st.nc.(*net.TCPConn); ok {
		return netError(nil, st.addr, tc.CloseWrite())
	}
	return nil
}

func (st *stream) close() {
	close(st.done)
	st.nc.Close()
	st.mu.Lock()
	freed := 0
	for _, c := range st.chunks {
		freed += c.acct
	}
	st.chunks, st.n, st.head = nil, 0, 0
	st.mu.Unlock()
	st.budget.give(freed)
}

// chunk is a piece of arrived data and the bytes of the budget it holds.
type chunk struct {
	b    []byte
	acct int
}

// budget bounds the bytes buffered by all the connections of a registry.
type budget struct {
	mu    sync.Mutex
	used  int
	max   int
	freed chan struct{} // closed and replaced when bytes are given back
}

func newBudget(max int) *budget { return &budget{max: max, freed: make(chan struct{})} }

// take reserves n bytes, waiting while the budget is spent; false when done closes first.
func (b *budget) take(n int, done <-chan struct{}) bool {
	for {
		b.mu.Lock()
		if b.used+n <= b.max {
			b.used += n
			b.mu.Unlock()
			return true
		}
		ch := b.freed
		b.mu.Unlock()
		select {
		case <-ch:
		case <-done:
			return false
		}
	}
}

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

// wait waits until some bytes are given back; false when done closes first.
func (b *budget) wait(done <-chan struct{}) bool {
	b.mu.Lock()
	ch := b.freed
	room := b.used+chunkSize <= b.max
	b.mu.Unlock()
	if room {
		return true
	}
	select {
	case <-ch:
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
	close(b.freed)
	b.freed = make(chan struct{})
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

// readChunkPlain reads with the net package: it holds a chunk while it waits.
func readChunkPlain(c net.Conn) ([]byte, error) {
	buf := getChunk()
	n, err := c.Read(buf)
	if n == 0 {
		putChunk(buf)
		if err == nil {
			err = io.ErrNoProgress
		}
		return nil, err
	}
	return buf[:n], nil
}
