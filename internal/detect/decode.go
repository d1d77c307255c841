package detect

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// segment is decoded text found in a fragment: bytes start:end of the
// original hold it in encoded form.
type segment struct {
	start, end int
	text       []byte
	how        string
	// offsets, when set, maps each byte of text to the original offset it
	// came from (UTF-16), so findings keep exact positions.
	offsets []int
}

const (
	minBase64Run = 32 // shortest base64 run worth decoding (24 bytes of text)
	minDecoded   = 8  // shortest decoded text worth scanning
)

var b64Alphabet, b64urlAlphabet, b64Either, hexDigit [256]bool

func init() {
	for _, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" {
		b64Alphabet[c], b64urlAlphabet[c] = true, true
	}
	b64Alphabet['+'], b64Alphabet['/'] = true, true
	b64urlAlphabet['-'], b64urlAlphabet['_'] = true, true
	for i := range b64Either {
		b64Either[i] = b64Alphabet[i] || b64urlAlphabet[i]
	}
	for _, c := range "0123456789abcdefABCDEF" {
		hexDigit[c] = true
	}
}

// mostlyText reports whether b looks like text worth scanning: almost all
// printable ASCII or whitespace.
func mostlyText(b []byte) bool {
	if len(b) < minDecoded {
		return false
	}
	bad := 0
	for _, c := range b {
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c >= 0x7f {
			bad++
		}
	}
	return bad*20 <= len(b)
}

// base64Segments finds runs of the base64 or base64url alphabet and decodes
// those that hold text.
func base64Segments(content []byte, budget *int) []segment {
	var out []segment
	for i := 0; i < len(content) && *budget > 0; {
		if !b64Either[content[i]] {
			i++
			continue
		}
		start := i
		for i < len(content) && b64Either[content[i]] {
			i++
		}
		end := i
		for i < len(content) && i-end < 2 && content[i] == '=' {
			i++
		}
		if end-start < minBase64Run {
			continue
		}
		if seg, ok := decodeBase64(content[start:end], start, i); ok {
			*budget -= len(seg.text)
			out = append(out, seg)
		}
	}
	return out
}

func decodeBase64(run []byte, start, end int) (segment, bool) {
	s := string(run)
	var probe [24]byte
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		// Most long runs of the alphabet are identifiers, hashes or
		// binary: decode 32 characters first and give up unless they are
		// text.
		if n, err := enc.Decode(probe[:], run[:32]); err != nil || !mostlyText(probe[:n]) {
			continue
		}
		// A run may carry a few bytes that are not part of the encoding
		// (a trailing character that happens to be in the alphabet): trim
		// to a whole number of 4-character groups first.
		trimmed := s[:len(s)-len(s)%4]
		if len(s)%4 >= 2 {
			trimmed = s
		}
		decoded, err := enc.DecodeString(trimmed)
		if err != nil {
			continue
		}
		if mostlyText(decoded) {
			how := "base64"
			if enc == base64.RawURLEncoding {
				how = "base64url"
			}
			return segment{start: start, end: end, text: decoded, how: how}, true
		}
	}
	return segment{}, false
}

// percentSegments decodes runs holding %XX escapes.
func percentSegments(content []byte, budget *int) []segment {
	var out []segment
	for i := 0; i+2 < len(content) && *budget > 0; i++ {
		next := bytes.IndexByte(content[i:], '%')
		if next < 0 {
			break
		}
		i += next
		if i+2 >= len(content) || !hexDigit[content[i+1]] || !hexDigit[content[i+2]] {
			continue
		}
		start := i
		for start > 0 && urlChar(content[start-1]) {
			start--
		}
		end := i
		for end < len(content) && urlChar(content[end]) {
			end++
		}
		var text []byte
		escapes := 0
		for j := start; j < end; j++ {
			if content[j] == '%' && j+2 < end && hexDigit[content[j+1]] && hexDigit[content[j+2]] {
				v, _ := strconv.ParseUint(string(content[j+1:j+3]), 16, 8)
				text = append(text, byte(v))
				j += 2
				escapes++
				continue
			}
			text = append(text, content[j])
		}
		if escapes > 0 && len(text) >= minDecoded {
			*budget -= len(text)
			out = append(out, segment{start: start, end: end, text: text, how: "percent-encoding"})
		}
		i = end
	}
	return out
}

func urlChar(c byte) bool {
	return c > 0x20 && c < 0x7f && c != '"' && c != '\'' && c != '<' && c != '>' && c != '`' && c != '\\'
}

// escapeSegments decodes runs holding \uXXXX or \xXX escapes (JSON, JS,
// Python and C string literals).
func escapeSegments(content []byte, budget *int) []segment {
	var out []segment
	for i := 0; i+3 < len(content) && *budget > 0; i++ {
		next := bytes.IndexByte(content[i:], '\\')
		if next < 0 {
			break
		}
		i += next
		if i+3 >= len(content) || (content[i+1] != 'u' && content[i+1] != 'x') || !hexDigit[content[i+2]] {
			continue
		}
		start := i
		for start > 0 && content[start-1] > 0x20 && content[start-1] != '"' && content[start-1] != '\'' {
			start--
		}
		var text []byte
		j := start
		escapes := 0
		for j < len(content) && content[j] > 0x20 && content[j] != '"' && content[j] != '\'' {
			if n, r := escapeAt(content[j:]); n > 0 {
				text = utf8.AppendRune(text, r)
				j += n
				escapes++
				continue
			}
			text = append(text, content[j])
			j++
		}
		if escapes > 0 && len(text) >= minDecoded {
			*budget -= len(text)
			out = append(out, segment{start: start, end: j, text: text, how: "escapes"})
		}
		i = j
	}
	return out
}

// escapeAt decodes a \uXXXX or \xXX escape at the start of b.
func escapeAt(b []byte) (int, rune) {
	if len(b) >= 6 && b[0] == '\\' && b[1] == 'u' {
		if v, err := strconv.ParseUint(string(b[2:6]), 16, 16); err == nil {
			return 6, rune(v)
		}
	}
	if len(b) >= 4 && b[0] == '\\' && b[1] == 'x' {
		if v, err := strconv.ParseUint(string(b[2:4]), 16, 8); err == nil {
			return 4, rune(v)
		}
	}
	return 0, 0
}

// utf16Segment decodes a whole fragment that is UTF-16 text (with a byte
// order mark, or without one when every other byte is NUL).
func utf16Segment(content []byte) (segment, bool) {
	if len(content) < 4 {
		return segment{}, false
	}
	bigEndian, skip := false, 0
	switch {
	case content[0] == 0xff && content[1] == 0xfe:
		skip = 2
	case content[0] == 0xfe && content[1] == 0xff:
		bigEndian, skip = true, 2
	default:
		probe := content[:min(len(content), 512)&^1]
		var zeroEven, zeroOdd int
		for i := 0; i+1 < len(probe); i += 2 {
			if probe[i] == 0 {
				zeroEven++
			}
			if probe[i+1] == 0 {
				zeroOdd++
			}
		}
		pairs := len(probe) / 2
		switch {
		case zeroOdd*10 >= pairs*9 && zeroEven*10 < pairs:
		case zeroEven*10 >= pairs*9 && zeroOdd*10 < pairs:
			bigEndian = true
		default:
			return segment{}, false
		}
	}
	units := make([]uint16, 0, (len(content)-skip)/2)
	for i := skip; i+1 < len(content); i += 2 {
		if bigEndian {
			units = append(units, uint16(content[i])<<8|uint16(content[i+1]))
		} else {
			units = append(units, uint16(content[i+1])<<8|uint16(content[i]))
		}
	}
	seg := segment{start: 0, end: len(content), how: "utf-16"}
	pos := skip
	for _, r := range utf16.Decode(units) {
		n := utf8.RuneLen(r)
		if n < 0 {
			r, n = utf8.RuneError, 3
		}
		for k := 0; k < n; k++ {
			seg.offsets = append(seg.offsets, pos)
		}
		seg.text = utf8.AppendRune(seg.text, r)
		if r >= 0x10000 {
			pos += 4
		} else {
			pos += 2
		}
	}
	seg.offsets = append(seg.offsets, pos)
	return seg, mostlyText(seg.text)
}
