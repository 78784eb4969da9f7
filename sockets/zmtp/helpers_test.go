package zmtp

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"runtime"
)

// digest hashes messages as the Python peers do: the repr of the frame lengths, then the frames.
type digest struct{ h hash.Hash }

func newDigest() *digest { return &digest{sha256.New()} }

func (d *digest) add(msg [][]byte) {
	lens := "["
	for i, f := range msg {
		if i > 0 {
			lens += ", "
		}
		lens += fmt.Sprint(len(f))
	}
	d.h.Write([]byte(lens + "]"))
	for _, f := range msg {
		d.h.Write(f)
	}
}

func (d *digest) hex() string { return hex.EncodeToString(d.h.Sum(nil)) }

func memUsed() int {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int(ms.TotalAlloc)
}
