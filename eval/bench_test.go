package eval

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/grammar"
)

// benchEval evaluates src b.N times in one session (parsing once), as a REPL user's input.
func benchEval(b *testing.B, src string) {
	s := NewSession(io.Discard)
	n, err := grammar.Parse(src)
	if err != nil {
		b.Fatal(err)
	}
	e := s.Lower(n)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Do(context.Background(), e, src)
	}
}

// The figures: each is compared with CPython doing the same work by bench/run.
func BenchmarkDoAddTo(b *testing.B)      { benchEval(b, "x = 0; Do[x += 1, {10^6}]") }
func BenchmarkTablePower(b *testing.B)   { benchEval(b, "Table[i^2, {i, 10^6}];") }
func BenchmarkFunctionCall(b *testing.B) { benchEval(b, "f[x_] := x + 1; Do[f[i], {i, 10^5}]") }

// pullPushSession is a session with a ZeroMQ PULL, pull, and a PUSH connected to it, push
// (count = 0), and do, which evaluates an input in it; the session's sockets close when the
// benchmark ends.
func pullPushSession(b *testing.B) (*Session, func(string) Expr) {
	s := NewSession(io.Discard)
	b.Cleanup(s.CloseSockets)
	do := func(src string) Expr {
		n, err := grammar.Parse(src)
		if err != nil {
			b.Fatal(err)
		}
		return s.Do(context.Background(), s.Lower(n), src).Value
	}
	do(`pull = SocketOpen[Automatic, {"ZMQ", "Pull"}]; push = SocketConnect[pull]; count = 0;`)
	return s, do
}

// streamer gives a function that sends n 64-byte messages through the session's push as fast
// as it takes them, through the Go API, for a goroutine of its own (the evaluator is busy
// reading); the socket is looked up here, on the evaluator's goroutine.
func streamer(s *Session) func(n int) {
	id, _ := socketID(s.Eval(s.Intern("push")))
	push, _ := s.registry().Get(id)
	msg := [][]byte{[]byte("0123456789012345678901234567890123456789012345678901234567890123")}
	return func(n int) {
		for range n {
			if push.WriteMessage(context.Background(), msg, false) != nil {
				return
			}
		}
	}
}

// BenchmarkListenHandler: a SocketListen handler counting messages that a session's own PUSH
// queued beforehand and that have arrived (so the figure is the handler path alone: taking a
// message, making the event, evaluating the handler). Per op: one message.
func BenchmarkListenHandler(b *testing.B) {
	_, do := pullPushSession(b)
	do(`l = SocketListen[pull, (If[count == 0, t0 = 1]; count++) &];`)
	const chunk = 500 // within the high-water marks: nothing waits
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += chunk {
		b.StopTimer()
		do(`Do[WriteString[push, "0123456789012345678901234567890123456789012345678901234567890123"], {` + itoa(min(chunk, b.N-done)) + `}]`)
		time.Sleep(20 * time.Millisecond) // they arrive; no safe point runs the handler meanwhile
		b.StartTimer()
		do(`While[count < ` + itoa(min(done+chunk, b.N)) + `, Pause[0]]`)
	}
}

// BenchmarkListenStream: the same handler while a PUSH on another goroutine streams the
// messages in as fast as it can, the evaluator pausing as the live-sessions benchmark's session
// does (so the figure includes waking the evaluator for news). Per op: one message.
func BenchmarkListenStream(b *testing.B) {
	s, do := pullPushSession(b)
	do(`l = SocketListen[pull, (If[count == 0, t0 = 1]; count++) &];`)
	send := streamer(s)
	b.ReportAllocs()
	b.ResetTimer()
	go send(b.N)
	do(`While[count < ` + itoa(b.N) + `, Pause[0.001]]`)
}

// BenchmarkReadMessageStream: Do[SocketReadMessage[pull], {n}] while a PUSH on another
// goroutine streams the messages in (the whole-path issue's read figure, in-process). Per op:
// one message.
func BenchmarkReadMessageStream(b *testing.B) {
	s, do := pullPushSession(b)
	send := streamer(s)
	b.ReportAllocs()
	b.ResetTimer()
	go send(b.N)
	do(`Do[SocketReadMessage[pull], {` + itoa(b.N) + `}]`)
}
