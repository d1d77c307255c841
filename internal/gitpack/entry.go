package gitpack

import "fmt"

// Entry types, as stored in entry headers.
const (
	Commit   = 1
	Tree     = 2
	Blob     = 3
	Tag      = 4
	OfsDelta = 6
	RefDelta = 7
)

// zlib's best compression ratio is about 1032:1: a header claiming more
// output than that from the bytes left in the pack is damaged.
const maxInflateRatio = 1032

// Entry is one object's header in a pack.
type Entry struct {
	Type byte
	Size int64 // inflated size of the object or, for deltas, of the delta
	Data int64 // offset of the zlib stream
	// a delta's base: an offset delta's offset, a ref delta's id
	BaseOff int64
	BaseRef [20]byte
}

// ParseEntry reads the entry header at off in pack data (the pack from its
// "PACK" signature on).
func ParseEntry(data []byte, off int64) (Entry, error) {
	h := Entry{}
	if off < 12 || off >= int64(len(data)) {
		return h, fmt.Errorf("%w: object offset %d outside the pack", ErrCorrupt, off)
	}
	p := off
	c := data[p]
	p++
	h.Type = (c >> 4) & 7
	h.Size = int64(c & 15)
	for shift := uint(4); c&0x80 != 0; shift += 7 {
		if p >= int64(len(data)) || shift > 56 {
			return h, fmt.Errorf("%w: bad object header at offset %d", ErrCorrupt, off)
		}
		c = data[p]
		p++
		h.Size |= int64(c&0x7f) << shift
	}
	switch h.Type {
	case Commit, Tree, Blob, Tag:
	case OfsDelta:
		if p >= int64(len(data)) {
			return h, fmt.Errorf("%w: bad delta header at offset %d", ErrCorrupt, off)
		}
		c = data[p]
		p++
		rel := int64(c & 0x7f)
		for c&0x80 != 0 {
			if p >= int64(len(data)) || rel > 1<<55 {
				return h, fmt.Errorf("%w: bad delta header at offset %d", ErrCorrupt, off)
			}
			c = data[p]
			p++
			rel = (rel+1)<<7 | int64(c&0x7f)
		}
		if rel <= 0 || rel >= off {
			return h, fmt.Errorf("%w: delta at offset %d names a base outside the pack", ErrCorrupt, off)
		}
		h.BaseOff = off - rel
	case RefDelta:
		if p+20 > int64(len(data)) {
			return h, fmt.Errorf("%w: bad delta header at offset %d", ErrCorrupt, off)
		}
		copy(h.BaseRef[:], data[p:p+20])
		p += 20
	default:
		return h, fmt.Errorf("%w: unknown object type %d at offset %d", ErrCorrupt, h.Type, off)
	}
	h.Data = p
	if h.Size > (int64(len(data))-p)*maxInflateRatio+64 {
		return h, fmt.Errorf("%w: object at offset %d claims %d bytes, more than the pack can hold", ErrCorrupt, off, h.Size)
	}
	return h, nil
}
