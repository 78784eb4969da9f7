package zmtp

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"sync"
)

// connReader buffers what a connection reads: a small buffer of its own while the peer sends
// little, a large one from a pool while it streams. A quiet connection blocks in its read
// holding only the small one, so that ten thousand idle peers cost little, while a busy one
// takes many frames per read call.
//
// While it streams, it also hands out the memory small messages are made of (carve,
// carveList): pieces of shared blocks, so that a message costs no allocation of its own. The
// blocks go with the large buffer: a quiet connection holds none, and its messages are
// allocated one by one, as they come.
type connReader struct {
	src   io.Reader
	buf   []byte // small[:] or *big
	r, w  int    // buf[r:w] is read and not yet taken
	err   error
	small [smallRead]byte
	big   *[]byte

	block []byte   // what is left of the block frame bodies are carved from (nil: none)
	lists [][]byte // likewise for messages' lists of frames
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
			c.keep(err)
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

// shrink moves back to the small buffer, keeping what is unread (at most smallRead bytes),
// and lets the blocks go (the messages carved from them keep what they use).
func (c *connReader) shrink() {
	n := copy(c.small[:], c.buf[c.r:c.w])
	bigReads.Put(c.big)
	c.big = nil
	c.buf, c.r, c.w = c.small[:], 0, n
	c.block, c.lists = nil, nil
}

// release gives the large buffer back: the connection has ended.
func (c *connReader) release() {
	if c.big != nil {
		bigReads.Put(c.big)
		c.big = nil
		c.buf, c.r, c.w = c.small[:], 0, 0
	}
	c.block, c.lists = nil, nil
}

// Carving. A message read from a stream of small ones would cost two allocations (its body
// and its list of frames) that the garbage collector then has to find again; carved from
// blocks, one allocation serves dozens of messages. Each piece is cut with its capacity at
// its length (block[:n:n]), so that appending to one message never writes into the next.
//
// What this costs in memory: a message that is kept holds its whole block, so the blocks are
// small (4 KiB, a list block 3 KiB): a kept message holds at most about a page. What waits in
// a connection's queue is charged against RecvBytes at its length plus frameOverhead per
// frame, which covers its list entry and, but for the tail a block leaves unused (less than
// carveMax of its 4 KiB), its share of a block: the queue's memory stays within what
// RecvBytes allows, give or take those tails and the block being carved.
const (
	carveMax   = 256     // the largest frame body carved; larger ones are allocated alone
	blockSize  = 4 << 10 // a block of frame bodies: at least 16 of the largest carved
	listBlock  = 128     // a block of frame-list entries
	carveLists = 16      // the most frames a carved message has
)

// carve gives n bytes (0 < n <= carveMax) for a frame body from the current block, or nil
// when the connection is quiet (the caller allocates the body on its own then).
func (c *connReader) carve(n int) []byte {
	if c.big == nil {
		return nil
	}
	if len(c.block) < n {
		c.block = make([]byte, blockSize) // the rest of the old one (< carveMax bytes) is left
	}
	b := c.block[:n:n]
	c.block = c.block[n:]
	return b
}

// carveList gives a list of n frames (0 < n <= carveLists) from the current list block, or
// nil when the connection is quiet.
func (c *connReader) carveList(n int) [][]byte {
	if c.big == nil {
		return nil
	}
	if len(c.lists) < n {
		c.lists = make([][]byte, listBlock)
	}
	l := c.lists[:n:n]
	c.lists = c.lists[n:]
	return l
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
				c.keep(err)
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

// readFull fills p, from the buffer when it holds all of p.
func (c *connReader) readFull(p []byte) error {
	if c.w-c.r >= len(p) {
		c.r += copy(p, c.buf[c.r:c.w])
		return nil
	}
	for n := 0; n < len(p); {
		k, err := c.Read(p[n:])
		n += k
		if err != nil && n < len(p) {
			return err
		}
	}
	return nil
}

// Buffered is how many bytes have been read and not yet taken.
func (c *connReader) Buffered() int { return c.w - c.r }

// keep keeps a read's error for the reads after it: the connection has failed or ended. An
// interrupted read (a deadline: a Lockstep caller taking its turn, or Ctrl-C) is not kept.
func (c *connReader) keep(err error) {
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		c.err = err
	}
}

// more reads more of what the peer sends, after what is buffered (moved to the front): for a
// Lockstep caller, which decodes only whole messages. errBufferFull when the large buffer is
// full with part of one message.
func (c *connReader) more() error {
	if c.err != nil {
		return c.err
	}
	if c.r > 0 {
		c.w = copy(c.buf, c.buf[c.r:c.w])
		c.r = 0
	}
	if c.w == len(c.buf) {
		if c.big != nil {
			return errBufferFull
		}
		c.grow()
	}
	n, err := c.src.Read(c.buf[c.w:])
	c.w += n
	if err != nil {
		c.keep(err)
		if n == 0 {
			return err
		}
	}
	return nil
}

// messageBuffered reports whether the next message (its frames up to one without the more
// flag, or a command) is buffered whole: reading it will not wait for the peer.
func (c *connReader) messageBuffered() bool {
	b := c.buf[c.r:c.w]
	for {
		if len(b) < 2 {
			return false
		}
		flags, size, hdr := b[0], uint64(b[1]), 2
		if flags&flagLong != 0 {
			if len(b) < 9 {
				return false
			}
			size, hdr = binary.BigEndian.Uint64(b[1:9]), 9
		}
		if uint64(len(b)-hdr) < size {
			return false
		}
		b = b[hdr+int(size):]
		if flags&flagMore == 0 || flags&flagCommand != 0 {
			return true
		}
	}
}

// wait waits until at least one byte is buffered.
func (c *connReader) wait() error {
	if c.r < c.w {
		return nil
	}
	return c.fill()
}
