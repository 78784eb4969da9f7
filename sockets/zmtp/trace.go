package zmtp

// Tracing: a connection can show what it reads and writes, message by message, to a function
// its socket sets (a traffic trace, as socat -v gives for TCP). The function sits behind an
// atomic pointer that is nil while tracing is off, so the reader and the writer pay one
// atomic load per message (the writer one per batch) for the possibility, and nothing more.

// TraceFunc sees a message or a command on the connection's goroutine (or a Lockstep caller's)
// as it is read, or before it is written: out says which way; frames are the message's
// frames (for a command, its data as one frame), valid only during the call; command is a
// command's name ("PING", …), "" for a message. It must not block and must copy what it keeps.
type TraceFunc func(out bool, frames [][]byte, command string)

// SetTrace has fn see the connection's traffic from now on; nil stops it.
func (c *Conn) SetTrace(fn TraceFunc) {
	if fn == nil {
		c.trace.Store(nil)
		return
	}
	c.trace.Store(&fn)
}

// traced gives a message read to the trace, if one is set.
func (c *Conn) traced(frames [][]byte) {
	if tr := c.trace.Load(); tr != nil {
		(*tr)(false, frames, "")
	}
}
