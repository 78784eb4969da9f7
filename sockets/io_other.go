//go:build !unix

package sockets

// readChunk reads what has arrived on the connection; see readChunkOther.
func (st *stream) readChunk(empty bool) ([]byte, int, error) {
	return readChunkOther(st.nc, st.budget, empty)
}

// readNow reads nothing here: no caller takes the turn from the reader goroutine.
func (st *stream) readNow() ([]byte, int, error) { return nil, 0, nil }
