// Package zmq is ZeroMQ's socket types as libzmq implements them, over the wire protocol of
// sockets/zmtp: a socket holds pipes (one per peer), made by listeners and by dialers that
// reconnect with back-off, and a pattern that decides which pipe a message goes to and which
// pipe is read next. It knows nothing of expressions; sockets/ registers its sockets.
package zmq

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/socketrepl/socketrepl/sockets/zmtp"
)

// Options are the socket options libzmq has, with libzmq's defaults unless said otherwise.
type Options struct {
	SendHWM         int           // messages queued per peer before sending waits or drops (1000)
	RecvHWM         int           // messages held per peer before its reader stops (1000)
	RecvBytes       int           // bytes held per peer likewise (4 MiB; libzmq has no such bound)
	MaxMsgSize      uint64        // the largest message a peer may send (256 MiB; libzmq: no limit)
	Identity        []byte        // the routing id announced to peers
	ReconnectIvl    time.Duration // first wait before reconnecting (100 ms)
	ReconnectIvlMax time.Duration // the longest wait, doubling up to it (0: always ReconnectIvl)
	HandshakeIvl    time.Duration // how long a peer has to complete the handshake (30 s)
	// Heartbeats (off by default): a PING every HeartbeatIvl; a peer silent for
	// HeartbeatTimeout after one is dropped (< 0: the interval; 0: never); HeartbeatTTL asks
	// the peer to drop us likewise (whole deciseconds).
	HeartbeatIvl, HeartbeatTimeout, HeartbeatTTL time.Duration
	Linger                                       time.Duration // how long Close lets queued messages go out (< 0: no limit)
	SendTimeout                                  time.Duration // how long a send waits (< 0: no limit); read by the caller
	RecvTimeout                                  time.Duration // how long a receive waits (< 0: no limit); read by the caller
	Immediate                                    bool          // queue only on peers whose connection is complete
	Conflate                                     bool          // keep only the newest message: a read gives the last one
	XPubVerbose                                  bool          // XPUB: pass every subscription up, not only new ones
	RouterMandatory                              bool          // ROUTER: a message to an unknown peer is an error, not dropped
}

// Defaults are libzmq's options (and this runtime's bounds where libzmq has none).
func Defaults() Options {
	return Options{SendHWM: 1000, RecvHWM: 1000, RecvBytes: 4 << 20, MaxMsgSize: 256 << 20,
		ReconnectIvl: 100 * time.Millisecond, HandshakeIvl: zmtp.HandshakeTimeout,
		HeartbeatTimeout: -1, Linger: -1, SendTimeout: -1, RecvTimeout: -1}
}

// Options gives the socket's options.
func (s *Socket) Options() Options {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts
}

// RecvTimeout is Options().RecvTimeout without the lock or copying the rest: one atomic load,
// for a read of every message.
func (s *Socket) RecvTimeout() time.Duration { return time.Duration(s.recvTimeout.Load()) }

// SetOptions changes the socket's options. As in libzmq, high-water marks, the identity, the
// heartbeats and the maximum message size apply to connections made afterwards.
func (s *Socket) SetOptions(change func(*Options)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	change(&s.opts)
	s.recvTimeout.Store(int64(s.opts.RecvTimeout))
	s.signal() // a wait may have something to look at again (IMMEDIATE, CONFLATE)
}

// Types are the socket types, by their ZMTP names.
var Types = []string{"PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB", "XSUB", "STREAM"}

// ErrClosed is an operation on a closed socket.
var ErrClosed = errors.New("the socket is closed")

// ErrCannotSend and ErrCannotRecv are operations the socket type does not have.
var (
	ErrCannotSend = errors.New("this socket type cannot send")
	ErrCannotRecv = errors.New("this socket type cannot receive")
)

// Socket is a ZeroMQ socket.
type Socket struct {
	Type string
	opts Options
	pat  pattern

	mu        sync.Mutex
	pipes     []*pipe
	sendNext  int // where load-balancing looks first
	recvNext  int // where fair-queuing looks first
	closed    bool
	listeners []net.Listener
	dialers   []*dialer
	events    []Event
	reading   *zmtp.Conn    // the connection a Recv reads on its own goroutine (REQ, REP)
	readLast  *zmtp.Conn    // the one it read last: it may not have its reader goroutine back
	wake      chan struct{} // something changed: a message, room to send, a peer
	onSignal  atomic.Pointer[func()]
	// handshakeFailed is set with the first "handshake failed" event
	handshakeFailed atomic.Bool
	recvTimeout     atomic.Int64                 // opts.RecvTimeout (RecvTimeout)
	tracer          atomic.Pointer[func(Traced)] // nil while tracing is off (trace.go)
	stop            chan struct{}                // closed by Close: dialers and listeners end
	bg              sync.WaitGroup
}

// New makes a socket of type typ ("PUSH", …).
func New(typ string, opts Options) (*Socket, error) {
	pat, ok := patterns[typ]
	if !ok {
		return nil, fmt.Errorf("unknown socket type %q", typ)
	}
	z := &Socket{Type: typ, opts: opts, pat: pat(), wake: make(chan struct{}, 1), stop: make(chan struct{})}
	z.recvTimeout.Store(int64(opts.RecvTimeout))
	return z, nil
}

// pipe is one peer: its connection when there is one. A connecting socket's pipe outlives its
// connections (messages queue in it while the peer is away, as libzmq's do); a bound socket's
// pipe ends with its connection.
type pipe struct {
	sock     *Socket
	conn     *zmtp.Conn   // nil while a dialer's peer is away
	draining []*zmtp.Conn // ended connections with messages still to read (libzmq delivers them)
	pending  [][][]byte   // queued while conn is nil
	dialer   *dialer
	endpoint string // the peer's address
	local    string // this end's address, while connected
	peer     zmtp.Peer
	state    any // the pattern's own (a PUB's view of the peer's subscriptions, …)

	// messages taken from a connection at once (zmtp's RecvBatch), batch[head:] not yet read:
	// they come before anything still in the connections
	batch     [][][]byte
	head      int
	batchFrom *zmtp.Conn // the connection they came from, told when they have all been read
}

// send queues msg for this peer; false when its queue is at the high-water mark.
func (p *pipe) send(msg [][]byte) bool {
	if p.conn != nil {
		return p.conn.Send(msg)
	}
	if p.dialer == nil || p.sock.opts.Immediate || len(p.pending) >= p.sock.opts.SendHWM {
		return false
	}
	p.pending = append(p.pending, msg)
	return true
}

// sendControl sends protocol traffic past the high-water mark; a pipe with no connection
// drops it (a SUB's subscriptions are sent again to each new connection).
func (p *pipe) sendControl(msg [][]byte) {
	if p.conn != nil {
		p.conn.SendControl(msg)
	}
}

// recv takes the pipe's next message. Messages come from the connection a batch at a time,
// so that a stream of small ones costs one lock of the connection per batch, not per message.
func (p *pipe) recv() ([][]byte, bool) {
	if p.head == len(p.batch) && !p.refill() {
		return nil, false
	}
	msg := p.batch[p.head]
	p.batch[p.head] = nil
	p.head++
	if p.head == len(p.batch) {
		if len(p.batch) > 1 {
			p.batchFrom.BatchDone() // the connection may queue as many again
		}
		p.batch, p.head, p.batchFrom = p.batch[:0], 0, nil
	}
	return msg, true
}

// refill takes the next batch from the first connection that has messages: the ended ones,
// in the order they ended, and then the current one.
func (p *pipe) refill() bool {
	for len(p.draining) > 0 {
		c := p.draining[0]
		if p.batch = c.RecvBatch(p.batch[:0]); len(p.batch) > 0 {
			p.batchFrom = c
			return true
		}
		p.draining[0] = nil
		p.draining = p.draining[1:]
	}
	if p.conn == nil {
		return false
	}
	if p.batch = p.conn.RecvBatch(p.batch[:0]); len(p.batch) > 0 {
		p.batchFrom = p.conn
		return true
	}
	return false
}

// unread reports whether messages of ended connections, or of a batch, wait to be read.
func (p *pipe) unread() bool {
	return len(p.draining) > 0 || p.head < len(p.batch)
}

// gone reports whether a pipe has nothing more to give: no connection, nothing to read, and
// no dialer to bring a new connection.
func (p *pipe) gone() bool {
	return p.conn == nil && p.dialer == nil && !p.unread()
}

// ---------------------------------------------------------------- sending and receiving

// TrySend sends msg if the pattern can place it now; false when it would have to wait.
func (s *Socket) TrySend(msg [][]byte) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false, ErrClosed
	}
	return s.pat.send(s, msg)
}

// Send sends msg, waiting while the pattern cannot place it (a PUSH with no peer, every peer
// at its high-water mark) until ctx is done.
func (s *Socket) Send(ctx context.Context, msg [][]byte) error {
	for {
		ok, err := s.TrySend(msg)
		if ok || err != nil {
			return err
		}
		if err := s.wait(ctx); err != nil {
			return err
		}
	}
}

// TryRecv takes the next message if one is waiting.
func (s *Socket) TryRecv() ([][]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, false, ErrClosed
	}
	msg, ok, err := s.pat.recv(s)
	for ok && s.opts.Conflate {
		// only the newest counts: the older ones are dropped as they are passed over
		newer, more, _ := s.pat.recv(s)
		if !more {
			break
		}
		msg = newer
	}
	return msg, ok, err
}

// TryRecvMany appends to dst the messages waiting, up to max (at least one), under one lock:
// what calling TryRecv until it finds none would take, for a reader that handles a stream. A
// REQ or REP takes one: each message it receives changes what it may do next (a REP must
// answer the request it took before it takes the next).
func (s *Socket) TryRecvMany(dst [][][]byte, max int) ([][][]byte, error) {
	if _, turns := s.pat.(hereReader); turns || s.opts.Conflate {
		msg, ok, err := s.TryRecv()
		if ok {
			dst = append(dst, msg)
		}
		return dst, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return dst, ErrClosed
	}
	for n := 0; n < max || n == 0; n++ {
		msg, ok, err := s.pat.recv(s)
		if !ok || err != nil {
			return dst, err
		}
		dst = append(dst, msg)
	}
	return dst, nil
}

// Readable reports whether a message is waiting to be read.
func (s *Socket) Readable() bool {
	s.resume()
	return s.HasMessage()
}

// HasMessage reports whether a message is waiting to be read, leaving a connection read by its
// callers (Recv, WaitHere) to them: a REQ's next wait for a reply reads it itself.
func (s *Socket) HasMessage() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	msg, ok, _ := s.pat.recv(s)
	if ok {
		s.pat.unrecv(s, msg)
	}
	return ok
}

// Recv waits for the next message until ctx is done. A REQ or REP waiting on one connection
// reads it on this goroutine (zmtp's ReadHere): the reply wakes the caller, not a reader
// goroutine that would then have to wake it.
func (s *Socket) Recv(ctx context.Context) ([][]byte, error) {
	for {
		msg, ok, err := s.TryRecv()
		if ok || err != nil {
			return msg, err
		}
		if c := s.readHere(); c != nil {
			got, err := c.ReadHere(ctx)
			s.mu.Lock()
			s.reading, s.readLast = nil, c
			s.mu.Unlock()
			if err != nil {
				return nil, err
			}
			if got {
				continue
			}
		}
		if err := s.wait(ctx); err != nil {
			return nil, err
		}
	}
}

// WaitHere waits up to timeout (< 0: no limit) for a message to read, as Wait does, except
// that a REQ or REP waiting on its one connection reads it on this goroutine, as Recv does:
// a caller that reads with TryRecv and waits with WaitHere has Recv's round trip. It reports
// whether a message may be waiting (false: the time is up).
func (s *Socket) WaitHere(ctx context.Context, timeout time.Duration) (bool, error) {
	if c := s.readHere(); c != nil {
		rctx := ctx
		if timeout >= 0 {
			var cancel context.CancelFunc
			rctx, cancel = context.WithTimeout(ctx, timeout)
			defer cancel()
		}
		got, err := c.ReadHere(rctx)
		s.mu.Lock()
		s.reading, s.readLast = nil, c
		s.mu.Unlock()
		switch {
		case got:
			return true, nil
		case err != nil && ctx.Err() == nil && rctx.Err() != nil:
			return false, nil // the time is up
		case err != nil:
			return false, err
		}
		// it could not read here: wait for the reader goroutine
	}
	return s.Wait(ctx, timeout)
}

// readHere gives the connection a Recv may read itself: the one its pattern waits on alone
// (and no other Recv reads). A peer that attaches meanwhile interrupts that read (attach).
func (s *Socket) readHere() *zmtp.Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.pat.(hereReader); ok && !s.closed && s.reading == nil {
		s.reading = r.here(s)
		return s.reading
	}
	return nil
}

// Unrecv puts a message taken by TryRecv back in front (a read that was interrupted).
func (s *Socket) Unrecv(msg [][]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pat.unrecv(s, msg)
}

// resume gives the connection a Recv read on its own goroutine last back to its reader
// goroutine at once (it would have it back within zmtp's idleReturn): its messages are about
// to be waited for, or looked for, without a Recv reading them.
func (s *Socket) resume() {
	s.mu.Lock()
	c := s.readLast
	s.readLast = nil
	s.mu.Unlock()
	if c != nil {
		c.Resume()
	}
}

// wait waits until something changes on the socket or ctx is done.
func (s *Socket) wait(ctx context.Context) error {
	s.resume()
	select {
	case <-s.wake:
		return nil
	case <-s.stop:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Changed gives the channel Wait waits on, for a caller that waits on several sockets at once
// (one caller at a time: a receive takes the signal). Something changed when it delivers.
func (s *Socket) Changed() <-chan struct{} {
	s.resume()
	return s.wake
}

// Wait waits up to timeout (< 0: no limit) for something to change; false on timeout.
func (s *Socket) Wait(ctx context.Context, timeout time.Duration) (bool, error) {
	s.resume()
	if timeout < 0 {
		return true, s.wait(ctx)
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-s.wake:
		return true, nil
	case <-s.stop:
		return false, ErrClosed
	case <-ctx.Done():
		return false, ctx.Err()
	case <-t.C:
		return false, nil
	}
}

func (s *Socket) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
	if fn := s.onSignal.Load(); fn != nil {
		(*fn)()
	}
}

// OnSignal has fn called whenever something changes that a waiting caller would look at (a
// message arrived, room to send, a peer came or went), on the goroutine that changed it; fn
// must not block. nil stops it. Unlike Wait, any number of watchers see every change.
func (s *Socket) OnSignal(fn func()) {
	if fn == nil {
		s.onSignal.Store(nil)
		return
	}
	s.onSignal.Store(&fn)
}

// ---------------------------------------------------------------- recv fair-queue, send load-balance

// fairRecv takes the next message from the pipes in turn.
func (s *Socket) fairRecv() ([][]byte, *pipe, bool) {
	n := len(s.pipes)
	for i := 0; i < n; i++ {
		k := (s.recvNext + i) % n
		p := s.pipes[k]
		if msg, ok := p.recv(); ok {
			s.recvNext = (k + 1) % n
			return msg, p, true
		}
		if p.gone() {
			s.removePipe(k) // a departed peer whose last messages have been read
			return s.fairRecv()
		}
	}
	return nil, nil, false
}

// balanceSend gives msg to the next pipe in turn that has room.
func (s *Socket) balanceSend(msg [][]byte) (*pipe, bool) {
	n := len(s.pipes)
	for i := 0; i < n; i++ {
		p := s.pipes[(s.sendNext+i)%n]
		if p.send(msg) {
			s.sendNext = (s.sendNext + i + 1) % n
			return p, true
		}
	}
	return nil, false
}

// ---------------------------------------------------------------- peers

// config is what a connection of this socket is made with. Only a pattern that takes messages
// on the reader goroutine gets an Intercept: for the others it would be a call and a type
// check per message on the reader's hot path, for nothing.
func (s *Socket) config() zmtp.Config {
	var intercept func(*zmtp.Conn, [][]byte) bool
	if _, ok := s.pat.(interceptor); ok {
		intercept = s.intercept
	}
	_, lockstep := s.pat.(hereReader)
	return zmtp.Config{MaxMsgSize: s.opts.MaxMsgSize, SendHWM: s.opts.SendHWM, RecvHWM: s.opts.RecvHWM,
		RecvBytes: s.opts.RecvBytes, Intercept: intercept, Notify: func(*zmtp.Conn) { s.signal() },
		OnDone: s.detach, Raw: s.Type == "STREAM", Lockstep: lockstep,
		HeartbeatIvl: s.opts.HeartbeatIvl, HeartbeatTimeout: s.opts.HeartbeatTimeout, HeartbeatTTL: s.opts.HeartbeatTTL}
}

// handshake runs the ZMTP handshake on a new connection; a STREAM socket has none (its peers
// speak plain TCP).
func (s *Socket) handshake(raw net.Conn) (zmtp.Peer, error) {
	if s.Type == "STREAM" {
		return zmtp.Peer{Type: "TCP"}, nil
	}
	opts := s.Options()
	return zmtp.Handshake(raw, s.Type, opts.Identity, opts.HandshakeIvl)
}

// intercept lets the pattern take protocol messages (subscriptions) on the reader goroutine.
func (s *Socket) intercept(c *zmtp.Conn, msg [][]byte) bool {
	ic := s.pat.(interceptor) // config gives intercept only to such patterns
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.pipes {
		if p.conn == c {
			return ic.intercept(s, p, msg)
		}
	}
	return false
}

// attach gives a connection that finished its handshake to its pipe (a dialer's, kept across
// reconnects) or to a new one; false if the socket is closed.
func (s *Socket) attach(raw net.Conn, peer zmtp.Peer, d *dialer) *zmtp.Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	if r, ok := s.pat.(refuser); ok && !r.accept(s, d, peer) {
		s.event("refused", raw.RemoteAddr().String(), r.why())
		return nil
	}
	what := "connected"
	if d == nil {
		what = "accepted" // a bound socket's peer
	}
	// before the connection starts: its first message is traced after its arrival
	s.event(what, raw.RemoteAddr().String(), "the peer is a "+peer.Type+" socket")
	cfg := s.config()
	cfg.Trace = s.connTrace(raw.RemoteAddr().String())
	c := zmtp.Start(raw, peer, cfg)
	var p *pipe
	if d != nil && d.pipe != nil {
		p = d.pipe
		for _, msg := range p.pending {
			c.SendControl(msg) // within the high-water mark already
		}
		p.pending = nil
	} else {
		p = &pipe{sock: s, dialer: d}
		if d != nil {
			d.pipe = p
		}
		s.pipes = append(s.pipes, p)
	}
	p.conn, p.peer, p.endpoint, p.local = c, peer, raw.RemoteAddr().String(), raw.LocalAddr().String()
	if s.reading != nil {
		s.reading.Interrupt() // a Recv reading one connection has another to wait on now
	}
	s.pat.attached(s, p)
	s.signal()
	return c
}

// detach ends a pipe's connection: a bound socket's pipe goes, a dialer's waits for the next.
func (s *Socket) detach(c *zmtp.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, p := range s.pipes {
		if p.conn != c {
			continue
		}
		s.event("disconnected", p.endpoint, describe(c.Err()))
		p.conn = nil
		if c.Pending() > 0 {
			p.draining = append(p.draining, c)
		}
		s.pat.detached(s, p)
		if p.gone() || s.closed {
			s.removePipe(i)
		}
		break
	}
	s.signal()
}

// removePipe forgets the pipe at i; s.mu is held.
func (s *Socket) removePipe(i int) {
	s.pipes = append(s.pipes[:i], s.pipes[i+1:]...)
	if s.recvNext > i {
		s.recvNext--
	}
	if s.sendNext > i {
		s.sendNext--
	}
}

// serve waits until a connection has ended and been detached (its OnDone).
func (s *Socket) serve(c *zmtp.Conn) {
	<-c.Done()
}

// Listen accepts peers on ln in the background, each handshake on its own goroutine.
func (s *Socket) Listen(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
		return ErrClosed
	}
	s.listeners = append(s.listeners, ln)
	s.event("listening", ln.Addr().String(), "")
	s.bg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.bg.Done()
		delay := 5 * time.Millisecond
		for {
			raw, err := ln.Accept()
			if err != nil {
				select {
				case <-s.stop:
					return
				default:
				}
				if ne, ok := err.(net.Error); ok && ne.Timeout() || isTemporary(err) {
					time.Sleep(delay) // out of descriptors, say: wait, as libzmq does
					delay = min(2*delay, time.Second)
					continue
				}
				return
			}
			delay = 5 * time.Millisecond
			s.bg.Add(1)
			go func() {
				defer s.bg.Done()
				peer, err := s.handshake(raw)
				if err != nil {
					s.mu.Lock()
					s.event("handshake failed", raw.RemoteAddr().String(), describe(err))
					s.mu.Unlock()
					raw.Close()
					return
				}
				if s.attach(raw, peer, nil) == nil {
					raw.Close()
				} // else the connection runs on its own goroutines, and detaches itself at its end
			}()
		}
	}()
	return nil
}

func isTemporary(err error) bool {
	return strings.Contains(err.Error(), "too many open files")
}

// ---------------------------------------------------------------- events

// Event is something that happened to the socket: listening, accepted (a bound socket's
// peer), connected (a connecting socket's), disconnected, handshake failed, connect failed,
// refused, retrying, closed. Detail says why, or what the peer is.
type Event struct {
	Time     time.Time
	What     string
	Endpoint string
	Detail   string
}

// maxEvents bounds the events a socket keeps.
const maxEvents = 100

// event records an event; s.mu is held.
func (s *Socket) event(what, endpoint, detail string) {
	if len(s.events) == maxEvents {
		copy(s.events, s.events[1:])
		s.events = s.events[:maxEvents-1]
	}
	ev := Event{Time: time.Now(), What: what, Endpoint: endpoint, Detail: detail}
	s.events = append(s.events, ev)
	if what == "handshake failed" {
		s.handshakeFailed.Store(true)
	}
	if fn := s.tracer.Load(); fn != nil {
		(*fn)(Traced{Time: ev.Time, Peer: endpoint, Event: &ev})
	}
}

// HandshakeFailed reports whether a handshake has ever failed on the socket: one atomic load,
// for readers that look before every message.
func (s *Socket) HandshakeFailed() bool { return s.handshakeFailed.Load() }

// Events gives the events kept, oldest first.
func (s *Socket) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events...)
}

// describe says in words why a connection, a handshake or an attempt to connect ended: the
// words tell a dead server from a wrong peer.
func describe(err error) string {
	var he *zmtp.HandshakeError
	var ne net.Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &he):
		return he.Reason
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused: nothing is listening there"
	case errors.Is(err, syscall.ECONNRESET):
		return "the peer reset the connection"
	case errors.Is(err, io.EOF):
		return "the peer closed the connection"
	case errors.Is(err, io.ErrClosedPipe):
		return "closed by this side"
	case errors.As(err, &ne) && ne.Timeout():
		return "timed out"
	}
	return err.Error()
}

// Peers lists the addresses of the connected peers.
func (s *Socket) Peers() []string {
	var out []string
	for _, p := range s.Connected() {
		out = append(out, p.Addr)
	}
	return out
}

// Peer is a connected peer as the handshake and the connection describe it.
type Peer struct {
	Addr     string // the peer's address
	Local    string // this end's address
	Type     string // its socket type ("TCP" for a STREAM socket's peers)
	Identity []byte // the routing id it announced
}

// Connected lists the connected peers, in the order they came.
func (s *Socket) Connected() []Peer {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Peer
	for _, p := range s.pipes {
		if p.conn != nil {
			out = append(out, Peer{Addr: p.endpoint, Local: p.local, Type: p.peer.Type, Identity: p.peer.Identity})
		}
	}
	return out
}

// Close closes the socket: listeners and dialers stop; each connection sends what it has
// queued within linger (< 0: as long as it takes). It reports how many messages were dropped.
func (s *Socket) Close(linger time.Duration) int {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return 0
	}
	s.closed = true
	close(s.stop)
	for _, ln := range s.listeners {
		ln.Close()
	}
	dropped := 0
	var conns []*zmtp.Conn
	for _, p := range s.pipes {
		dropped += len(p.pending)
		if p.conn != nil {
			conns = append(conns, p.conn)
		}
	}
	s.mu.Unlock()
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, c := range conns {
		{
			wg.Add(1)
			go func() {
				defer wg.Done()
				n := c.Close(linger)
				mu.Lock()
				dropped += n
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	s.bg.Wait()
	why := ""
	if dropped > 0 {
		why = fmt.Sprintf("%d queued messages dropped", dropped)
	}
	s.mu.Lock()
	s.event("closed", "", why)
	s.mu.Unlock()
	return dropped
}
