package main

// --record NAME keeps a live session as NAME.wl (the inputs) and NAME.golden (what it showed,
// masked); --check FILE.wl replays a script and compares it with FILE.golden. The golden tests
// replay and compare with the same functions, so that a recorded session, put in scripts/, is a
// test that passes and fails exactly as --check says.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/socketrepl/socketrepl/eval"
)

// exitDiffers is --check's status when a replay differs from its golden transcript.
const exitDiffers = 1

// recorder writes a session's inputs to NAME.wl and its transcript to NAME.golden, one input
// at a time, so that a crash or a kill loses at most the input under way. The transcript is
// what `socketrepl --transcript --mask NAME.wl` prints: the echo, the session's output and the
// Out line, through a masker of its own (the terminal shows the real ids and ports). Inputs
// that a replay cannot reproduce — those interrupted with Ctrl-C and those that did not parse
// — are left out of both files, and the inputs kept are numbered as the replay numbers them.
type recorder struct {
	mu         sync.Mutex
	wl, golden *os.File
	m          *masker     // masks into pending, as the replay's --mask does
	pending    spillBuffer // masked output not yet in the golden file
	before     maskerState // the masker before the input under way, to forget it if dropped
	inInput    bool        // between begin and end (or drop)
	kept       int         // inputs recorded: the replay numbers them 1, 2, …
	written    int64       // bytes in the golden file
	tapped     bool        // the session's output is copied here
	closed     bool        // the files are closed: at the end, or after a failed write
	warn       io.Writer   // where a failed write is reported; the session goes on unrecorded
}

// recordPaths gives the script and golden paths for --record NAME (NAME.wl also names them).
func recordPaths(name string) (wl, golden string) {
	wl = strings.TrimSuffix(name, ".wl") + ".wl"
	return wl, goldenPath(wl)
}

// newRecorder creates NAME.wl and NAME.golden. It refuses to replace either: a recording is
// often the only copy of an experiment, and a second session under the same name is more
// likely a slip than a wish to lose the first.
func newRecorder(name string, ports func() map[int]int, warn io.Writer) (*recorder, error) {
	wlPath, goldenPath := recordPaths(name)
	for _, p := range []string{wlPath, goldenPath} {
		if _, err := os.Lstat(p); err == nil {
			return nil, fmt.Errorf("--record: %s already exists; remove it or choose another name", p)
		}
	}
	const flags = os.O_WRONLY | os.O_CREATE | os.O_EXCL
	wl, err := os.OpenFile(wlPath, flags, 0o644)
	if err != nil {
		return nil, fmt.Errorf("--record: %w", err)
	}
	golden, err := os.OpenFile(goldenPath, flags, 0o644)
	if err != nil {
		wl.Close()
		os.Remove(wlPath)
		return nil, fmt.Errorf("--record: %w", err)
	}
	rec := &recorder{wl: wl, golden: golden, warn: warn}
	rec.m = newMasker(&rec.pending, ports)
	// a comment, which the replay skips, says what the file is for
	header := fmt.Sprintf("(* recorded with socketrepl --record; socketrepl --check %s replays it against %s *)\n",
		filepath.Base(wlPath), filepath.Base(goldenPath))
	if _, err := io.WriteString(wl, header); err != nil {
		rec.Close()
		return nil, fmt.Errorf("--record: %w", err)
	}
	return rec, nil
}

// tee copies what the session prints (messages, Print output) to the recorder as well.
type tee struct {
	w   io.Writer
	rec *recorder
}

func (t tee) Write(p []byte) (int, error) {
	t.rec.Write(p)
	return t.w.Write(p)
}

// Write takes the session's output, from the evaluator goroutine, at any time.
func (rec *recorder) Write(p []byte) (int, error) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if !rec.closed {
		rec.m.Write(p)
	}
	return len(p), nil
}

// begin starts recording a complete input, before it is parsed. The first call also starts
// copying the session's output: by then every mode has set where that output goes, and nothing
// has been evaluated, so nothing writes to it meanwhile.
func (rec *recorder) begin(sess *eval.Session, input string) {
	if rec == nil {
		return
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.closed {
		return
	}
	if !rec.tapped {
		sess.SetOutput(tee{w: sess.Output(), rec: rec})
		rec.tapped = true
	}
	rec.commit() // what arrived between inputs stays where it was shown
	if rec.closed {
		return
	}
	rec.before = rec.m.save()
	rec.inInput = true
	writeEcho(rec.m, fmt.Sprintf("In[%d]:= ", rec.kept+1), input)
}

// drop forgets the input under way, which no replay would show the same: one that did not
// parse (a replay reports it at another place, with another exit status, and it changed
// nothing), or one that Ctrl-C interrupted (see end).
func (rec *recorder) drop() {
	if rec == nil {
		return
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.closed || !rec.inInput {
		return
	}
	rec.inInput = false
	rec.pending.Reset()
	rec.m.restore(rec.before)
}

// end finishes the input under way. An input that Ctrl-C interrupted is dropped: how far it
// got depends on when the key was pressed, so no replay could show the same. The rest is
// recorded with its Out line, numbered as the replay will number it.
func (rec *recorder) end(input string, res eval.Result, interrupted bool) {
	if rec == nil {
		return
	}
	if interrupted {
		rec.drop()
		return
	}
	out := ""
	if res.Print() {
		out = eval.OutputForm(res.Value)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.closed || !rec.inInput {
		return
	}
	rec.inInput = false
	rec.kept++
	if res.Print() {
		// the loop's Out line, with the replay's number
		fmt.Fprintf(rec.m, "Out[%d]= %s\n", rec.kept, out)
	}
	if _, err := io.WriteString(rec.wl, input+"\n"); err != nil {
		rec.fail(err)
		return
	}
	rec.commit()
}

// commit appends the pending transcript to the golden file.
func (rec *recorder) commit() {
	n, err := rec.pending.WriteTo(rec.golden)
	rec.written += n
	if err != nil {
		rec.fail(err)
	}
}

// fail stops the recording after a write error; the session itself goes on.
func (rec *recorder) fail(err error) {
	fmt.Fprintf(rec.warn, "socketrepl: --record stopped: %v\n", err)
	rec.closeFiles()
}

func (rec *recorder) closeFiles() {
	rec.closed = true
	rec.wl.Close()
	rec.golden.Close()
	rec.pending.Close()
}

// Close writes what the session printed after its last input (sockets closed at exit say so)
// and closes the files. A session that recorded nothing leaves no files behind, so that the
// name is free for the next try.
func (rec *recorder) Close() {
	if rec == nil {
		return
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.closed {
		return
	}
	rec.m.Flush()
	rec.commit()
	if rec.closed { // the commit failed
		return
	}
	rec.closeFiles()
	if rec.kept == 0 && rec.written == 0 {
		os.Remove(rec.wl.Name())
		os.Remove(rec.golden.Name())
	}
}

// spillAt is how much of an input's transcript the recorder holds in memory; beyond it the
// rest waits in a temporary file.
var spillAt int64 = 4 << 20

// spillBuffer holds the transcript of the input under way until the input ends (when it goes
// to the golden file) or is dropped: in memory up to spillAt bytes, then in an unnamed
// temporary file, so that an input that prints for hours before Ctrl-C drops it costs no more
// memory than a short one.
type spillBuffer struct {
	mem  bytes.Buffer
	file *os.File // once spilled; reused for later inputs
	size int64    // bytes held in file
	err  error    // the first failed write to file, reported by WriteTo
}

func (b *spillBuffer) Write(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.size == 0 && int64(b.mem.Len()+len(p)) <= spillAt {
		return b.mem.Write(p)
	}
	if b.file == nil {
		f, err := os.CreateTemp("", "socketrepl-record-*")
		if err != nil {
			b.err = err
			return 0, err
		}
		os.Remove(f.Name()) // it lives while open, and nothing is left behind after a crash
		b.file = f
	}
	if b.size == 0 {
		// what memory held goes first, in order
		if _, err := b.file.Write(b.mem.Bytes()); err != nil {
			b.err = err
			return 0, err
		}
		b.size = int64(b.mem.Len())
		b.mem.Reset()
	}
	n, err := b.file.Write(p)
	b.size += int64(n)
	if err != nil {
		b.err = err
	}
	return n, err
}

// WriteTo writes everything held to w and empties the buffer.
func (b *spillBuffer) WriteTo(w io.Writer) (int64, error) {
	defer b.Reset()
	if b.err != nil {
		return 0, b.err
	}
	if b.size > 0 {
		if _, err := b.file.Seek(0, io.SeekStart); err != nil {
			return 0, err
		}
		return io.Copy(w, io.LimitReader(b.file, b.size))
	}
	n, err := w.Write(b.mem.Bytes())
	return int64(n), err
}

// Reset drops everything held.
func (b *spillBuffer) Reset() {
	b.mem.Reset()
	if b.file != nil {
		b.file.Truncate(0)
		b.file.Seek(0, io.SeekStart)
	}
	b.size, b.err = 0, nil
}

func (b *spillBuffer) Close() {
	if b.file != nil {
		b.file.Close()
	}
}

// writeEcho writes In[n]:= and an input, its continuation lines indented under the first: the
// transcript's echo, for the terminal-less modes and for recordings alike.
func writeEcho(w io.Writer, prompt, input string) {
	cont := strings.Repeat(" ", len(prompt))
	lines := strings.Split(input, "\n")
	var b strings.Builder
	b.WriteString(prompt + lines[0] + "\n")
	for _, l := range lines[1:] {
		b.WriteString(cont + l + "\n")
	}
	io.WriteString(w, b.String())
}

// maskerState is what a masker has numbered so far.
type maskerState struct {
	partial      []byte
	uuids, portN map[string]int
}

func (m *masker) save() maskerState {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maskerState{partial: bytes.Clone(m.partial), uuids: maps.Clone(m.uuids), portN: maps.Clone(m.portN)}
}

// restore takes the masker back to a saved state: ids first seen in a dropped input are
// numbered again when the recording shows them.
func (m *masker) restore(s maskerState) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.partial, m.uuids, m.portN = s.partial, s.uuids, s.portN
}

// ---------------------------------------------------------------- replay and compare

// goldenPath is the transcript that belongs to a script: NAME.golden beside NAME.wl.
func goldenPath(script string) string {
	return strings.TrimSuffix(script, ".wl") + ".golden"
}

// replay runs a script as the golden tests and --check do: --transcript --mask, nothing on
// standard input, output and messages in one stream. It returns what was printed and the exit
// status (130 when Ctrl-C stopped it; when ctx ends, each input still running ends $Aborted).
func replay(ctx context.Context, script string) (string, int) {
	var out bytes.Buffer
	code := run(ctx, []string{"--transcript", "--mask", "--", script}, strings.NewReader(""), &out, &out)
	return out.String(), code
}

// checkScripts is --check: it replays each script and compares it with its golden transcript,
// printing "ok FILE" or what differs, and returns 0 when all match, 1 when one differs, 2 when
// a file is missing and 130 after Ctrl-C.
func checkScripts(ctx context.Context, scripts []string, stdout, stderr io.Writer) int {
	status := exitOK
	for _, script := range scripts {
		if !strings.HasSuffix(script, ".wl") {
			fmt.Fprintf(stderr, "socketrepl: --check: %s does not end in .wl, so no NAME.golden belongs to it\n", script)
			return exitUsage
		}
		golden := goldenPath(script)
		_, err := os.Stat(script)
		var want []byte
		if err == nil {
			want, err = os.ReadFile(golden)
		}
		if err != nil {
			fmt.Fprintf(stderr, "socketrepl: --check: %v\n", err)
			return exitUsage
		}
		got, code := replay(ctx, script)
		if got == string(want) && code != exitInterrupted {
			fmt.Fprintf(stdout, "ok %s\n", script)
			continue
		}
		if code == exitInterrupted {
			fmt.Fprintf(stdout, "FAIL %s: interrupted; the replay so far against %s:\n", script, golden)
		} else {
			fmt.Fprintf(stdout, "FAIL %s: the replay differs from %s\n", script, golden)
		}
		fmt.Fprint(stdout, explainDiff(ctx, script, string(want), got))
		if code == exitInterrupted {
			return exitInterrupted
		}
		status = exitDiffers
	}
	return status
}

// explainDiff is what --check and the golden tests say when a script's replay (got) differs
// from its golden transcript (want): the outside peers it seems to need, then a short diff.
func explainDiff(ctx context.Context, script, want, got string) string {
	var b strings.Builder
	needs := missingPeers(want, got)
	needs = append(needs, silentPeers(ctx, want, got, needs)...)
	for _, need := range needs {
		b.WriteString(need + "\n")
	}
	b.WriteString(transcriptDiff(goldenPath(script), want, script+" (replayed)", got))
	return b.String()
}

// ---------------------------------------------------------------- outside peers

// The messages that mean a peer outside the session is missing, or an address it needs is
// taken: eval's texts for refused and timed-out connections, ZeroMQ handshakes a peer refused,
// addresses in use, and connected ZeroMQ sockets that found no peer to take their messages.
var (
	connectMessage = regexp.MustCompile(`^(\w+::(?:refused|timeout|handshake)): The connection to "?([^"\s]+)"? (?:was refused|timed out)`)
	inUseMessage   = regexp.MustCompile(`^(\w+::addrinuse): The address "?([^"\s]+)"? is already in use`)
	droppedMessage = regexp.MustCompile(`^(Close::dropped): SocketObject\[«ZMQ \w+ · connected tcp://(\S+) ·`)
	echoLine       = regexp.MustCompile(`^In\[(\d+)\]:= `)
)

// missingPeers explains a replay that went differently because of the world outside the
// session: for each such message in got that the golden transcript does not have (one that it
// has too was part of the experiment), a line naming the peer or address and where the
// message came. A connection to a port the session opened itself (ownPorts) was no outside
// peer: when it fails, the message about the open says why.
func missingPeers(want, got string) []string {
	own := ownPorts(want, got)
	expected := map[string]int{}
	for _, l := range strings.Split(want, "\n") {
		expected[l]++
	}
	var needs []string
	seen := map[string]bool{}
	where := "before In[1]"
	for _, l := range strings.Split(got, "\n") {
		if m := echoLine.FindStringSubmatch(l); m != nil {
			where = "at In[" + m[1] + "]"
			continue
		}
		if expected[l] > 0 {
			expected[l]--
			continue
		}
		var need, tag, addr string
		if m := connectMessage.FindStringSubmatch(l); m != nil && !own[port(m[2])] {
			tag, addr = m[1], m[2]
			need = "needs a peer listening at " + addr
			if strings.HasSuffix(tag, "::handshake") {
				need = "needs a ZeroMQ peer of a matching type at " + addr
			}
		} else if m := inUseMessage.FindStringSubmatch(l); m != nil {
			tag, addr = m[1], m[2]
			need = "needs " + addr + " free, but another program is using it"
		} else if m := droppedMessage.FindStringSubmatch(l); m != nil && !own[port(m[2])] {
			tag, addr = m[1], m[2]
			need = "needs a peer listening at " + addr
		} else {
			continue
		}
		if strings.Contains(addr, "PORT") || seen[need] {
			continue
		}
		seen[need] = true
		needs = append(needs, need+" ("+tag+" "+where+")")
	}
	return needs
}

var (
	// the far ends of the connections a transcript's sockets made, as their summaries show them
	connectedTo = regexp.MustCompile(`«(?:TCP client · \S+ → |ZMQ \w+ · connected tcp://)(\S+) · `)
	// the addresses of the servers and bound sockets a transcript shows
	boundAt    = regexp.MustCompile(`«(?:TCP server · |ZMQ \w+ · bound tcp://)(\S+) · `)
	opensPorts = regexp.MustCompile(`\bSocket(?:Open|Listen)\b`)
	portNumber = regexp.MustCompile(`\b[0-9]{1,5}\b`)
)

// port is the port of "host:port".
func port(addr string) string { return addr[strings.LastIndexByte(addr, ':')+1:] }

// ownPorts are the ports the session of these transcripts opened itself, so that a connection
// to one is not mistaken for one to an outside peer: those of the servers and bound sockets
// shown, and every number in an input that opens or listens (a silenced SocketOpen shows no
// summary). Masked ports (PORTn) are the session's by definition.
func ownPorts(transcripts ...string) map[string]bool {
	own := map[string]bool{}
	for _, text := range transcripts {
		for _, m := range boundAt.FindAllStringSubmatch(text, -1) {
			own[port(m[1])] = true
		}
		for _, input := range echoedInputs(text) {
			if opensPorts.MatchString(input) {
				for _, n := range portNumber.FindAllString(input, -1) {
					own[n] = true
				}
			}
		}
	}
	return own
}

// echoedInputs are the inputs a transcript echoes: each In[n]:= line with the continuation
// lines indented under it.
func echoedInputs(text string) []string {
	var inputs []string
	cont := ""
	for _, l := range strings.Split(text, "\n") {
		switch m := echoLine.FindStringSubmatch(l); {
		case m != nil:
			inputs = append(inputs, l)
			cont = strings.Repeat(" ", len(m[0]))
		case cont != "" && strings.HasPrefix(l, cont):
			inputs[len(inputs)-1] += "\n" + l
		default:
			cont = ""
		}
	}
	return inputs
}

// silentPeers finds the outside peers a failed replay may have waited for in vain: a ZeroMQ
// socket connects without complaint when nothing listens (it retries in the background), so
// its replay shows no message, only a read that never ends. For each address the golden
// transcript's sockets connected to — not one of the session's own (ownPorts), not one
// already named in known — it tries a TCP connection, and names those where nothing listens
// now. It runs only after a replay failed, so that the probe cannot disturb a peer that serves
// one connection.
func silentPeers(ctx context.Context, golden, got string, known []string) []string {
	own := ownPorts(golden, got)
	var addrs []string
	seen := map[string]bool{}
	for _, m := range connectedTo.FindAllStringSubmatch(golden, -1) {
		addr := m[1]
		if seen[addr] || strings.Contains(addr, "PORT") || own[port(addr)] || slices.ContainsFunc(known, func(need string) bool {
			return strings.Contains(need, " "+addr+" ")
		}) {
			continue
		}
		seen[addr] = true
		addrs = append(addrs, addr)
	}
	listening := make([]bool, len(addrs))
	var wg sync.WaitGroup
	for i, addr := range addrs {
		wg.Go(func() {
			// the replay may have ended because ctx did; the probe runs all the same
			d := net.Dialer{Timeout: 2 * time.Second}
			if c, err := d.DialContext(context.WithoutCancel(ctx), "tcp", addr); err == nil {
				c.Close()
				listening[i] = true
			}
		})
	}
	wg.Wait()
	var needs []string
	for i, addr := range addrs {
		if !listening[i] {
			needs = append(needs, "needs a peer listening at "+addr+" (the recording connected there; nothing listens there now)")
		}
	}
	return needs
}

// ---------------------------------------------------------------- the diff

// Limits that keep a diff short: what matters is where the transcripts part.
const (
	diffContext  = 3
	diffMaxHunks = 3
	diffMaxLines = 40      // changed and context lines shown, over all hunks
	diffMaxCells = 1 << 20 // the largest line-matching table; beyond it, one block replaces another
	noNewline    = "\\ No newline at end of file\n"
)

// transcriptDiff is a short unified diff from want (the golden transcript) to got (this run):
// the first hunks only, "" when the two are the same.
func transcriptDiff(wantName, want, gotName, got string) string {
	if want == got {
		return ""
	}
	ops := diffLines(splitLines(want), splitLines(got))
	var b strings.Builder
	b.WriteString("--- " + wantName + "\n+++ " + gotName + "\n")
	shown, hunks := 0, 0
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// a hunk: context before, changes and the context between changes that are close
		start := max(i-diffContext, 0)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			next := end
			for next < len(ops) && ops[next].kind == ' ' {
				next++
			}
			if next == len(ops) || next-end > 2*diffContext {
				end = min(end+diffContext, len(ops))
				break
			}
			end = next
		}
		if hunks == diffMaxHunks || shown >= diffMaxLines {
			b.WriteString("… more differences follow\n")
			break
		}
		hunks++
		b.WriteString(hunkHeader(ops[start:end], ops[start]))
		for _, op := range ops[start:end] {
			if shown == diffMaxLines {
				b.WriteString("… more differences follow\n")
				return b.String()
			}
			shown++
			b.WriteString(string(op.kind) + op.line)
			if !strings.HasSuffix(op.line, "\n") {
				b.WriteString("\n" + noNewline)
			}
		}
		i = end
	}
	return b.String()
}

// diffOp is a line kept (' '), removed from the golden ('-') or added in this run ('+'), with
// its line numbers on both sides (the next line's where it has none).
type diffOp struct {
	kind        byte
	line        string
	wantN, gotN int
}

// hunkHeader is the @@ line: each side's first line and count, as unified diffs number them
// (the line before, when a side has no lines in the hunk).
func hunkHeader(hunk []diffOp, first diffOp) string {
	wantCount, gotCount := 0, 0
	for _, op := range hunk {
		if op.kind != '+' {
			wantCount++
		}
		if op.kind != '-' {
			gotCount++
		}
	}
	wantStart, gotStart := first.wantN, first.gotN
	if wantCount == 0 {
		wantStart--
	}
	if gotCount == 0 {
		gotStart--
	}
	return fmt.Sprintf("@@ -%s +%s @@\n", span(wantStart, wantCount), span(gotStart, gotCount))
}

func span(start, count int) string {
	if count == 1 {
		return strconv.Itoa(start)
	}
	return strconv.Itoa(start) + "," + strconv.Itoa(count)
}

// splitLines splits text into lines that keep their "\n"; a last line without one stays so.
func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// diffLines matches the lines of a and b: the common start and end as they are, the middle by
// a longest common subsequence (or, when that table would be too large, as one block of a
// replaced by one block of b).
func diffLines(a, b []string) []diffOp {
	var ops []diffOp
	ai, bi := 0, 0
	emit := func(kind byte, line string) {
		ops = append(ops, diffOp{kind: kind, line: line, wantN: ai + 1, gotN: bi + 1})
		if kind != '+' {
			ai++
		}
		if kind != '-' {
			bi++
		}
	}
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	for _, l := range a[:pre] {
		emit(' ', l)
	}
	x, y := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(x)*len(y) > diffMaxCells {
		for _, l := range x {
			emit('-', l)
		}
		for _, l := range y {
			emit('+', l)
		}
	} else {
		// lcs[i][j] is the length of the longest common subsequence of x[i:] and y[j:]
		w := len(y) + 1
		lcs := make([]int32, (len(x)+1)*w)
		for i := len(x) - 1; i >= 0; i-- {
			for j := len(y) - 1; j >= 0; j-- {
				if x[i] == y[j] {
					lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
				} else {
					lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
				}
			}
		}
		i, j := 0, 0
		for i < len(x) || j < len(y) {
			switch {
			case i < len(x) && j < len(y) && x[i] == y[j]:
				emit(' ', x[i])
				i, j = i+1, j+1
			case j == len(y) || (i < len(x) && lcs[(i+1)*w+j] >= lcs[i*w+j+1]):
				emit('-', x[i])
				i++
			default:
				emit('+', y[j])
				j++
			}
		}
	}
	for _, l := range a[len(a)-suf:] {
		emit(' ', l)
	}
	return ops
}
