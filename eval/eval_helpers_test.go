package eval

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/grammar"
)

// run evaluates each input in a fresh session, as the REPL would, and returns what the session
// printed (messages, Print) followed by the OutputForm of the last result.
func run(t *testing.T, inputs ...string) string {
	t.Helper()
	var out bytes.Buffer
	s := NewSession(&out)
	s.Now = func() time.Time { return time.Date(2026, 11, 25, 15, 4, 5, 0, time.UTC) }
	var last Result
	for _, in := range inputs {
		n, err := grammar.Parse(in)
		if err != nil {
			t.Fatalf("parse %q: %v", in, err)
		}
		last = s.Run(context.Background(), n, in)
	}
	return out.String() + OutputForm(last.Value)
}

type evalCase struct {
	in   string
	want string // printed output and the OutputForm of the result
}

// checkEval runs table cases: each input is evaluated in its own session.
func checkEval(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, c := range cases {
		got := run(t, c.in)
		if strings.TrimSpace(got) != strings.TrimSpace(c.want) {
			t.Errorf("%s\n got: %s\nwant: %s", c.in, got, c.want)
		}
	}
}

// lockedBuffer is a session's output, which the test reads while another goroutine may write.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// take returns what was written since the last take.
func (b *lockedBuffer) take() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	b.buf.Reset()
	return s
}
