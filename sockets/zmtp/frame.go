// Package zmtp is ZeroMQ's wire protocol (23/ZMTP, 37/ZMTP 3.1) for the sockets runtime: the
// handshake (handshake.go, the one file that uses go-zeromq/zmq4), frames (this file) and a
// connection with one reader and one writer goroutine (conn.go). The socket patterns that
// decide which connection a message goes to live in sockets/, above it.
package zmtp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
)

// A frame's flags byte.
const (
	flagMore    = 1
	flagLong    = 2
	flagCommand = 4
)

// Frame is one frame read from a connection.
type Frame struct {
	Body    []byte
	More    bool // another frame of the same message follows
	Command bool
}

// TooLargeError is a frame whose header announces more than the reader accepts; nothing of it
// has been allocated.
type TooLargeError struct{ Size, Max uint64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the peer sent a frame of %d bytes, more than the maximum message size of %d", e.Size, e.Max)
}

// ErrBadFlags is a frame whose flags have reserved bits set.
var ErrBadFlags = errors.New("the peer sent a frame with reserved flag bits set")

// Reader reads frames, refusing any larger than Max before allocating for it.
type Reader struct {
	r   *connReader
	Max uint64
}

// NewReader reads frames from r (buffered here).
func NewReader(r io.Reader, max uint64) *Reader {
	return &Reader{r: newConnReader(r), Max: max}
}

// allocStep is how much of a large frame is allocated ahead of the bytes that fill it: memory
// follows what arrives, not what the header announced.
const allocStep = 1 << 20

// Next reads the next frame.
func (r *Reader) Next() (Frame, error) {
	flags, err := r.r.ReadByte()
	if err != nil {
		return Frame{}, err
	}
	if flags&^(flagMore|flagLong|flagCommand) != 0 {
		return Frame{}, ErrBadFlags
	}
	var size uint64
	if flags&flagLong != 0 {
		var b [8]byte
		if _, err := io.ReadFull(r.r, b[:]); err != nil {
			return Frame{}, unexpected(err)
		}
		size = binary.BigEndian.Uint64(b[:])
	} else {
		b, err := r.r.ReadByte()
		if err != nil {
			return Frame{}, unexpected(err)
		}
		size = uint64(b)
	}
	if size > r.Max {
		return Frame{}, &TooLargeError{Size: size, Max: r.Max}
	}
	if size == 0 {
		// an empty body that holds no block (a delimiter frame, say)
		return Frame{Body: []byte{}, More: flags&flagMore != 0, Command: flags&flagCommand != 0}, nil
	}
	if size <= carveMax {
		if body := r.r.carve(int(size)); body != nil {
			if err := r.r.readFull(body); err != nil {
				return Frame{}, unexpected(err)
			}
			return Frame{Body: body, More: flags&flagMore != 0, Command: flags&flagCommand != 0}, nil
		}
	}
	body := make([]byte, 0, min(size, allocStep))
	for uint64(len(body)) < size {
		if len(body) == cap(body) {
			body = slices.Grow(body, int(min(size-uint64(len(body)), uint64(cap(body)))))
		}
		n, err := r.r.Read(body[len(body):int(min(uint64(cap(body)), size))])
		body = body[:len(body)+n]
		if err != nil && uint64(len(body)) < size {
			return Frame{}, unexpected(err)
		}
	}
	return Frame{Body: body, More: flags&flagMore != 0, Command: flags&flagCommand != 0}, nil
}

// Buffered is how many bytes have been read from the connection and not yet taken.
func (r *Reader) Buffered() int { return r.r.Buffered() }

// messageBuffered reports whether the next message is buffered whole, so that reading it
// will not wait for the peer.
func (r *Reader) messageBuffered() bool { return r.r.messageBuffered() }

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// AppendFrame appends a data frame to dst.
func AppendFrame(dst, body []byte, more bool) []byte {
	return appendFrame(dst, body, more, false)
}

// AppendCommand appends a command frame named name to dst.
func AppendCommand(dst []byte, name string, body []byte) []byte {
	size := 1 + len(name) + len(body)
	dst = appendHeader(dst, size, false, true)
	dst = append(dst, byte(len(name)))
	dst = append(dst, name...)
	return append(dst, body...)
}

func appendFrame(dst, body []byte, more, command bool) []byte {
	return append(appendHeader(dst, len(body), more, command), body...)
}

func appendHeader(dst []byte, size int, more, command bool) []byte {
	var flags byte
	if more {
		flags |= flagMore
	}
	if command {
		flags |= flagCommand
	}
	if size > 255 {
		dst = append(dst, flags|flagLong)
		return binary.BigEndian.AppendUint64(dst, uint64(size))
	}
	return append(dst, flags, byte(size))
}

// errorReason reads an ERROR command's reason (a length byte, then the text).
func errorReason(data []byte) string {
	if len(data) > 0 && int(data[0]) <= len(data)-1 {
		return string(data[1 : 1+int(data[0])])
	}
	return ""
}

// ParseCommand splits a command frame's body into its name and data.
func ParseCommand(body []byte) (name string, data []byte, ok bool) {
	return commandName(body)
}
