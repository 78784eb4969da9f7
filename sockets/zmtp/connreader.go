package zmtp

import (
	"io"
	"sync"
)

// connReader buffers what a connection reads: a small buffer of its own while the peer sends
// little, a large one from a pool while it streams. A quiet connection blocks in its read
// holding only the small one, so that ten thousand idle peers cost little, while a busy one
// takes many frames per read call.
type connReader struct {
	src   io.Reader
	buf   []byte // small[:] or *big
	r, w  int    // buf[r:w] is read and not yet taken
	err   error
	small [smallRead]byte
	big   *[]byte
}

const (
	smallRead = 512
	bigRead   = 64 << 10
)

var bigReads = sync.Pool{New: func() any { b := make([]byte, bigRead); return &b }}

func newConnReader(src io.Reader) *connReader {
	c := &connReader{src: src}
	c.buf = c.small[:]
	return c
}

// fill reads more once everything read has been taken. A read that filled the small buffer
// means the peer is streaming: the next reads take the large one; a read of no more than the
// small buffer's size on the large one means it has gone quiet: the large one goes back.
func (c *connReader) fill() error {
	if c.err != nil {
		return c.err
	}
	c.r, c.w = 0, 0
	for {
		n, err := c.src.Read(c.buf)
		c.w = n
		switch {
		case c.big == nil && n == len(c.buf):
			c.grow()
		case c.big != nil && n <= smallRead:
			c.shrink()
		}
		if err != nil {
			c.err = err
			if n > 0 {
				return nil
			}
			return err
		}
		if n > 0 {
			return nil
		}
	}
}

// grow moves to the large buffer, keeping what is unread.
func (c *connReader) grow() {
	c.big = bigReads.Get().(*[]byte)
	n := copy(*c.big, c.buf[c.r:c.w])
	c.buf, c.r, c.w = *c.big, 0, n
}

// shrink moves back to the small buffer, keeping what is unread (at most smallRead bytes).
func (c *connReader) shrink() {
	n := copy(c.small[:], c.buf[c.r:c.w])
	bigReads.Put(c.big)
	c.big = nil
	c.buf, c.r, c.w = c.small[:], 0, n
}

// release gives the large buffer back: the connection has ended.
func (c *connReader) release() {
	if c.big != nil {
		bigReads.Put(c.big)
		c.big = nil
		c.buf, c.r, c.w = c.small[:], 0, 0
	}
}

func (c *connReader) ReadByte() (byte, error) {
	if c.r == c.w {
		if err := c.fill(); err != nil {
			return 0, err
		}
	}
	b := c.buf[c.r]
	c.r++
	return b, nil
}

// Read takes what is buffered; with nothing buffered, a read as large as the buffer goes
// straight into p.
func (c *connReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if c.r == c.w {
		if c.err != nil {
			return 0, c.err
		}
		if len(p) >= len(c.buf) {
			n, err := c.src.Read(p)
			if err != nil {
				c.err = err
			}
			return n, err
		}
		if err := c.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, c.buf[c.r:c.w])
	c.r += n
	return n, nil
}

// Buffered is how many bytes have been read and not yet taken.
func (c *connReader) Buffered() int { return c.w - c.r }

// wait waits until at least one byte is buffered.
func (c *connReader) wait() error {
	if c.r < c.w {
		return nil
	}
	return c.fill()
}
