package zmtp

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// traceLog collects what a TraceFunc sees, as text: "in a|bc", "out PONG:…".
type traceLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *traceLog) fn(out bool, frames [][]byte, command string) {
	dir := "in"
	if out {
		dir = "out"
	}
	var parts []string
	for _, f := range frames {
		parts = append(parts, string(f))
	}
	line := dir + " " + strings.Join(parts, "|")
	if command != "" {
		line = fmt.Sprintf("%s %s:%q", dir, command, frames[0])
	}
	l.mu.Lock()
	l.lines = append(l.lines, line)
	l.mu.Unlock()
}

// waitFor waits until the log holds n lines and gives them.
func (l *traceLog) waitFor(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		l.mu.Lock()
		got := append([]string(nil), l.lines...)
		l.mu.Unlock()
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(time.Millisecond)
	}
}

// A traced connection shows each message read and written with its frames, and the commands
// both ways (a PING read, its PONG written); a message written is traced before its bytes
// leave. SetTrace(nil) stops it.
func TestTraceSeesMessagesAndCommands(t *testing.T) {
	for _, lockstep := range []bool{false, true} {
		t.Run(fmt.Sprintf("lockstep=%v", lockstep), func(t *testing.T) {
			a, peer := tcpPair(t)
			log := &traceLog{}
			c := Start(a, Peer{Type: "PAIR"}, Config{Trace: log.fn, Lockstep: lockstep})
			t.Cleanup(func() { c.Close(0) })
			var wire []byte
			wire = AppendFrame(wire, []byte("a"), true)
			wire = AppendFrame(wire, []byte("bc"), false)
			wire = AppendCommand(wire, "PING", []byte{0, 0, 'x'})
			if _, err := peer.Write(wire); err != nil {
				t.Fatal(err)
			}
			// the PONG goes out before the message sent after it is read
			log.waitFor(t, 3)
			c.Send([][]byte{[]byte("hi")})
			got := log.waitFor(t, 4)
			want := []string{`in a|bc`, `in PING:"\x00\x00x"`, `out PONG:"x"`, `out hi`}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("traced:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			// the peer gets what the trace said was sent
			buf := make([]byte, 64)
			peer.SetReadDeadline(time.Now().Add(10 * time.Second))
			for seen := ""; !strings.Contains(seen, "hi"); {
				n, err := peer.Read(buf)
				if err != nil {
					t.Fatalf("the peer read %q, then %v", seen, err)
				}
				seen += string(buf[:n])
			}
			c.SetTrace(nil)
			c.Send([][]byte{[]byte("quiet")})
			for seen := ""; !strings.Contains(seen, "quiet"); {
				n, err := peer.Read(buf)
				if err != nil {
					t.Fatalf("the peer read %q, then %v", seen, err)
				}
				seen += string(buf[:n])
			}
			peer.Write(AppendFrame(nil, []byte("unseen"), false))
			for deadline := time.Now().Add(10 * time.Second); c.Pending() == 0; {
				if time.Now().After(deadline) {
					t.Fatal("the message sent after SetTrace(nil) did not arrive")
				}
				time.Sleep(time.Millisecond)
			}
			if got := log.waitFor(t, 0); len(got) != 4 {
				t.Fatalf("after SetTrace(nil) the trace saw %q", got[4:])
			}
		})
	}
}

// A plain TCP connection (a STREAM socket's peer) traces each piece read and written.
func TestTraceRaw(t *testing.T) {
	a, peer := tcpPair(t)
	log := &traceLog{}
	c := Start(a, Peer{Type: "TCP"}, Config{Trace: log.fn, Raw: true})
	t.Cleanup(func() { c.Close(0) })
	peer.Write([]byte("GET /"))
	log.waitFor(t, 1)
	c.Send([][]byte{[]byte("HTTP/1.0 200 OK")})
	got := log.waitFor(t, 2)
	if strings.Join(got, "\n") != "in GET /\nout HTTP/1.0 200 OK" {
		t.Fatalf("traced %q", got)
	}
}
