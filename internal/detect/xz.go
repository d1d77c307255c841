package detect

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/ulikunitz/xz"
)

// xzMaxDict bounds the dictionary an xz stream may make the decoder
// allocate (xz -9 uses 64 MiB): one that asks more is an error, said as a
// warning, not an allocation.
const xzMaxDict = 256 << 20

// newXZReader returns the content of the xz stream r, after checking the
// dictionary size its first block's LZMA2 filter asks for.
func newXZReader(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 4096)
	head, _ := br.Peek(12 + 1024)
	dict, err := xzDictSize(head)
	if err != nil {
		return nil, err
	}
	if dict > xzMaxDict {
		return nil, fmt.Errorf("its dictionary of %d MiB is over the %d MiB bound", dict>>20, xzMaxDict>>20)
	}
	return xz.NewReader(br)
}

// xzDictSize reads the dictionary size of the LZMA2 filter in the first
// block header of the xz stream that head starts (0 for a stream without
// blocks). A block header: its size, flags, the sizes the flags say are
// there, then each filter's id, properties' size and properties; LZMA2 is
// the last filter, its one property byte the dictionary size.
func xzDictSize(head []byte) (int64, error) {
	const streamHeader = 12
	if len(head) < streamHeader+1 {
		return 0, errors.New("truncated stream header")
	}
	b := head[streamHeader:]
	if b[0] == 0 {
		return 0, nil // the index: no blocks
	}
	size := (int(b[0]) + 1) * 4
	if len(b) < size {
		return 0, errors.New("truncated block header")
	}
	b, p := b[:size], 2
	damaged := errors.New("damaged block header")
	varint := func() (uint64, error) {
		var v uint64
		for i := 0; i < 9 && p < len(b); i++ {
			c := b[p]
			p++
			v |= uint64(c&0x7f) << (7 * i)
			if c&0x80 == 0 {
				return v, nil
			}
		}
		return 0, damaged
	}
	flags := b[1]
	for _, present := range []bool{flags&0x40 != 0, flags&0x80 != 0} {
		if present {
			if _, err := varint(); err != nil {
				return 0, err
			}
		}
	}
	for n := int(flags&3) + 1; n > 0; n-- {
		id, err := varint()
		if err != nil {
			return 0, err
		}
		props, err := varint()
		if err != nil || props > uint64(len(b)-p) {
			return 0, damaged
		}
		if id == 0x21 { // LZMA2
			if props != 1 || b[p] > 40 {
				return 0, errors.New("damaged LZMA2 filter properties")
			}
			bits := b[p]
			return int64(2|bits&1) << (bits/2 + 11), nil
		}
		p += int(props)
	}
	return 0, errors.New("no LZMA2 filter in the first block")
}
