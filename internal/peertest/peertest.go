// Package peertest starts the real peers that tests talk to (Debian's python3 with its zmq
// module, ncat, curl, …) and applies the project's rule for a missing one: under CI=true the
// test fails, elsewhere it skips and says why.
package peertest

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// Python is Debian's python3: the one that has python3-zmq (DESIGN.md, Tests).
const Python = "/usr/bin/python3"

// Missing fails the test under CI=true and skips it elsewhere, saying which peer is missing.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("a real peer the tests need is missing under CI: "+format, args...)
	}
	t.Skipf("real peer missing (.ci/run installs it): "+format, args...)
}

// NeedProgram returns the path of program, or fails or skips the test when it is missing.
func NeedProgram(t testing.TB, program string) string {
	t.Helper()
	path, err := exec.LookPath(program)
	if err != nil {
		Missing(t, "%s: %v", program, err)
	}
	return path
}

// NeedPython fails or skips the test when Debian's python3 (Python) is missing.
func NeedPython(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(Python); err != nil {
		Missing(t, "%s: %v", Python, err)
	}
}

var (
	zmqOnce sync.Once
	zmqErr  error
)

// NeedPyZMQ fails or skips the test when Debian's python3 cannot import zmq (python3-zmq).
func NeedPyZMQ(t testing.TB) {
	t.Helper()
	zmqOnce.Do(func() {
		out, err := exec.Command(Python, "-c", "import zmq").CombinedOutput()
		if err != nil {
			zmqErr = &exec.Error{Name: Python + " -c 'import zmq' (" + strings.TrimSpace(string(out)) + ")", Err: err}
		}
	})
	if zmqErr != nil {
		Missing(t, "libzmq through python3-zmq: %v", zmqErr)
	}
}

// ScaleToFileLimit is how many connections a test that wants n, each taking perConn of this
// process's descriptors with spare more besides, can open under the file limit: n, or fewer,
// said in the test's log (DESIGN.md: such tests scale to the limit and say so).
func ScaleToFileLimit(t testing.TB, n, perConn, spare int) int {
	t.Helper()
	if lim, ok := FileLimit(); ok && lim < perConn*n+spare {
		scaled := (lim - spare) / perConn
		t.Logf("scaled down to %d connections: the file limit is %d", scaled, lim)
		return scaled
	}
	return n
}

// Proc is a peer process whose standard output the test reads line by line.
type Proc struct {
	cmd    *exec.Cmd
	out    *bufio.Reader
	stderr Buffer
}

// StartPython runs script under Debian's python3 with args; the process is killed when the
// test ends or ctx is done.
func StartPython(t testing.TB, ctx context.Context, script string, args ...string) *Proc {
	t.Helper()
	NeedPython(t)
	p := &Proc{cmd: exec.CommandContext(ctx, Python, append([]string{"-c", script}, args...)...)}
	p.cmd.WaitDelay = 2 * time.Second
	p.cmd.Stderr = &p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.out = bufio.NewReader(stdout)
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", Python, err)
	}
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		p.cmd.Wait()
	})
	return p
}

// Line reads the next line the peer prints, failing the test if there is none.
func (p *Proc) Line(t testing.TB) string {
	t.Helper()
	s, err := p.out.ReadString('\n')
	if err != nil {
		p.cmd.Wait()
		t.Fatalf("the peer printed %q, then %v; its stderr: %s", s, err, p.stderr.String())
	}
	return strings.TrimSuffix(s, "\n")
}

// Wait reads and drops what the peer still prints, waits for it to exit, and gives its
// standard error and its error.
func (p *Proc) Wait() (string, error) {
	io.Copy(io.Discard, p.out)
	err := p.cmd.Wait()
	return p.stderr.String(), err
}

// Buffer collects a process's output while the test reads it: its methods are safe to call
// from several goroutines.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String is everything written so far.
func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
