package wire

import "io"

// maxPresize caps the buffer ReadAtMost reserves from a claimed length.
const maxPresize = 1 << 20

// ReadAtMost reads r to its end or to n bytes, whichever comes first, like
// io.ReadAll(io.LimitReader(r, n)). A known length (sizeHint, -1 if unknown)
// sizes the buffer at once instead of growing it, up to maxPresize: a length
// the server only claims does not reserve memory beyond that.
func ReadAtMost(r io.Reader, n, sizeHint int64) ([]byte, error) {
	size := int64(512)
	if sizeHint >= 0 {
		size = min(sizeHint+1, n, maxPresize) // +1: the read that finds the end needs room
	}
	b := make([]byte, 0, size)
	for int64(len(b)) < n {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // let append pick the growth
		}
		m, err := r.Read(b[len(b):min(int64(cap(b)), n)])
		b = b[:len(b)+m]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
	return b, nil
}
