//go:build unix

package rawio

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pair is two ends of a loopback TCP connection, closed when the test ends.
func pair(t *testing.T) (a, b *net.TCPConn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got := make(chan net.Conn, 1)
	go func() { c, _ := l.Accept(); got <- c }()
	c, err := net.DialTimeout("tcp", l.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	s := <-got
	if s == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	return c.(*net.TCPConn), s.(*net.TCPConn)
}

// fdOf runs f with c's descriptor.
func fdOf(t *testing.T, c *net.TCPConn, f func(fd int)) {
	t.Helper()
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Control(func(fd uintptr) { f(int(fd)) }); err != nil {
		t.Fatal(err)
	}
}

// Read and Write on a non-blocking socket: EAGAIN when nothing is there, the bytes in order,
// 0 at the peer's end; transfers larger than a raw call takes go through too.
func TestReadWrite(t *testing.T) {
	a, b := pair(t)
	big := bytes.Repeat([]byte("0123456789abcdef"), 6000) // 96,000 bytes: more than rawMax
	fdOf(t, b, func(fd int) {
		if n, err := Read(fd, make([]byte, 10)); err != syscall.EAGAIN {
			t.Errorf("Read with nothing there = %d, %v; want EAGAIN", n, err)
		}
	})
	fdOf(t, a, func(fd int) {
		for _, p := range [][]byte{[]byte("hello"), big} {
			for len(p) > 0 {
				n, err := Write(fd, p)
				if err == syscall.EAGAIN {
					time.Sleep(time.Millisecond)
					continue
				}
				if err != nil {
					t.Fatalf("Write: %v", err)
				}
				p = p[n:]
			}
		}
	})
	a.CloseWrite()
	var got []byte
	fdOf(t, b, func(fd int) {
		buf := make([]byte, 100<<10)
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
			n, err := Read(fd, buf[:1+len(got)%(len(buf)-1)]) // sizes on both sides of rawMax
			switch {
			case err == syscall.EAGAIN:
				time.Sleep(time.Millisecond)
				continue
			case err != nil:
				t.Fatalf("Read: %v", err)
			case n == 0:
				return
			}
			got = append(got, buf[:n]...)
		}
		t.Fatal("no end within 10s")
	})
	if want := append([]byte("hello"), big...); !bytes.Equal(got, want) {
		t.Errorf("read %d bytes, not the %d written", len(got), len(want))
	}
}

// NewReader reads as the connection's own Read: it waits for data, reports the end as io.EOF,
// a deadline as os.ErrDeadlineExceeded, a closed connection as net.ErrClosed and a reset as
// ECONNRESET, with the net package's words ("read tcp …").
func TestReaderAsConn(t *testing.T) {
	a, b := pair(t)
	r := NewReader(b)
	if _, ok := r.(*reader); !ok {
		t.Fatalf("NewReader of a TCP connection gave %T", r)
	}
	go func() { time.Sleep(20 * time.Millisecond); a.Write([]byte("late")) }()
	buf := make([]byte, 10)
	if n, err := r.Read(buf); err != nil || string(buf[:n]) != "late" {
		t.Fatalf("Read = %q, %v", buf[:n], err)
	}

	b.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	_, err := r.Read(buf)
	if !errors.Is(err, os.ErrDeadlineExceeded) || !strings.HasPrefix(err.Error(), "read tcp ") {
		t.Errorf("Read past its deadline: %v", err)
	}
	b.SetReadDeadline(time.Time{})

	a.CloseWrite()
	if n, err := r.Read(buf); n != 0 || err != io.EOF {
		t.Errorf("Read at the end = %d, %v; want 0, io.EOF", n, err)
	}

	c, d := pair(t)
	c.SetLinger(0)
	c.Write([]byte("x"))
	time.Sleep(20 * time.Millisecond)
	c.Close() // with unread data at neither end and linger 0: a reset
	rd := NewReader(d)
	for {
		_, err := rd.Read(buf)
		if err == nil {
			continue // the "x"
		}
		if !errors.Is(err, syscall.ECONNRESET) || !strings.HasPrefix(err.Error(), "read tcp ") {
			t.Errorf("Read after a reset: %v", err)
		}
		break
	}

	d.Close()
	if _, err := rd.Read(buf); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Read of a closed connection: %v", err)
	}
}

// A connection that is not a socket of the system's is read as it is.
func TestReaderOfPipe(t *testing.T) {
	p, q := net.Pipe()
	defer p.Close()
	defer q.Close()
	if r := NewReader(p); r != io.Reader(p) {
		t.Errorf("NewReader of a pipe gave %T", r)
	}
}
