package sockets

import (
	"container/list"
	"context"
	"errors"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"time"
)

// ConnectTimeout bounds how long SocketConnect waits for a TCP connection (Ctrl-C stops it
// sooner).
const ConnectTimeout = 10 * time.Second

// maxEnded bounds the accepted connections whose peer has gone and that nobody closed: past
// it, one is closed, so that a peer opening and dropping connections cannot use up the
// process's file descriptors (nor its memory: each holds a socket, a stream and what it read).
// A connection counts from the moment its peer's end arrives, whatever it left unread, since a
// peer that sends a byte and goes must be bounded as well as one that goes at once. Closed
// first is the oldest whose end a read has reported (its user saw it go), else the oldest with
// nothing unread, and only when every one still holds data, the oldest of all, with its data:
// keeping it would keep its socket and its memory, and the bound would be no bound.
const maxEnded = 1024

// OpenTCP opens a TCP server on a local address (SocketOpen). It accepts connections in the
// background; they appear in Clients.
func (r *Registry) OpenTCP(ctx context.Context, e Endpoint) (*Socket, error) {
	ln, bound, err := listenLocal(ctx, e)
	if err != nil {
		return nil, err
	}
	s := &Socket{Protocol: "TCP", Role: Server, Local: bound, Remote: bound, Host: e.Host}
	s.lis = &listener{ln: ln, server: s, done: make(chan struct{}), acceptedCh: make(chan struct{}),
		clients: map[*Socket]*list.Element{}}
	s.ID = newUUID()
	r.traceFromStart(s)
	s.note("listening", bound.String(), "", true)
	r.add(s, chosenPortOf(e, bound))
	go s.lis.acceptLoop()
	return s, nil
}

// listenLocal listens on a local address, the port the system's choice when e asks for any.
func listenLocal(ctx context.Context, e Endpoint) (net.Listener, netip.AddrPort, error) {
	ip, err := resolveLocal(ctx, e)
	if err != nil {
		return nil, netip.AddrPort{}, err
	}
	port := e.Port
	if e.AnyPort {
		port = 0
	}
	bind := netip.AddrPortFrom(ip, uint16(port))
	network := "tcp"
	if ip.Is4() {
		network = "tcp4" // "tcp" would make 0.0.0.0 a dual-stack socket
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, network, bind.String())
	if err != nil {
		return nil, netip.AddrPort{}, netError(ctx, e.String(), err)
	}
	bound := ln.Addr().(*net.TCPAddr).AddrPort()
	return ln, netip.AddrPortFrom(bound.Addr().Unmap(), bound.Port()), nil
}

// chosenPortOf is the port the system chose for a socket bound to e (0: the user chose it).
func chosenPortOf(e Endpoint, bound netip.AddrPort) uint16 {
	if e.AnyPort {
		return bound.Port()
	}
	return 0
}

// DialTCP connects a TCP client (SocketConnect), waiting at most ConnectTimeout.
func (r *Registry) DialTCP(ctx context.Context, e Endpoint) (*Socket, error) {
	if e.AnyPort {
		return nil, &Error{Kind: AddrSpec, Addr: e.String(), Detail: ReasonConnectPort}
	}
	d := net.Dialer{Timeout: ConnectTimeout}
	nc, err := d.DialContext(ctx, "tcp", JoinHostPort(e.Host, strconv.Itoa(e.Port)))
	if err != nil {
		err = netError(ctx, e.String(), err)
		if KindOf(err) == NotLocal {
			// for a connection, EADDRNOTAVAIL means no local port was free
			err.(*Error).Kind = Other
		}
		return nil, err
	}
	s := &Socket{Protocol: "TCP", Role: Client, Local: addrPort(nc.LocalAddr()), Remote: addrPort(nc.RemoteAddr()), Host: e.Host}
	s.stream = newStream(nc, r.budget)
	s.stream.onData = s.arrived
	s.stream.sock = s
	s.ID = newUUID()
	r.traceFromStart(s)
	s.note("connected", s.stream.addr, "", true)
	r.add(s, s.Local.Port())
	s.stream.start()
	r.awaitAccept(ctx, s)
	return s, nil
}

// awaitAccept waits, when a client connects to a server of the same registry, until the
// server has accepted it, so that server["ConnectedClients"] lists it as soon as
// SocketConnect returns: a session's transcript is then the same on every run.
func (r *Registry) awaitAccept(ctx context.Context, client *Socket) {
	server := r.serverFor(client.Remote)
	if server == nil {
		return
	}
	lis := server.lis
	timeout := time.NewTimer(2 * time.Second)
	defer timeout.Stop()
	for {
		// the accepted socket joins the registry (and becomes the client's peer) before
		// acceptedCh is replaced, so the channel is taken first
		lis.mu.Lock()
		ch := lis.acceptedCh
		lis.mu.Unlock()
		if r.sessionPeer(client) != nil {
			return
		}
		select {
		case <-ch:
		case <-lis.done:
			return
		case <-timeout.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

func addrPort(a net.Addr) netip.AddrPort {
	if t, ok := a.(*net.TCPAddr); ok {
		ap := t.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	return netip.AddrPort{}
}

// awaitPeerEnd waits, when the other end of a closed connection belongs to the same registry,
// until that end has seen the close, so that a server's "ConnectedClients" no longer lists a
// client that this session closed: a session's transcript is then the same on every run.
func awaitPeerEnd(peer *Socket) {
	timeout := time.NewTimer(2 * time.Second)
	defer timeout.Stop()
	for {
		peer.stream.mu.Lock()
		peer.stream.resumeLocked() // its reader goroutine sees the end
		eof, n, ch := peer.stream.eof, peer.stream.n, peer.stream.arrivedLocked()
		peer.stream.mu.Unlock()
		if eof || n > 0 { // with data buffered the peer is listed either way (and may have stopped reading)
			return
		}
		select {
		case <-ch:
		case <-peer.stream.done:
			return
		case <-timeout.C:
			return
		}
	}
}

// listener is a server's accepting half and the list of what it accepted.
type listener struct {
	ln     net.Listener
	server *Socket
	done   chan struct{}

	mu sync.Mutex
	// clients are the accepted sockets not closed, each with its place in order (accept
	// order), so that closing one of thousands costs O(1)
	clients map[*Socket]*list.Element
	order   list.List
	// acceptedCh is closed and replaced at each accept
	acceptedCh chan struct{}
	ended      []*Socket // clients whose peer has gone, oldest first; at most maxEnded
}

func (l *listener) acceptLoop() {
	backoff := 5 * time.Millisecond
	for {
		nc, err := l.ln.Accept()
		if err != nil {
			select {
			case <-l.done:
				return
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// out of file descriptors, say: wait for some to be freed, as net/http does
			select {
			case <-time.After(backoff):
			case <-l.done:
				return
			}
			backoff = min(2*backoff, time.Second)
			continue
		}
		backoff = 5 * time.Millisecond
		l.accept(nc)
	}
}

func (l *listener) accept(nc net.Conn) {
	reg := l.server.reg
	s := &Socket{Protocol: "TCP", Role: Accepted, Local: addrPort(nc.LocalAddr()), Remote: addrPort(nc.RemoteAddr()), Server: l.server}
	s.Host = s.Remote.Addr().String()
	s.stream = newStream(nc, reg.budget)
	s.stream.onData = s.arrived
	s.stream.onEnd = func() { l.peerGone(s) }
	s.stream.sock = s
	l.mu.Lock()
	select {
	case <-l.done:
		l.mu.Unlock()
		nc.Close()
		return
	default:
	}
	s.tracer.Store(l.server.tracer.Load()) // a server's trace covers its clients
	l.server.note("accepted", s.stream.addr, "", true)
	s.events.add(Event{Time: time.Now(), What: "accepted", Peer: s.stream.addr})
	reg.add(s, s.Remote.Port()) // the client's end, chosen by its system
	l.clients[s] = l.order.PushBack(s)
	close(l.acceptedCh)
	l.acceptedCh = make(chan struct{})
	l.mu.Unlock()
	s.stream.start()
}

// peerGone records a client whose peer's end has arrived, closing one of them past maxEnded
// (see maxEnded for which).
func (l *listener) peerGone(s *Socket) {
	l.mu.Lock()
	if _, open := l.clients[s]; !open {
		l.mu.Unlock()
		return
	}
	s.inEnded = true
	l.ended = append(l.ended, s)
	var old *Socket
	if len(l.ended) > maxEnded {
		i := l.evictableLocked()
		old = l.ended[i]
		old.inEnded = false
		l.ended = slices.Delete(l.ended, i, i+1)
	}
	l.mu.Unlock()
	if old != nil {
		old.Close()
	}
}

// evictableLocked picks the ended client to close: the oldest whose end a read has reported,
// else the oldest with nothing unread, else the oldest. (A read that has taken everything and
// will put some back is in between: it has not reported the end, so it is closed only when
// no client's end has been read.)
func (l *listener) evictableLocked() int {
	drained := -1
	for i, c := range l.ended {
		c.stream.mu.Lock()
		n, seen := c.stream.n, c.stream.endSeen
		c.stream.mu.Unlock()
		if n == 0 {
			if seen {
				return i
			}
			if drained < 0 {
				drained = i
			}
		}
	}
	return max(drained, 0)
}

// remove drops a closed client from the lists.
func (l *listener) remove(s *Socket) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.clients[s]; ok {
		l.order.Remove(e)
		delete(l.clients, s)
	}
	if s.inEnded {
		s.inEnded = false
		if i := slices.Index(l.ended, s); i >= 0 {
			l.ended = slices.Delete(l.ended, i, i+1)
		}
	}
}

func (l *listener) close() {
	l.mu.Lock()
	close(l.done)
	clients := make([]*Socket, 0, len(l.clients))
	for e := l.order.Front(); e != nil; e = e.Next() {
		c := e.Value.(*Socket)
		c.inEnded = false
		clients = append(clients, c)
	}
	clear(l.clients)
	l.order.Init()
	l.ended = nil
	l.mu.Unlock()
	l.ln.Close()
	for _, c := range clients {
		c.Close()
	}
}

// Clients lists a server's accepted connections in accept order: those not closed, and whose
// peer is still there or whose data has not all been read.
func (s *Socket) Clients() []*Socket {
	if s.lis == nil {
		return nil
	}
	l := s.lis
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]*Socket, 0, len(l.clients))
	for e := l.order.Front(); e != nil; e = e.Next() {
		c := e.Value.(*Socket)
		if c.Closed() { // closing, and not yet removed
			continue
		}
		if n, eof := c.stream.Buffered(); !eof || n > 0 {
			out = append(out, c)
		}
	}
	return out
}

// errServer is returned by reads and writes on a server socket.
var errServer = errors.New("a server socket has no stream: use its clients")

// ErrServer reports whether err came from reading or writing a server socket.
func ErrServer(err error) bool { return errors.Is(err, errServer) }

func (s *Socket) streamOrErr() (*stream, error) {
	if s.stream == nil {
		return nil, errServer
	}
	if s.Closed() {
		return nil, &Error{Kind: Closed, Addr: s.Remote.String()}
	}
	return s.stream, nil
}

// Write sends p on a client or accepted socket, giving up when ctx is done.
func (s *Socket) Write(ctx context.Context, p []byte) error {
	if s.zmq != nil {
		return s.WriteMessage(ctx, [][]byte{p}, false)
	}
	st, err := s.streamOrErr()
	if err != nil {
		return err
	}
	return st.write(ctx, p)
}

// CloseWrite shuts the sending half of the connection (the peer reads its end).
func (s *Socket) CloseWrite() error {
	st, err := s.streamOrErr()
	if err != nil {
		return err
	}
	return st.closeWrite()
}

// Read waits until data has arrived and takes up to max bytes of it (max <= 0: everything
// buffered). It returns io.EOF once the peer has closed and everything was read, and ctx's
// error when ctx is done first; nothing is lost then.
func (s *Socket) Read(ctx context.Context, max int) ([]byte, error) {
	if s.zmq != nil {
		return s.zmqRead(ctx, max, true)
	}
	st, err := s.streamOrErr()
	if err != nil {
		return nil, err
	}
	for {
		data, err := st.take(max)
		if err != nil || data != nil {
			return data, err
		}
		if _, err := st.wait(ctx, nil); err != nil {
			return nil, err
		}
	}
}

// TryRead takes up to max buffered bytes without waiting: nil when none have arrived, io.EOF
// once the peer has closed and everything was read.
func (s *Socket) TryRead(max int) ([]byte, error) {
	if s.zmq != nil {
		return s.zmqRead(context.Background(), max, false)
	}
	st, err := s.streamOrErr()
	if err != nil {
		return nil, err
	}
	st.pollIdle()
	return st.take(max)
}

// TryReadArrived is TryRead without reading the connection when a caller holds its turn
// (WaitHere): what the system holds is then that caller's next read. For the caller itself,
// taking what its reads brought.
func (s *Socket) TryReadArrived(max int) ([]byte, error) {
	if s.stream == nil {
		return s.TryRead(max)
	}
	st, err := s.streamOrErr()
	if err != nil {
		return nil, err
	}
	return st.take(max)
}

// Unread puts data back in front of what has arrived: a read that was interrupted, or that
// stopped at its terminator, returns what it did not use.
func (s *Socket) Unread(data []byte) {
	switch {
	case len(data) == 0:
	case s.stream != nil:
		s.stream.unread(data)
	case s.zmq != nil:
		s.zmq.mu.Lock()
		s.zmq.bytes = append(append([]byte(nil), data...), s.zmq.bytes...)
		s.zmq.mu.Unlock()
	}
}

// Wait waits until data (or the peer's end) is there, up to timeout (< 0: no limit); it
// reports whether it is.
func (s *Socket) Wait(ctx context.Context, timeout time.Duration) (bool, error) {
	if s.zmq != nil {
		return s.zmqWait(ctx, timeout)
	}
	st, err := s.streamOrErr()
	if err != nil {
		return false, err
	}
	var timer <-chan time.Time
	if timeout >= 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		timer = t.C
	}
	return st.wait(ctx, timer)
}

// Ready reports whether data has arrived and is waiting to be read (a peer that closed with
// nothing left unread is not ready: reading would give only the end).
func (s *Socket) Ready() bool {
	if s.zmq != nil {
		return !s.Closed() && (s.zmq.hasLocal() || s.zmq.z.Readable())
	}
	if s.stream == nil || s.Closed() {
		return false
	}
	s.stream.pollIdle()
	n, _ := s.stream.Buffered()
	return n > 0
}

// Arrived is Ready without reading the connection when a caller holds its turn (WaitHere):
// what the system holds is then that caller's next read.
func (s *Socket) Arrived() bool {
	if s.stream == nil {
		return s.Ready()
	}
	if s.Closed() {
		return false
	}
	n, _ := s.stream.Buffered()
	return n > 0
}

// AtEnd reports whether the peer has closed and everything it sent has been read.
func (s *Socket) AtEnd() bool {
	if s.stream == nil {
		return false
	}
	s.stream.pollIdle()
	n, eof := s.stream.Buffered()
	return eof && n == 0
}
