package detect

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"unicode/utf8"
)

// segment is decoded text found in a fragment: bytes start:end of the
// original hold it in encoded form.
type segment struct {
	start, end int
	text       []byte
	how        string
	// wide, when set, maps positions in text back to the original bytes
	// (UTF-16 and UTF-32 text), so findings keep exact positions.
	wide *wideText
}

// origin returns the offset in the original content of byte i of the
// decoded text, or the segment's start when positions are not kept.
func (s *segment) origin(i int) int {
	if s.wide != nil {
		return s.wide.origin(i)
	}
	return s.start
}

const (
	minBase64Run = 32 // shortest base64 run worth decoding (24 bytes of text)
	minDecoded   = 8  // shortest decoded text worth scanning
	// minTextRun is the shortest printable run worth scanning in decoded
	// bytes that are mostly binary (a token inside a pickled or
	// serialised structure).
	minTextRun = 24
	// minWrapWidth is the narrowest line width taken for wrapped base64.
	minWrapWidth = 16
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

func textByte(c byte) bool { return (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t' }

// mostlyText reports whether b looks like text worth scanning: almost all
// printable ASCII or whitespace.
func mostlyText(b []byte) bool {
	if len(b) < minDecoded {
		return false
	}
	bad := 0
	for _, c := range b {
		if !textByte(c) {
			bad++
		}
	}
	return bad*20 <= len(b)
}

// textRuns returns the printable runs of at least minTextRun bytes in b,
// one per line, so that no pattern bridges binary and text, or nil when
// there are none.
func textRuns(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); {
		if !textByte(b[i]) {
			i++
			continue
		}
		j := i
		for j < len(b) && textByte(b[j]) {
			j++
		}
		if j-i >= minTextRun {
			out = append(append(out, b[i:j]...), '\n')
		}
		i = j
	}
	return out
}

// base64Segments finds runs of the base64 or base64url alphabet, joining
// runs wrapped over lines as base64(1), MIME and YAML block scalars write
// them, and decodes those that hold text.
func base64Segments(content []byte, budget *budget) []segment {
	var out []segment
	for i := 0; i < len(content) && budget.left() > 0; {
		if !b64Either[content[i]] {
			i++
			continue
		}
		start := i
		run, end := wrappedRun(content, start)
		i = end
		if len(run) < minBase64Run {
			continue
		}
		seg, ok := decodeBase64(run, start, end)
		if ok {
			budget.spend(len(seg.text))
			out = append(out, seg)
		}
	}
	return out
}

// wrappedRun reads the base64 run at content[start] and, when it fills its
// line, the lines that continue it at one width and one indentation (the
// last may be shorter). It returns the run without line breaks and
// indentation, and the end of its encoded span (padding included). Only
// widths that are a multiple of 4 wrap (76 for base64(1) and MIME, 64 for
// PEM): each line then decodes on its own to the same bytes as the whole,
// so lines of one width that are separate values lose nothing by joining.
func wrappedRun(content []byte, start int) (run []byte, end int) {
	i := start
	for i < len(content) && b64Either[content[i]] {
		i++
	}
	end = padded(content, i)
	first := content[start:i]
	width := i - start
	lineEnd, ok := lineBreak(content, end)
	if !ok || width < minWrapWidth || width%4 != 0 || end != i {
		return first, end
	}
	indent := -1
	var joined []byte
	for {
		ls := lineEnd
		j := ls
		for j < len(content) && (content[j] == ' ' || content[j] == '\t') {
			j++
		}
		if indent >= 0 && j-ls != indent {
			break
		}
		k := j
		for k < len(content) && b64Either[content[k]] && k-j < width {
			k++
		}
		n := k - j
		if n == 0 || (k < len(content) && b64Either[content[k]]) {
			break // not a continuation, or a longer line than the wrap width
		}
		if p := padded(content, k); p < len(content) {
			if _, eol := lineBreak(content, p); !eol {
				break // text goes on after it: not a line of the block
			}
		}
		if joined == nil {
			joined = append(make([]byte, 0, 4*width), first...)
		}
		indent = j - ls
		joined = append(joined, content[j:k]...)
		end = padded(content, k)
		if n < width || end != k {
			break // the last line of the block
		}
		if lineEnd, ok = lineBreak(content, end); !ok {
			break
		}
	}
	if joined == nil {
		return first, end
	}
	return joined, end
}

// padded skips up to two '=' at i.
func padded(content []byte, i int) int {
	for n := 0; n < 2 && i < len(content) && content[i] == '='; n++ {
		i++
	}
	return i
}

// lineBreak reports whether content[i:] starts with a line break, and
// where the next line starts.
func lineBreak(content []byte, i int) (int, bool) {
	switch {
	case i < len(content) && content[i] == '\n':
		return i + 1, true
	case i+1 < len(content) && content[i] == '\r' && content[i+1] == '\n':
		return i + 2, true
	}
	return i, false
}

func decodeBase64(run []byte, start, end int) (segment, bool) {
	std := bytes.ContainsAny(run, "+/")
	url := bytes.ContainsAny(run, "-_")
	if std && url {
		return segment{}, false // a path or an identifier, not one encoding
	}
	enc, how := base64.RawStdEncoding, "base64"
	if url {
		enc, how = base64.RawURLEncoding, "base64url"
	}
	// A run may carry a few bytes that are not part of the encoding (a
	// trailing character that happens to be in the alphabet): trim to a
	// whole number of 4-character groups unless the rest decodes.
	if len(run)%4 == 1 {
		run = run[:len(run)-1]
	}
	decoded := make([]byte, enc.DecodedLen(len(run)))
	n, err := enc.Decode(decoded, run)
	if err != nil {
		return segment{}, false
	}
	decoded = decoded[:n]
	if !mostlyText(decoded) {
		if decoded = textRuns(decoded); decoded == nil {
			return segment{}, false
		}
	}
	return segment{start: start, end: end, text: decoded, how: how}, true
}

// percentSegments decodes runs holding %XX escapes.
func percentSegments(content []byte, budget *budget) []segment {
	var out []segment
	for i := 0; i+2 < len(content) && budget.left() > 0; i++ {
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
			budget.spend(len(text))
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
func escapeSegments(content []byte, budget *budget) []segment {
	var out []segment
	for i := 0; i+3 < len(content) && budget.left() > 0; i++ {
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
			budget.spend(len(text))
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
