package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socketrepl/socketrepl/eval"
	"github.com/socketrepl/socketrepl/grammar"
)

// clock is the session clock; the golden tests fix it so that dates in transcripts are stable.
var clock = time.Now

// errInterrupt is Ctrl-C at a prompt: the partial input is thrown away.
var errInterrupt = errors.New("interrupt")

// lineSource gives lines of input: readline on a terminal, a plain reader otherwise.
type lineSource interface {
	// Next returns the next line without its line ending; io.EOF at the end, errInterrupt
	// when Ctrl-C was pressed at the prompt.
	Next(prompt string) (string, error)
	// Save records a complete input in the history (a no-op without one).
	Save(input string)
	Close()
}

// run is the whole program, callable in-process by tests: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, code, done := parseFlags(args, stderr)
	if done {
		return code
	}
	if o.check {
		return checkScripts(ctx, o.files, stdout, stderr)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)

	r := &repl{out: stdout, sigs: sigs, ctx: ctx}
	r.sess = eval.NewSession(stdout)
	if o.mask {
		m := newMasker(stdout, r.sess.SocketPorts)
		defer m.Flush()
		r.out = m
		r.sess.SetOutput(m)
	}
	if o.record != "" {
		rec, err := newRecorder(o.record, r.sess.SocketPorts, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "socketrepl: %v\n", err)
			return exitUsage
		}
		defer rec.Close() // after the sockets have closed, which may print: defers run last first
		r.rec = rec
	}
	r.sess.Now = clock
	r.sess.Debug = o.debug
	defer r.sess.CloseSockets() // after the evaluator has stopped: defers run last first
	r.evalCh = make(chan job)
	terminal := !o.hasCode && len(o.files) == 0 && !o.transcript && isTerminal(stdin) && isTerminal(stdout)
	var idle <-chan struct{} // on a terminal, handlers run while the prompt is idle
	if terminal {
		idle = r.sess.Wake()
	}
	go r.evaluator(idle)
	defer func() {
		r.interruptIdleWait()
		close(r.evalCh)
	}()

	switch {
	case o.hasCode:
		r.showOut = o.transcript
		r.echo = o.transcript
		return r.loop(&stringLines{lines: strings.Split(o.code, "\n")}, "-e")
	case len(o.files) > 0:
		status := exitOK
		for _, name := range o.files {
			f, err := os.Open(name)
			if err != nil {
				fmt.Fprintf(stderr, "socketrepl: %v\n", err)
				return exitUsage
			}
			r.showOut, r.echo = o.transcript, o.transcript
			src := newPipeLines(f, sigs)
			status = r.loop(src, name)
			src.Close()
			f.Close()
			if status != exitOK && status != exitSyntax {
				return status
			}
		}
		return status
	case terminal:
		src, err := newTTYLines(o, r.sess.Complete, r.interruptHandlers)
		if err != nil {
			fmt.Fprintf(stderr, "socketrepl: %v\n", err)
			return exitUsage
		}
		defer src.Close()
		r.interactive, r.showOut = true, true
		r.out = src.Stdout()
		r.sess.SetOutput(r.out)
		return r.loop(src, "In")
	default:
		r.showOut, r.echo = o.transcript, o.transcript
		src := newPipeLines(stdin, sigs)
		defer src.Close()
		return r.loop(src, "stdin")
	}
}

type repl struct {
	ctx         context.Context
	sess        *eval.Session
	out         io.Writer
	sigs        chan os.Signal
	evalCh      chan job
	interactive bool                               // a terminal: Ctrl-C aborts the input and the session goes on
	idleCancel  atomic.Pointer[context.CancelFunc] // stops handlers running while the prompt is idle
	idleWait    atomic.Pointer[context.CancelFunc] // ends the evaluator's wait at the idle prompt (waitIdleHere)
	inputComing atomic.Bool                        // an input is being handed to the evaluator
	showOut     bool                               // print In/Out numbering (terminal, transcript); else bare results
	echo        bool                               // print In[n]:= and the input (transcript)
	rec         *recorder                          // --record: the session's inputs and transcript go to files too (record.go)
}

// job is one input handed to the evaluator goroutine; a job without a node runs the
// listeners' handlers of what has arrived (the safe point between inputs).
type job struct {
	ctx   context.Context
	node  *grammar.Node
	src   string
	reply chan eval.Result
}

// evaluator is the one goroutine that evaluates: only it touches the session's state. On a
// terminal it also runs the listeners' handlers while the prompt is idle: their output goes
// through readline's writer, which redraws the prompt and the half-typed line under it.
func (r *repl) evaluator(idle <-chan struct{}) {
	for {
		select {
		case j, ok := <-r.evalCh:
			if !ok {
				return
			}
			if j.node == nil {
				r.sess.RunHandlers(j.ctx)
				j.reply <- eval.Result{Value: eval.SymNull}
				continue
			}
			j.reply <- r.sess.Run(j.ctx, j.node, j.src)
		case <-idle:
			r.idleHandlers()
			for r.waitIdleHere() {
				r.idleHandlers()
			}
			r.sess.ReleaseIdle()
		}
	}
}

// idleHandlers runs the handlers of what has arrived while the prompt is idle; Ctrl-C stops
// the one under way (interruptHandlers).
func (r *repl) idleHandlers() {
	ctx, cancel := context.WithCancel(r.ctx)
	r.idleCancel.Store(&cancel)
	r.sess.RunHandlers(ctx)
	r.idleCancel.Store(nil)
	cancel()
}

// waitIdleHere waits at the idle prompt for the next message of the conversation the handlers
// are serving, reading its connection on this goroutine as a Pause would (Session.WaitIdle),
// so that it wakes the evaluator directly; true when there is news to handle. An input on its
// way ends the wait (interruptIdleWait): the flag and the cancel function are each set before
// the other is looked at, so that one side always sees the other.
func (r *repl) waitIdleHere() bool {
	ctx, cancel := context.WithCancel(r.ctx)
	defer cancel()
	r.idleWait.Store(&cancel)
	defer r.idleWait.Store(nil)
	if r.inputComing.Load() {
		return false
	}
	return r.sess.WaitIdle(ctx)
}

// interruptIdleWait ends the evaluator's wait at the idle prompt: an input is coming (or the
// session is ending) and the evaluator must take it.
func (r *repl) interruptIdleWait() {
	r.inputComing.Store(true)
	if cancel := r.idleWait.Load(); cancel != nil {
		(*cancel)()
	}
}

// interruptHandlers is Ctrl-C typed at the prompt: while handlers run between inputs it stops
// the one under way and reports true (the key is then not the prompt's: the half-typed line
// stays); otherwise false.
func (r *repl) interruptHandlers() bool {
	if !r.sess.Handling() {
		return false
	}
	if cancel := r.idleCancel.Load(); cancel != nil {
		(*cancel)()
	}
	return true
}

// loop reads complete inputs and evaluates them until the input ends, Quit[] is called, or
// Ctrl-C stops a script. It returns the exit status.
func (r *repl) loop(src lineSource, name string) int {
	status := exitOK
	for {
		prompt := fmt.Sprintf("In[%d]:= ", r.sess.Line())
		input, firstLine, err := r.readInput(src, prompt)
		switch {
		case errors.Is(err, errInterrupt):
			if !r.interactive {
				return exitInterrupted
			}
			continue
		case err == io.EOF && grammar.Blank(input):
			return status
		case err != nil && err != io.EOF:
			fmt.Fprintf(r.out, "socketrepl: %v\n", err)
			return exitUsage
		}
		if grammar.Blank(input) {
			continue
		}
		src.Save(input)
		r.rec.begin(r.sess, input)
		if r.echo {
			r.printEcho(prompt, input)
		}
		place := name
		if r.interactive {
			place = fmt.Sprintf("In[%d]", r.sess.Line())
		}
		text := input
		if q, ok := informationQuery(input); ok {
			text = q // ?Name and ??Name
		}
		node, perr := grammar.ParseChunk(name, firstLine, text)
		if perr != nil {
			var se *grammar.SyntaxError
			if errors.As(perr, &se) {
				fmt.Fprintln(r.out, se.Render(place))
			} else {
				fmt.Fprintln(r.out, "Syntax::sntx:", perr)
			}
			if !r.interactive {
				status = exitSyntax
			}
			r.rec.drop()
			if err == io.EOF {
				return status
			}
			continue
		}
		res, interrupted := r.evaluate(node, input)
		r.rec.end(input, res, interrupted)
		if interrupted && r.interactive {
			// the terminal echoed ^C where the cursor was
			fmt.Fprintln(r.out)
		}
		if res.Exit {
			return res.Code
		}
		if res.Print() {
			if r.showOut {
				fmt.Fprintf(r.out, "Out[%d]= %s\n", res.Line, eval.OutputForm(res.Value))
			} else {
				fmt.Fprintln(r.out, eval.OutputForm(res.Value))
			}
		}
		if interrupted && !r.interactive {
			return exitInterrupted
		}
		if !r.interactive {
			// the safe point between inputs: listeners' handlers run (a terminal runs them
			// whenever its prompt is idle)
			if _, interrupted := r.evaluate(nil, ""); interrupted {
				return exitInterrupted
			}
		}
		if err == io.EOF {
			return status
		}
	}
}

// readInput reads lines until they form a complete input (grammar.NeedsMore decides), and
// returns it with the number of its first line in the file.
func (r *repl) readInput(src lineSource, prompt string) (string, int, error) {
	var b strings.Builder
	first := 0
	cont := strings.Repeat(" ", len(prompt))
	p := prompt
	for {
		line, err := src.Next(p)
		if err != nil {
			if errors.Is(err, errInterrupt) {
				return "", 0, err
			}
			return b.String(), first, err
		}
		if first == 0 {
			first = 1
			if numbered, ok := src.(interface{ LineNumber() int }); ok {
				first = numbered.LineNumber()
			}
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line)
		if grammar.Blank(b.String()) {
			// skip blank lines and lone comments before an input
			if !grammar.NeedsMore(b.String()) {
				b.Reset()
				first = 0
			}
			continue
		}
		if isInformationQuery(b.String()) || !grammar.NeedsMore(b.String()) {
			return b.String(), first, nil
		}
		p = cont
	}
}

// printEcho prints In[n]:= and the input, continuation lines indented under the first.
func (r *repl) printEcho(prompt, input string) { writeEcho(r.out, prompt, input) }

// evaluate hands the input to the evaluator goroutine and waits, turning Ctrl-C (SIGINT)
// into an abort of this input only. It reports whether Ctrl-C was pressed.
func (r *repl) evaluate(node *grammar.Node, src string) (eval.Result, bool) {
	// a Ctrl-C that arrived between inputs must not abort this one
	for len(r.sigs) > 0 {
		<-r.sigs
	}
	ctx, cancel := context.WithCancel(r.ctx)
	defer cancel()
	reply := make(chan eval.Result, 1)
	// the evaluator may be busy with handlers (the idle prompt's): Ctrl-C stops those
	r.interruptIdleWait()
	for sent := false; !sent; {
		select {
		case r.evalCh <- job{ctx: ctx, node: node, src: src, reply: reply}:
			sent = true
		case <-r.sigs:
			r.interruptHandlers()
		}
	}
	r.inputComing.Store(false)
	interrupted := false
	for {
		select {
		case res := <-reply:
			return res, interrupted
		case <-r.sigs:
			interrupted = true
			cancel()
		}
	}
}

// pipeLines reads lines from a script or pipe: no prompt, no line-length cap, CRLF accepted,
// and never readline (which would run the completer on tabs and record piped lines as history).
// A goroutine reads ahead so that Ctrl-C is seen even while stdin has nothing to give.
type pipeLines struct {
	lines     chan pipeLine
	done      chan struct{}
	interrupt <-chan os.Signal
	line      int // the number of the line last read
}

type pipeLine struct {
	text string
	err  error
}

func newPipeLines(r io.Reader, interrupt <-chan os.Signal) *pipeLines {
	p := &pipeLines{lines: make(chan pipeLine), done: make(chan struct{}), interrupt: interrupt}
	go func() {
		br := bufio.NewReaderSize(r, 64*1024)
		for {
			text, err := br.ReadString('\n')
			if err != nil && (err != io.EOF || text == "") {
				select {
				case p.lines <- pipeLine{err: err}:
				case <-p.done:
				}
				return
			}
			text = strings.TrimSuffix(text, "\n")
			text = strings.TrimSuffix(text, "\r")
			select {
			case p.lines <- pipeLine{text: text}:
			case <-p.done:
				return
			}
		}
	}()
	return p
}

func (p *pipeLines) Next(string) (string, error) {
	select {
	case l := <-p.lines:
		if l.err != nil {
			return "", l.err
		}
		p.line++
		return l.text, nil
	case <-p.interrupt:
		return "", errInterrupt
	}
}

// stringLines gives the lines of -e code: nothing to wait for, so no goroutine and no
// interrupt to watch (Ctrl-C during evaluation is handled as for any input).
type stringLines struct {
	lines []string
	line  int
}

func (l *stringLines) Next(string) (string, error) {
	if l.line >= len(l.lines) {
		return "", io.EOF
	}
	l.line++
	return strings.TrimSuffix(l.lines[l.line-1], "\r"), nil
}

func (l *stringLines) LineNumber() int { return l.line }
func (l *stringLines) Save(string)     {}
func (l *stringLines) Close()          {}

// LineNumber is the number of the line last read, for error positions in files.
func (p *pipeLines) LineNumber() int { return p.line }

func (p *pipeLines) Save(string) {}

// Close stops the reading goroutine.
func (p *pipeLines) Close() { close(p.done) }

// masker rewrites the parts of a transcript that vary between runs, line by line as they are
// written, so that golden transcripts compare exactly: socket UUIDs (and the start of one in a
// socket's summary) become UUID1, UUID2, … and the ports the session's sockets used PORT1,
// PORT2, …, numbered in order of appearance; the time that begins a trace line (SocketTrace)
// becomes HH:MM:SS.mmm. It is the one place where masking happens.
type masker struct {
	mu      sync.Mutex
	w       io.Writer
	partial []byte
	ports   func() map[int]int // port -> how many times the system chose it afresh
	uuids   map[string]int     // keyed by the first 8 hex digits
	portN   map[string]int     // keyed by port and use: a port reused by a later socket is new
}

func newMasker(w io.Writer, ports func() map[int]int) *masker {
	return &masker{w: w, ports: ports, uuids: map[string]int{}, portN: map[string]int{}}
}

var (
	uuidPattern   = regexp.MustCompile(`\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|· ([0-9a-f]{8})»`)
	numberPattern = regexp.MustCompile(`\b[0-9]{1,5}\b`)
	// trace: a trace line begins with its time and the socket's tag
	traceTimePattern = regexp.MustCompile(`(?m)^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} «`)
)

func (m *masker) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.partial = append(m.partial, p...)
	end := bytes.LastIndexByte(m.partial, '\n')
	if end < 0 {
		return len(p), nil
	}
	text := m.mask(string(m.partial[:end+1]))
	m.partial = append(m.partial[:0], m.partial[end+1:]...)
	_, err := io.WriteString(m.w, text)
	return len(p), err
}

// Flush writes a last line that has no newline.
func (m *masker) Flush() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.partial) > 0 {
		io.WriteString(m.w, m.mask(string(m.partial)))
		m.partial = nil
	}
}

func (m *masker) mask(s string) string {
	s = traceTimePattern.ReplaceAllLiteralString(s, "HH:MM:SS.mmm «") // trace
	s = uuidPattern.ReplaceAllStringFunc(s, func(id string) string {
		key, summary := id[:8], false
		if strings.HasPrefix(id, "·") {
			key, summary = strings.TrimSuffix(strings.TrimPrefix(id, "· "), "»"), true
		}
		n, ok := m.uuids[key]
		if !ok {
			n = len(m.uuids) + 1
			m.uuids[key] = n
		}
		if summary {
			return fmt.Sprintf("· UUID%d»", n)
		}
		return fmt.Sprintf("UUID%d", n)
	})
	ports := m.ports()
	if len(ports) == 0 {
		return s
	}
	return numberPattern.ReplaceAllStringFunc(s, func(num string) string {
		port, _ := strconv.Atoi(num)
		uses, ok := ports[port]
		if !ok {
			return num
		}
		key := num + "#" + strconv.Itoa(uses)
		n, ok := m.portN[key]
		if !ok {
			n = len(m.portN) + 1
			m.portN[key] = n
		}
		return fmt.Sprintf("PORT%d", n)
	})
}
