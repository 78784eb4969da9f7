package zmtp

import (
	"encoding/binary"
	"errors"
	"io"
	"sync/atomic"
	"time"
)

// Heartbeats, as 37/ZMTP 3.1 has them and libzmq sets them (ZMQ_HEARTBEAT_IVL, _TIMEOUT,
// _TTL): a connection with an interval sends a PING every interval and drops the peer when
// nothing at all arrives within the timeout after a PING; a PING that carries a time-to-live
// asks the receiver to drop the connection when nothing arrives within it. "Something
// arrives" is any read from the socket: data counts as much as a PONG, as in libzmq, where
// any message cancels the timers. No goroutine waits for this: the timers run the checks.

// ErrHeartbeat is a peer that stayed silent past a heartbeat's timeout or time-to-live.
var ErrHeartbeat = errors.New("the peer stopped answering heartbeats")

type heartbeat struct {
	heard   atomic.Bool // bytes arrived since the current check was set
	pending atomic.Bool // a check is set
	ping    *time.Timer // the next PING (nil: this side sends none)
}

// heardReader notes every read that brought bytes, for the heartbeat checks.
type heardReader struct {
	src   io.Reader
	heard *atomic.Bool
}

func (r heardReader) Read(p []byte) (int, error) {
	n, err := r.src.Read(p)
	if n > 0 {
		r.heard.Store(true)
	}
	return n, err
}

// startHeartbeat sets the first PING going, when the connection has an interval.
func (c *Conn) startHeartbeat() {
	if c.cfg.HeartbeatIvl > 0 && !c.cfg.Raw { // a plain TCP peer knows no PING
		c.hb.ping = time.AfterFunc(c.cfg.HeartbeatIvl, c.sendPing)
	}
}

func (c *Conn) stopHeartbeat() {
	if c.hb.ping != nil {
		c.hb.ping.Stop()
	}
}

func (c *Conn) sendPing() {
	if c.Err() != nil {
		return
	}
	timeout := c.cfg.HeartbeatTimeout
	if timeout < 0 {
		timeout = c.cfg.HeartbeatIvl // libzmq's default
	}
	c.expectWithin(timeout) // (0: no limit)
	ttl := binary.BigEndian.AppendUint16(nil, uint16(min(c.cfg.HeartbeatTTL/(100*time.Millisecond), 0xffff)))
	c.send(outMsg{command: "PING", frames: [][]byte{ttl}}, true)
	c.hb.ping.Reset(c.cfg.HeartbeatIvl)
}

// expectWithin ends the connection unless something arrives within d. One check runs at a
// time: a second request while one is set is covered by it.
func (c *Conn) expectWithin(d time.Duration) {
	if d <= 0 || c.hb.pending.Swap(true) {
		return
	}
	c.hb.heard.Store(false)
	time.AfterFunc(d, func() {
		c.hb.pending.Store(false)
		if !c.hb.heard.Load() {
			c.end(ErrHeartbeat)
		}
	})
}

// pinged handles a PING's time-to-live (deciseconds in its first two bytes; 0: none).
func (c *Conn) pinged(data []byte) {
	if len(data) >= 2 {
		if ttl := binary.BigEndian.Uint16(data); ttl > 0 {
			c.expectWithin(time.Duration(ttl) * 100 * time.Millisecond)
		}
	}
}
