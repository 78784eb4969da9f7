// Package sockets is socketrepl's socket runtime: a registry of a session's sockets, TCP
// servers and clients, and the guards that keep a peer from exhausting the process. It speaks
// Go types only; the language adapts it (eval/builtins_sockets.go).
package sockets

import (
	"crypto/rand"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
)

// Role is how a socket came to be.
type Role uint8

const (
	Server   Role = iota + 1 // opened with SocketOpen: it listens
	Client                   // made with SocketConnect
	Accepted                 // a connection a server accepted: a remote socket
)

func (r Role) String() string {
	switch r {
	case Server:
		return "server"
	case Client:
		return "client"
	case Accepted:
		return "accepted"
	}
	return "?"
}

// Socket is one socket of a session. Its exported fields are fixed when it is made.
type Socket struct {
	ID       string // a random UUID, as Wolfram's CreateUUID makes them
	Protocol string // "TCP" or "ZMQ"
	Role     Role
	// Local is this end, Remote the other; for a server both are the bound address.
	Local, Remote netip.AddrPort
	// Host is the destination host as the user wrote it (a server: the host it binds).
	Host string
	// Server is the server that accepted this socket (Role Accepted), else nil.
	Server *Socket

	reg    *Registry
	stream *stream   // TCP Client and Accepted
	lis    *listener // TCP Server
	zmq    *zmqEnd   // ZMQ, bound (Server) or connecting (Client)

	// guarded by reg.mu
	openAt int     // index in reg.open
	peer   *Socket // the other end, when it is a socket of the same registry

	// guarded by Server.lis.mu (Role Accepted)
	inEnded bool // on the server's list of clients whose peer has gone

	watch atomic.Pointer[func(src *Socket)] // see Watch

	tracer atomic.Pointer[func(TraceRecord)] // nil while not traced (trace.go)
	events eventLog                          // a TCP socket's (a ZeroMQ socket's are zmq's)

	closed atomic.Bool // an atomic load: every read and write asks first
}

// Watch has fn called whenever data or the peer's end arrives on s — for a TCP server, on any
// of its clients, present or future (src is the client); a client's own watcher goes first
// and alone. fn runs on the socket's goroutine and must not block. nil stops it.
func (s *Socket) Watch(fn func(src *Socket)) {
	if fn == nil {
		s.watch.Store(nil)
	} else {
		s.watch.Store(&fn)
	}
	if s.zmq != nil {
		if fn == nil {
			s.zmq.z.OnSignal(nil)
		} else {
			s.zmq.z.OnSignal(func() { fn(s) })
		}
	}
}

// arrived tells the watcher, if any, that data or the end has arrived on s.
func (s *Socket) arrived() {
	if fn := s.watch.Load(); fn != nil {
		(*fn)(s)
	} else if s.Server != nil {
		if fn := s.Server.watch.Load(); fn != nil {
			(*fn)(s)
		}
	}
}

// Closed reports whether the socket has been closed (by Close, or with its server).
func (s *Socket) Closed() bool { return s.closed.Load() }

// markClosed flips the socket to closed, reporting whether this call did it.
func (s *Socket) markClosed() bool { return s.closed.CompareAndSwap(false, true) }

// Close closes the socket: a server stops accepting and closes every socket it accepted. A
// second Close reports a Closed error.
func (s *Socket) Close() error {
	if !s.markClosed() {
		return &Error{Kind: Closed, Addr: s.Remote.String()}
	}
	peer := s.reg.sessionPeer(s) // retire forgets it
	switch {
	case s.lis != nil:
		s.lis.close()
	case s.stream != nil:
		s.stream.close()
	case s.zmq != nil:
		s.zmq.close(s.reg)
	}
	if s.Server != nil {
		s.Server.lis.remove(s)
	}
	if s.zmq == nil { // a ZeroMQ socket records its own
		peer := ""
		if s.stream != nil {
			peer = s.stream.addr
		}
		s.note("closed", peer, "", true)
	}
	s.reg.retire(s)
	if peer != nil {
		awaitPeerEnd(peer)
	}
	return nil
}

// Registry holds a session's sockets, open and recently closed, in the order they were made.
// Making, finding and closing a socket cost O(1) however many are open: a peer may open and
// drop thousands of connections, and a session may close thousands of sockets.
type Registry struct {
	mu sync.Mutex
	// open is in creation order; a closed socket leaves a nil there (dead counts them) until
	// more than half are nil and the rest move down, so that closing one does not shift them all
	open     []*Socket
	dead     int
	byID     map[string]*Socket            // open and remembered closed ones
	retired  []string                      // closed ids, oldest first, forgotten beyond maxRetired
	ports    map[uint16]chosenPort         // the ports the system chose: for masking transcripts
	conns    map[[2]netip.AddrPort]*Socket // open clients and accepted sockets by {Local, Remote}
	servers  map[netip.AddrPort]*Socket    // open TCP servers by the address they are bound to
	zservers map[netip.AddrPort]*Socket    // open bound ZeroMQ sockets likewise
	budget   *budget
	traceNew atomic.Pointer[func(TraceRecord)] // traces new sockets from their start (trace.go)
}

// maxRetired bounds how many closed sockets are remembered (so that a second Close says
// "not open" rather than "invalid"), whatever a peer does.
const maxRetired = 10000

// NewRegistry makes an empty registry.
func NewRegistry() *Registry {
	return &Registry{
		byID:     map[string]*Socket{},
		ports:    map[uint16]chosenPort{},
		conns:    map[[2]netip.AddrPort]*Socket{},
		servers:  map[netip.AddrPort]*Socket{},
		zservers: map[netip.AddrPort]*Socket{},
		budget:   newBudget(maxBuffered),
	}
}

// index finds a socket of any session by id, for printing its summary.
var index sync.Map // id -> *Socket

// Find returns the socket with this id, from any registry, if it is open or remembered.
func Find(id string) (*Socket, bool) {
	v, ok := index.Load(id)
	if !ok {
		return nil, false
	}
	return v.(*Socket), true
}

// Get returns the socket with this id if this registry has it (open or remembered closed).
func (r *Registry) Get(id string) (*Socket, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.byID[id]
	return s, ok
}

// List returns the open sockets in the order they were made.
func (r *Registry) List() []*Socket {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*Socket, 0, len(r.open)-r.dead)
	for _, s := range r.open {
		if s != nil {
			out = append(out, s)
		}
	}
	return out
}

// chosenPort is a port the system chose, with the socket that has it now and how many times
// it was chosen afresh: a port freed by a closed socket may be chosen again for a new one.
type chosenPort struct {
	holder *Socket
	uses   int
}

// Ports maps each port the system chose for the registry's sockets (never one the user wrote),
// the parts of a transcript that change from run to run, to the number of times it was chosen
// afresh, so that a port reused by a later socket can be told from its first use.
func (r *Registry) Ports() map[int]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[int]int, len(r.ports))
	for p, c := range r.ports {
		out[int(p)] = c.uses
	}
	return out
}

// CloseAll closes every open socket: at exit. ZeroMQ sockets linger (send what they have
// queued, up to their linger time) all at once, not one after another. It returns the
// ZeroMQ sockets that could not send everything (their Dropped says how much).
func (r *Registry) CloseAll() (dropped []*Socket) {
	var wg sync.WaitGroup
	var zmqs []*Socket
	for _, s := range r.List() {
		switch {
		case s.zmq != nil:
			zmqs = append(zmqs, s)
			wg.Add(1)
			go func() { defer wg.Done(); s.Close() }()
		case s.Role != Accepted:
			s.Close()
		}
	}
	for _, s := range r.List() {
		s.Close()
	}
	wg.Wait()
	for _, s := range zmqs {
		if s.Dropped() > 0 {
			dropped = append(dropped, s)
		}
	}
	return dropped
}

// add registers a new socket; chosen are the ports the system chose for it (a server's on
// Automatic, a connection's own end), the ones that differ from run to run.
func (r *Registry) add(s *Socket, chosen ...uint16) {
	if s.ID == "" { // (a socket traced from its start has one already)
		s.ID = newUUID()
	}
	s.reg = r
	r.mu.Lock()
	s.openAt = len(r.open)
	r.open = append(r.open, s)
	r.byID[s.ID] = s
	switch {
	case s.lis != nil:
		r.servers[s.Local] = s
	case s.zmq != nil && s.Role == Server:
		r.zservers[s.Local] = s
	case s.stream != nil:
		r.conns[[2]netip.AddrPort{s.Local, s.Remote}] = s
		// the other end is ours when its addresses are these, swapped (a socket that
		// connected to itself is not its own peer)
		if p := r.conns[[2]netip.AddrPort{s.Remote, s.Local}]; p != nil && p != s {
			s.peer, p.peer = p, s
			s.stream.markSessionPeer()
			p.stream.markSessionPeer()
		}
	}
	for _, p := range chosen {
		r.chosenLocked(s, p)
	}
	r.mu.Unlock()
	index.Store(s.ID, s)
}

// chosenLocked records a port the system chose for s; r.mu is held.
func (r *Registry) chosenLocked(s *Socket, p uint16) {
	// the accepted end of a session's own client shares its port: not a fresh use
	if c, seen := r.ports[p]; p != 0 && (!seen || c.holder.Closed()) {
		r.ports[p] = chosenPort{holder: s, uses: c.uses + 1}
	}
}

// retire moves a closed socket from the open list to the remembered ones.
func (r *Registry) retire(s *Socket) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i := s.openAt; i < len(r.open) && r.open[i] == s {
		r.open[i] = nil
		r.dead++
		if r.dead > len(r.open)/2 {
			r.compactLocked()
		}
	}
	if s.lis != nil && r.servers[s.Local] == s {
		delete(r.servers, s.Local)
	}
	if s.zmq != nil && r.zservers[s.Local] == s {
		delete(r.zservers, s.Local)
	}
	if k := [2]netip.AddrPort{s.Local, s.Remote}; s.stream != nil && r.conns[k] == s {
		delete(r.conns, k)
	}
	if s.peer != nil {
		s.peer.peer = nil
		s.peer = nil
	}
	r.retired = append(r.retired, s.ID)
	if len(r.retired) > maxRetired {
		old := r.retired[0]
		r.retired = r.retired[1:]
		delete(r.byID, old)
		index.Delete(old)
	}
}

// compactLocked drops the nils from the open list: O(n), once per n/2 closes.
func (r *Registry) compactLocked() {
	keep := r.open[:0]
	for _, s := range r.open {
		if s != nil {
			s.openAt = len(keep)
			keep = append(keep, s)
		}
	}
	clear(r.open[len(keep):])
	r.open, r.dead = keep, 0
}

// sessionPeer is the other end of s when it is a socket of this registry, else nil.
func (r *Registry) sessionPeer(s *Socket) *Socket {
	r.mu.Lock()
	defer r.mu.Unlock()
	return s.peer
}

// serverFor is the open TCP server of this registry that a connection to addr reaches, if
// any: one bound to addr, or to the wildcard on addr's port.
func (r *Registry) serverFor(addr netip.AddrPort) *Socket { return r.boundAt(r.servers, addr) }

// zmqServerFor is the open bound ZeroMQ socket of this registry that addr reaches, likewise.
func (r *Registry) zmqServerFor(addr netip.AddrPort) *Socket { return r.boundAt(r.zservers, addr) }

func (r *Registry) boundAt(bound map[netip.AddrPort]*Socket, addr netip.AddrPort) *Socket {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, a := range []netip.AddrPort{
		addr,
		netip.AddrPortFrom(netip.IPv4Unspecified(), addr.Port()),
		netip.AddrPortFrom(netip.IPv6Unspecified(), addr.Port()),
	} {
		if s := bound[a]; s != nil {
			return s
		}
	}
	return nil
}

func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
