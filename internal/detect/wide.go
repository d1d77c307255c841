package detect

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

// wideEncoding is a text encoding in units of 2 or 4 bytes: UTF-16 or
// UTF-32, either byte order.
type wideEncoding struct {
	unit      int // 2 or 4
	bigEndian bool
}

func (w wideEncoding) name() string {
	if w.unit == 4 {
		return "utf-32"
	}
	return "utf-16"
}

// sniffWide says whether content is UTF-16 or UTF-32 text. Text with a byte order mark is
// taken whatever its script. Without one, UTF-16 is taken when NUL bytes
// fall on one side of each unit only (ASCII in UTF-16) and the whole
// decodes cleanly.
func sniffWide(content []byte) (enc wideEncoding, ok bool) {
	switch {
	case len(content) >= 4 && content[0] == 0xff && content[1] == 0xfe && content[2] == 0 && content[3] == 0:
		return wideEncoding{unit: 4}, true
	case len(content) >= 4 && content[0] == 0 && content[1] == 0 && content[2] == 0xfe && content[3] == 0xff:
		return wideEncoding{unit: 4, bigEndian: true}, true
	case len(content) >= 2 && content[0] == 0xff && content[1] == 0xfe:
		return wideEncoding{unit: 2}, true
	case len(content) >= 2 && content[0] == 0xfe && content[1] == 0xff:
		return wideEncoding{unit: 2, bigEndian: true}, true
	}
	if len(content) < 4 || bytes.IndexByte(content, 0) < 0 {
		return wideEncoding{}, false
	}
	var zeroEven, zeroOdd int
	for i := 0; i+1 < len(content); i += 2 {
		if content[i] == 0 {
			zeroEven++
		}
		if content[i+1] == 0 {
			zeroOdd++
		}
	}
	// a NUL character (00 00) puts a zero on both sides: a few are text
	switch {
	case zeroOdd > 0 && zeroEven*100 <= zeroOdd:
		enc = wideEncoding{unit: 2}
	case zeroEven > 0 && zeroOdd*100 <= zeroEven:
		enc = wideEncoding{unit: 2, bigEndian: true}
	default:
		return wideEncoding{}, false
	}
	return enc, decodesCleanly(content, enc)
}

// decodesCleanly reports whether content is, but for at most one
// character in a hundred, well-formed text in enc: no unpaired surrogates,
// no control characters but tab and line ends, no noncharacters. A stray
// NUL or escape character must not hide the rest of a file.
func decodesCleanly(content []byte, enc wideEncoding) bool {
	bad, chars := 0, 0
	for pos := 0; pos+enc.unit <= len(content); {
		r, n, ok := enc.decode(content, pos)
		chars++
		if !ok || (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xfffe || r == 0xffff {
			if bad++; bad*100 > len(content)/enc.unit {
				return false
			}
		}
		pos += n
	}
	return chars > 0
}

// decode reads the character at content[pos]: the rune, the bytes it
// took, and whether it was well formed (if not, the rune is U+FFFD).
func (w wideEncoding) decode(content []byte, pos int) (rune, int, bool) {
	if w.unit == 4 {
		if pos+4 > len(content) {
			return utf8.RuneError, len(content) - pos, false
		}
		b := content[pos : pos+4]
		var v uint32
		if w.bigEndian {
			v = uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		} else {
			v = uint32(b[3])<<24 | uint32(b[2])<<16 | uint32(b[1])<<8 | uint32(b[0])
		}
		if v > utf8.MaxRune || (v >= 0xd800 && v < 0xe000) {
			return utf8.RuneError, 4, false
		}
		return rune(v), 4, true
	}
	unit := func(p int) rune {
		if w.bigEndian {
			return rune(content[p])<<8 | rune(content[p+1])
		}
		return rune(content[p+1])<<8 | rune(content[p])
	}
	if pos+2 > len(content) {
		return utf8.RuneError, len(content) - pos, false
	}
	u := unit(pos)
	switch {
	case u < 0xd800 || u >= 0xe000:
		return u, 2, true
	case u < 0xdc00 && pos+4 <= len(content):
		if r := utf16.DecodeRune(u, unit(pos+2)); r != utf8.RuneError {
			return r, 4, true
		}
	}
	return utf8.RuneError, 2, false
}

// checkpointEvery is how many bytes of decoded text lie between two saved
// positions: mapping a finding back re-decodes at most this much, and the
// positions cost 16 bytes per this many bytes of text.
const checkpointEvery = 4096

// wideText maps positions in decoded wide text back to the bytes they came
// from, from a checkpoint every few kilobytes rather than an offset per
// byte, so decoding costs memory in proportion to the text alone.
type wideText struct {
	content []byte
	enc     wideEncoding
	text    []byte
	marks   []mark // in increasing order; marks[0] is the first character
}

type mark struct{ text, orig int }

// decodeWide decodes content as enc (a byte order mark decodes to U+FEFF,
// which no rule matches). Characters that are not well formed become
// U+FFFD.
func decodeWide(content []byte, enc wideEncoding) *wideText {
	w := &wideText{content: content, enc: enc, text: make([]byte, 0, len(content)/enc.unit+len(content)/8)}
	for pos := 0; pos < len(content); {
		if len(w.text) >= len(w.marks)*checkpointEvery {
			w.marks = append(w.marks, mark{text: len(w.text), orig: pos})
		}
		r, n, _ := enc.decode(content, pos)
		w.text = utf8.AppendRune(w.text, r)
		pos += max(n, 1)
	}
	return w
}

// origin is the offset in content of the character holding text byte i
// (len(text) maps to the end of content).
func (w *wideText) origin(i int) int {
	if i >= len(w.text) || len(w.marks) == 0 {
		return len(w.content)
	}
	k := i / checkpointEvery
	for k+1 < len(w.marks) && w.marks[k+1].text <= i {
		k++
	}
	for k > 0 && w.marks[k].text > i {
		k--
	}
	t, pos := w.marks[k].text, w.marks[k].orig
	for {
		r, n, _ := w.enc.decode(w.content, pos)
		size := utf8.RuneLen(r)
		if size < 0 {
			size = 3
		}
		if t+size > i {
			return pos
		}
		t += size
		pos += max(n, 1)
	}
}

// wideSegment decodes a whole fragment of wide text in enc.
func wideSegment(content []byte, enc wideEncoding) segment {
	w := decodeWide(content, enc)
	return segment{start: 0, end: len(content), text: w.text, how: enc.name(), wide: w}
}

// minWideRun is the fewest characters a run of UTF-16 text inside binary
// content must hold to be scanned.
const minWideRun = 16

// wideRunSegments finds the runs of UTF-16 text (ASCII characters, each
// with a NUL byte beside it) that binary content holds: a .NET assembly's
// strings, a Windows program's resources, an old Word document's text, as
// `strings -el` lists them. Each run of at least minWideRun characters is
// a segment of its characters; little- and big-endian runs are both found
// (a big-endian run is a little-endian one a byte later, but for its last
// character, which is kept too). Text holds no NUL byte and costs a memchr.
func wideRunSegments(content []byte) []segment {
	first := bytes.IndexByte(content, 0)
	if first < 0 {
		return nil
	}
	var out []segment
	for parity := 0; parity < 2; parity++ {
		start, n := -1, 0
		emit := func(end int) {
			if n >= minWideRun {
				if end < len(content) && printableASCII(content[end]) && (end+1 == len(content) || content[end+1] != 0) {
					end++ // a big-endian run's last character
				}
				text := make([]byte, 0, (end-start+1)/2)
				for k := start; k < end; k += 2 {
					text = append(text, content[k])
				}
				out = append(out, segment{start: start, end: end, text: text, how: "utf-16 strings"})
			}
			start, n = -1, 0
		}
		// the first unit that can hold a character next to a NUL
		j := max(parity, (first-1)&^1|parity)
		for ; j+1 < len(content); j += 2 {
			if content[j+1] == 0 && printableASCII(content[j]) {
				if n == 0 {
					start = j
				}
				n++
				continue
			}
			if n > 0 {
				emit(j)
			}
		}
		if n > 0 {
			emit(j)
		}
	}
	return out
}

// printableASCII reports whether c is a printable ASCII character or a
// tab, CR or LF.
func printableASCII(c byte) bool {
	return 0x20 <= c && c < 0x7f || c == '\t' || c == '\n' || c == '\r'
}
