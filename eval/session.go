package eval

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/socketrepl/socketrepl/grammar"
	"github.com/socketrepl/socketrepl/sockets"
)

// RecursionLimit is Wolfram's $RecursionLimit: evaluation nested deeper than this stops with
// $RecursionLimit::reclim and $Aborted, long before the Go stack could run out.
const RecursionLimit = 1024

// Session is one evaluator: the user's symbols, In/Out history, the output stream, the clock.
// Only one goroutine may evaluate in a session at a time; Interrupt may be called from any.
type Session struct {
	symbols map[string]*Symbol
	out     io.Writer
	// Now is the clock behind Now, DateString and AbsoluteTiming's dates; tests fix it.
	Now  func() time.Time
	rand *rand.Rand

	line int    // the number of the next input: In[line]
	ins  []Expr // In[n] (held) for n = 1..
	outs []Expr // Out[n]

	// epoch counts changes to anything evaluation reads (values, definitions, attributes,
	// message texts, In/Out): a call stamped with the current epoch evaluated to itself and
	// is not walked again, as Wolfram keeps evaluated expressions from being re-evaluated.
	epoch uint64

	depth       int
	scratch     []scratchCall // one per depth reached, for Transient builtins
	interrupted atomic.Bool
	ctx         context.Context
	cancelInput atomic.Pointer[context.CancelFunc] // cancels the context of the input under way

	msgSerial int            // counts every message issued, printed or not, for Check
	msgCounts map[string]int // per top-level input, for General::stop
	quiet     int            // > 0 inside Quiet
	userMsgs  map[string]string
	moduleN   int
	// Debug adds the Go stack to Internal::panic messages.
	Debug bool
	// sockets holds the session's sockets.
	sockets *sockets.Registry
	// lastSock is the socket a socket argument named last: a loop of reads or writes finds it
	// without the registry's lock and map (ids are never reused, so it cannot go stale).
	lastSock *sockets.Socket
	// hints are the one-time socket hints given, by socket id and tag.
	hints map[string]bool
	// zmqLink is set by Needs["ZeroMQLink`"]: its names resolve without their context.
	zmqLink bool
	// listeners are the SocketListen listeners, by socket id; async is what socket goroutines
	// tell the evaluator about them; handling is set while RunHandlers runs (builtins_listen.go).
	listeners map[string]*listener
	async     *asyncEvents
	handling  atomic.Bool
	inHandler bool
	// served is the source whose news the handlers served last, and twice is set when they
	// served it twice running; here is the connection a Pause reads itself (hereSource).
	served *sockets.Socket
	twice  bool
	here   *sockets.Socket
	// names is the user's names for Complete, which runs on another goroutine (complete.go).
	names atomic.Pointer[[]string]
	// trace is the queue of what traced sockets report, printed at the safe points; nil until
	// SocketTrace is first called (builtins_trace.go).
	trace *traceQueue
}

// NewSession makes a session that prints Print output and messages to out.
func NewSession(out io.Writer) *Session {
	return &Session{
		symbols:   map[string]*Symbol{},
		out:       out,
		Now:       time.Now,
		rand:      rand.New(rand.NewSource(time.Now().UnixNano())),
		line:      1,
		msgCounts: map[string]int{},
		userMsgs:  map[string]string{},
		ctx:       context.Background(),
		epoch:     1,
		sockets:   sockets.NewRegistry(),
		async:     newAsyncEvents(),
	}
}

// SetOutput changes where Print output and messages go (the terminal's writer, say).
func (s *Session) SetOutput(w io.Writer) { s.out = w }

// Output is where Print output and messages go.
func (s *Session) Output() io.Writer { return s.out }

// Line is the number the next input will get: In[Line].
func (s *Session) Line() int { return s.line }

// Intern returns the symbol called name, creating a session symbol if there is none.
func (s *Session) Intern(name string) *Symbol {
	name = canonicalName(name)
	if sym, ok := systemSymbols[name]; ok {
		return sym
	}
	if sym, ok := s.symbols[name]; ok {
		return sym
	}
	if sym, ok := systemSymbols["ZeroMQLink`"+name]; ok && s.zmqLink {
		return sym
	}
	sym := newSymbol(name)
	s.symbols[name] = sym
	return sym
}

// lookup returns the symbol called name if it exists, without creating it.
func (s *Session) lookup(name string) *Symbol {
	name = canonicalName(name)
	if sym, ok := systemSymbols[name]; ok {
		return sym
	}
	return s.symbols[name]
}

// Interrupt aborts the evaluation under way (Ctrl-C): it ends with $Aborted. It also cancels
// the input's context, which blocking calls (Pause, socket reads) wait on.
func (s *Session) Interrupt() {
	s.interrupted.Store(true)
	if cancel := s.cancelInput.Load(); cancel != nil {
		(*cancel)()
	}
}

// interruptOnDone interrupts the evaluation when ctx is done. The stop function it returns
// waits, if the interrupt has already begun, until it has landed: a Ctrl-C or a deadline that
// arrives just as an evaluation ends must not abort the next one.
func (s *Session) interruptOnDone(ctx context.Context) (stop func() bool) {
	landed := make(chan struct{})
	cancelled := context.AfterFunc(ctx, func() {
		s.interrupted.Store(true)
		close(landed)
	})
	return func() bool {
		if cancelled() {
			return true
		}
		<-landed
		return false
	}
}

// Context is the context of the input being evaluated; blocking builtins watch it.
func (s *Session) Context() context.Context { return s.ctx }

// checkAbort stops the evaluation if it was interrupted.
func (s *Session) checkAbort() {
	if s.interrupted.Load() {
		panic(abortSignal{})
	}
}

// Result is what one top-level input gave.
type Result struct {
	Value Expr // the value (Null for none, $Aborted after Ctrl-C)
	Line  int  // n of In[n] / Out[n]
	// Exit is set when the input called Quit or Exit; Code is the status.
	Exit bool
	Code int
}

// Print reports whether the REPL shows an Out line for the result (it does not for Null).
func (r Result) Print() bool { return r.Value != SymNull && !r.Exit }

// Control-flow signals travel as panics through the evaluator and are caught where Wolfram
// catches them: Return by the definition or loop it leaves, Throw by Catch, abort at the top.
type (
	abortSignal    struct{}
	breakSignal    struct{}
	continueSignal struct{}
	returnSignal   struct{ value Expr }
	throwSignal    struct{ value, tag Expr }
	exitSignal     struct{ code int }
)

// Run evaluates one top-level input: it records In[n] and Out[n], runs the evaluation under
// ctx (cancelling ctx aborts it with $Aborted), and survives any panic with Internal::panic.
func (s *Session) Run(ctx context.Context, n *grammar.Node, source string) (res Result) {
	line := s.line
	s.line++
	input := s.Lower(n)
	for len(s.ins) < line {
		s.ins = append(s.ins, SymNull)
	}
	s.ins[line-1] = input
	res = s.Do(ctx, input, source)
	res.Line = line
	for len(s.outs) < line {
		s.outs = append(s.outs, SymNull)
	}
	s.outs[line-1] = res.Value
	s.publishNames()
	return res
}

// Do evaluates e under ctx without touching In/Out: for -e, ToExpression and tests.
func (s *Session) Do(ctx context.Context, e Expr, source string) Result {
	return s.do(ctx, source, func() Expr { return s.Eval(e) })
}

// do runs body as a top-level evaluation under ctx: cancelling ctx aborts it with $Aborted,
// and a panic or a signal that reaches the top becomes its value.
func (s *Session) do(ctx context.Context, source string, body func() Expr) (res Result) {
	s.interrupted.Store(false)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.cancelInput.Store(&cancel)
	defer s.cancelInput.Store(nil)
	s.epoch++ // In and Out have changed
	s.ctx = ctx
	stop := s.interruptOnDone(ctx)
	defer stop()
	s.depth = 0
	s.quiet = 0
	clear(s.msgCounts)
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		s.depth = 0
		res.Value = s.topLevelSignal(r, source)
		if ex, ok := r.(exitSignal); ok {
			res.Exit, res.Code = true, ex.code
		}
	}()
	res.Value = body()
	return res
}

// topLevelSignal turns a signal that reached the top into the input's value.
func (s *Session) topLevelSignal(r any, source string) Expr {
	switch sig := r.(type) {
	case abortSignal:
		return SymAborted
	case tooDeepSignal:
		s.Message("General", "deep", Int(maxWalkDepth))
		return SymAborted
	case exitSignal:
		return SymNull
	case returnSignal:
		// Return[x] outside any function or loop stays as it is, as in Wolfram
		return NewNormal(sys("Return"), sig.value)
	case throwSignal:
		th := NewNormal(sys("Throw"), sig.value)
		if sig.tag != nil {
			th.Args = append(th.Args, sig.tag)
		}
		s.Message("Throw", "nocatch", th)
		return NewNormal(SymHold, th)
	case breakSignal:
		s.Message("Break", "nofwd", NewNormal(sys("Break")))
		return NewNormal(SymHold, NewNormal(sys("Break")))
	case continueSignal:
		s.Message("Continue", "nofwd", NewNormal(sys("Continue")))
		return NewNormal(SymHold, NewNormal(sys("Continue")))
	}
	// A Go panic: a bug, reported with the input that caused it; the session goes on.
	src := strings.TrimSpace(source)
	if len(src) > 200 {
		src = src[:200] + "…"
	}
	text := fmt.Sprintf("Internal::panic: %v while evaluating %s", r, src)
	if s.Debug {
		text += "\n" + string(debug.Stack())
	}
	s.printLine(text)
	return SymFailed
}

// printLine writes one line of output (Print, messages) to the session's stream.
func (s *Session) printLine(line string) {
	io.WriteString(s.out, line+"\n")
}

// Out returns Out[n], or Null when there is none.
func (s *Session) outAt(n int) (Expr, bool) {
	if n < 1 || n > len(s.outs) {
		return nil, false
	}
	return s.outs[n-1], true
}

// Sleep waits d or until the evaluation is interrupted, whichever is first. It is a safe
// point: listeners' handlers run meanwhile.
func (s *Session) Sleep(d time.Duration) {
	s.waitSafely(max(d, 0), func(ctx context.Context, d time.Duration) (bool, error) {
		if src := s.hereSource(); src != nil {
			arrived, err := src.WaitHere(ctx, d)
			switch {
			case !arrived:
				return err == nil, err
			case s.async.any():
				return false, errNews // its handlers run, and the wait goes on
			}
			// what was there was handled already (the end): wait the usual way, the
			// connection given back so that what comes is announced
			s.releaseHere()
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return true, nil
		case <-ctx.Done():
			return false, ctx.Err()
		}
	})
	if s.ctx.Err() != nil {
		s.interrupted.Store(true) // ctx's AfterFunc may not have run yet
	}
	s.checkAbort()
}

// setOwn gives sym a value (nil: none), as every assignment does.
func (s *Session) setOwn(sym *Symbol, v Expr) {
	sym.own = v
	s.epoch++
}

// changed records a change to definitions, attributes or messages.
func (s *Session) changed() { s.epoch++ }
