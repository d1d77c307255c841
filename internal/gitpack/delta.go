// Package gitpack owns how a git packfile stores an object
// (gitformat-pack(5)): each entry's header (type, size, a delta's base) and
// the delta format, copies from a base object and inserted bytes. It reads
// headers with every length and offset checked, and builds objects from a
// base and a delta, refusing instructions that copy outside the base or do
// not add up to the size they declare. The repository's pack reader and
// the scan of packfiles committed as files both use it.
package gitpack

import (
	"errors"
	"fmt"
	"io"
)

// ErrCorrupt is wrapped by every error about damaged delta data.
var ErrCorrupt = errors.New("damaged object data")

// Varint reads a size from a delta's header and returns the rest.
func Varint(d []byte) (int64, []byte, error) {
	var v int64
	for shift := uint(0); ; shift += 7 {
		if len(d) == 0 || shift > 56 {
			return 0, nil, fmt.Errorf("%w: bad delta size", ErrCorrupt)
		}
		c := d[0]
		d = d[1:]
		v |= int64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, d, nil
		}
	}
}

// header reads a delta's base and result sizes, checks the base's,
// and bounds the result by limit and by what the instructions can yield.
func header(base, delta []byte, limit int64) (dstSize int64, ops []byte, err error) {
	srcSize, d, err := Varint(delta)
	if err != nil {
		return 0, nil, err
	}
	if srcSize != int64(len(base)) {
		return 0, nil, fmt.Errorf("%w: delta expects a %d-byte base, not %d", ErrCorrupt, srcSize, len(base))
	}
	dstSize, d, err = Varint(d)
	if err != nil {
		return 0, nil, err
	}
	// a copy instruction of at most 8 bytes yields at most 16 MiB
	if dstSize > int64(len(d))<<24 {
		return 0, nil, fmt.Errorf("%w: delta claims more output than it can produce", ErrCorrupt)
	}
	if dstSize > limit {
		return 0, nil, fmt.Errorf("%w: delta would build a %d-byte object, over the %d-byte limit", ErrCorrupt, dstSize, limit)
	}
	return dstSize, d, nil
}

// Reader builds an object from a base and a git delta as it is read,
// so the result of a chain's last delta is never held whole.
type Reader struct {
	base, ops []byte
	left      int64  // bytes still to produce
	pending   []byte // the rest of the current instruction's bytes
	err       error
}

// NewReader returns the Reader of the object delta builds from base, after
// checking that its instructions yield the size it declares, at most limit.
func NewReader(base, delta []byte, limit int64) (*Reader, error) {
	dst, ops, err := header(base, delta, limit)
	if err != nil {
		return nil, err
	}
	r := &Reader{base: base, ops: ops, left: dst}
	// a dry run over the instructions first: a delta that does not add
	// up to its declared size is refused before anything is built
	dry := *r
	for dry.left > 0 {
		if err := dry.next(); err != nil {
			return nil, err
		}
	}
	if err := dry.next(); err != io.EOF {
		if err == nil {
			err = fmt.Errorf("%w: delta yields more bytes than it declares", ErrCorrupt)
		}
		return nil, err
	}
	return r, nil
}

func (r *Reader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && r.err == nil {
		if len(r.pending) == 0 {
			r.err = r.next()
			continue
		}
		c := copy(p[n:], r.pending)
		r.pending = r.pending[c:]
		n += c
	}
	if n > 0 {
		return n, nil
	}
	return 0, r.err
}

// next decodes one instruction into pending, or says the delta is done.
func (r *Reader) next() error {
	d := r.ops
	if len(d) == 0 {
		if r.left != 0 {
			return fmt.Errorf("%w: delta yields %d bytes too few", ErrCorrupt, r.left)
		}
		return io.EOF
	}
	cmd := d[0]
	d = d[1:]
	switch {
	case cmd&0x80 != 0:
		// bits 0-3 say which offset bytes follow, bits 4-6 which size bytes
		var off, n int64
		var ok, ok2 bool
		off, d, ok = copyField(cmd, 0, 4, d)
		n, d, ok2 = copyField(cmd, 4, 3, d)
		if !ok || !ok2 {
			return fmt.Errorf("%w: truncated delta", ErrCorrupt)
		}
		if n == 0 {
			n = 0x10000
		}
		if off+n > int64(len(r.base)) || n > r.left {
			return fmt.Errorf("%w: delta copies outside its base", ErrCorrupt)
		}
		r.pending = r.base[off : off+n]
		r.left -= n
	case cmd != 0:
		n := int(cmd)
		if n > len(d) || int64(n) > r.left {
			return fmt.Errorf("%w: truncated delta", ErrCorrupt)
		}
		r.pending = d[:n]
		r.left -= int64(n)
		d = d[n:]
	default:
		return fmt.Errorf("%w: reserved delta instruction", ErrCorrupt)
	}
	r.ops = d
	return nil
}

// copyField reads the little-endian field of a copy instruction whose
// bytes cmd's bits from..from+count say are present; false when d ends
// first.
func copyField(cmd byte, from, count uint, d []byte) (int64, []byte, bool) {
	var v int64
	for i := uint(0); i < count; i++ {
		if cmd&(1<<(from+i)) != 0 {
			if len(d) == 0 {
				return 0, d, false
			}
			v |= int64(d[0]) << (8 * i)
			d = d[1:]
		}
	}
	return v, d, true
}

// Apply builds an object from base and a git delta, in a buffer of
// exactly the declared size.
func Apply(base, delta []byte, limit int64) ([]byte, error) {
	r, err := NewReader(base, delta, limit)
	if err != nil {
		return nil, err
	}
	// the dry run in newDeltaReader proved the instructions yield exactly
	// this many bytes
	out := make([]byte, r.left)
	if _, err := io.ReadFull(r, out); err != nil {
		return nil, err
	}
	return out, nil
}
