package zmtp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"
)

// The reader's hand-over in batches (conn.go's readLoop, deliver, RecvBatch): whole messages
// only, within the high-water marks, in order, and nothing read lost to an error.

func TestMessageBuffered(t *testing.T) {
	frame := func(body string, more bool) []byte { return AppendFrame(nil, []byte(body), more) }
	long := AppendFrame(nil, bytes.Repeat([]byte("l"), 300), false)
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	for _, tc := range []struct {
		name string
		buf  []byte
		want bool
	}{
		{"nothing", nil, false},
		{"a flags byte", []byte{0}, false},
		{"a whole frame", frame("abc", false), true},
		{"an empty frame", frame("", false), true},
		{"a frame cut short", frame("abc", false)[:4], false},
		{"a long frame", long, true},
		{"a long header cut short", long[:5], false},
		{"a long frame cut short", long[:100], false},
		{"two frames of one message", cat(frame("a", true), frame("b", false)), true},
		{"the first of two frames", frame("a", true), false},
		{"the second cut short", cat(frame("a", true), frame("bcd", false)[:3]), false},
		{"a command", AppendCommand(nil, "PING", []byte{0, 1}), true},
		{"a whole message and the start of the next", cat(frame("a", false), frame("b", true)), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newConnReader(nil)
			c.buf = append([]byte(nil), tc.buf...)
			c.r, c.w = 0, len(tc.buf)
			if got := c.messageBuffered(); got != tc.want {
				t.Fatalf("messageBuffered is %v, want %v", got, tc.want)
			}
		})
	}
}

// The reader hands messages over in batches, and the batches keep the high-water marks: what
// waits in the queue and what RecvBatch has taken and not yet read never pass RecvHWM (or
// RecvBytes by more than the one message always let in); a batch takes at most half; and
// every message arrives once, in order.
func TestBatchesKeepTheHighWaterMarks(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"RecvHWM 10", Config{RecvHWM: 10}},
		{"RecvHWM 1", Config{RecvHWM: 1}},
		{"RecvBytes 4000", Config{RecvBytes: 4000}},
		{"no marks", Config{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 3000
			c, peer, arrived := pipeConn(t, tc.cfg)
			go peer.Write(wireOf(0, n))
			maxCost := 0
			for i := 0; i < n; i++ {
				maxCost = max(maxCost, msgCost(testMsg(i)))
			}
			reached := false // the test means something only if the reader met a mark
			held := func() {
				t.Helper()
				c.mu.Lock()
				defer c.mu.Unlock()
				count, bytes := len(c.in)-c.inHead+c.lentN, c.inBytes+c.lentB
				reached = reached || c.full()
				if hwm := tc.cfg.RecvHWM; hwm > 0 && count > hwm {
					t.Fatalf("%d messages held, past the mark of %d", count, hwm)
				}
				if rb := tc.cfg.RecvBytes; rb > 0 && bytes >= rb+maxCost {
					t.Fatalf("%d bytes held, past the mark of %d and one message", bytes, rb)
				}
			}
			var batch [][][]byte
			for i := 0; i < n; {
				held()
				batch = c.RecvBatch(batch[:0])
				if len(batch) == 0 {
					select {
					case <-arrived:
					case <-time.After(10 * time.Second):
						t.Fatalf("message %d did not arrive", i)
					}
					continue
				}
				if hwm := tc.cfg.RecvHWM; hwm > 0 && len(batch) > max(1, hwm/2) {
					t.Fatalf("a batch of %d messages, with a mark of %d", len(batch), hwm)
				}
				for _, msg := range batch {
					if !sameMsg(msg, testMsg(i)) {
						t.Fatalf("message %d arrived as %q", i, msg)
					}
					i++
					time.Sleep(time.Duration(i%2) * time.Microsecond) // let the reader run ahead
					held()
				}
				if i%3 == 0 {
					c.BatchDone() // or not: the next RecvBatch says it too
				}
			}
			if !reached && (tc.cfg.RecvHWM > 0 || tc.cfg.RecvBytes > 0) {
				t.Fatal("the reader never met the mark")
			}
		})
	}
}

// A message whose last frames have not arrived does not hold back the whole messages read
// before it in the same read.
func TestIncompleteMessageDoesNotHoldBackEarlierOnes(t *testing.T) {
	c, peer, arrived := pipeConn(t, Config{})
	wire := append(wireOf(0, 20), AppendFrame(nil, []byte("first of two"), true)...)
	go peer.Write(wire)
	for i := 0; i < 20; i++ {
		if msg := recvWait(t, c, arrived); !sameMsg(msg, testMsg(i)) {
			t.Fatalf("message %d arrived as %q", i, msg)
		}
	}
	go peer.Write(AppendFrame(nil, []byte("second"), false))
	if msg := recvWait(t, c, arrived); fmt.Sprintf("%s", msg) != "[first of two second]" {
		t.Fatalf("the last message arrived as %q", msg)
	}
}

// Messages read before the connection fails are delivered before its end, whatever ended it.
func TestMessagesBeforeAnErrorAreDelivered(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after []byte
		want  error
	}{
		{"the peer closes", nil, io.EOF},
		{"reserved flags", []byte{0x80, 0}, ErrBadFlags},
		{"too large", binary.BigEndian.AppendUint64([]byte{flagLong}, 1<<40), &TooLargeError{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, peer, arrived := pipeConn(t, Config{MaxMsgSize: 1 << 20})
			go func() {
				peer.Write(append(wireOf(0, 50), tc.after...))
				peer.Close()
			}()
			for i := 0; i < 50; i++ {
				if msg := recvWait(t, c, arrived); !sameMsg(msg, testMsg(i)) {
					t.Fatalf("message %d arrived as %q", i, msg)
				}
			}
			<-c.Done()
			var tl *TooLargeError
			if err := c.Err(); err != tc.want && !(errors.As(tc.want, &tl) && errors.As(err, &tl)) {
				t.Fatalf("ended with %v, want %v", err, tc.want)
			}
		})
	}
}
