package eval

import (
	"bytes"
	"context"
	"strings"
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
