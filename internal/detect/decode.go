package detect

import (
	"bytes"
	"encoding/base64"
	"sort"
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
	// joined: lines joined across soft breaks, which also hold text
	// found as it is
	joined bool
	// spans, when set, say where pieces of text came from (runs of
	// joined literals): a finding points at its piece's source
	spans []joinSpan
}

// spanAt returns the source of text byte i: the span holding it.
func (s *segment) spanAt(i int) joinSpan {
	k := sort.Search(len(s.spans), func(k int) bool { return s.spans[k].text > i }) - 1
	return s.spans[max(k, 0)]
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

// isText holds the bytes of printable ASCII text and white space.
var isText = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	t['\n'], t['\r'], t['\t'] = true, true, true
	return t
}()

func textByte(c byte) bool { return isText[c] }

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
	return scanBase64(content, budget, true)
}

// scanBase64 is base64Segments; stride false looks at every byte (the
// reference the fuzzer holds the strided scan to).
func scanBase64(content []byte, budget *budget, stride bool) []segment {
	var out []segment
	var pieces []piece
	for i := 0; budget.left() > 0; {
		// most runs are words: too short to decode or to start a
		// wrapped block (which needs a line of minWrapWidth)
		start, _, ok := nextRun(content, i, &b64Either, minWrapWidth, stride)
		if !ok {
			break
		}
		var end, n int
		pieces, end, n = wrappedRun(content, start, pieces[:0])
		i = end
		if n < minBase64Run {
			continue
		}
		if seg, ok := decodeBase64(content, pieces, n, start, end, budget); ok {
			budget.spend(len(seg.text))
			out = append(out, seg)
		}
	}
	return out
}

// nextRun finds the first run of at least min bytes of the class in at or
// after i, where i is a run's start or outside any run. With stride, the
// byte min-1 ahead is looked at first and the bytes before it backwards: a
// byte not in the class proves no such run starts at or before it, so
// prose and code (short words of the class) are crossed in strides, and
// no byte is looked at twice. Without stride every byte is looked at in
// order (the reference the fuzzers hold the strided search to).
func nextRun(content []byte, i int, in *[256]bool, min int, stride bool) (start, end int, ok bool) {
	if !stride {
		return nextRunByteByByte(content, i, in, min)
	}
	// content[i:known] are in the class
	known := i
	for {
		j := i + min - 1
		if j >= len(content) {
			return 0, 0, false
		}
		k := j
		for k >= known && in[content[k]] {
			k--
		}
		if k < known {
			end := j + 1
			for end < len(content) && in[content[end]] {
				end++
			}
			return i, end, true
		}
		i, known = k+1, j+1
	}
}

func nextRunByteByByte(content []byte, i int, in *[256]bool, min int) (start, end int, ok bool) {
	for i < len(content) {
		if !in[content[i]] {
			i++
			continue
		}
		start := i
		for i < len(content) && in[content[i]] {
			i++
		}
		if i-start >= min {
			return start, i, true
		}
	}
	return 0, 0, false
}

// piece is one line's part of a base64 run: content[start:end].
type piece struct{ start, end int }

// wrappedRun finds the base64 run at content[start] and, when it fills its
// line, the lines that continue it at one width and one indentation (the
// last may be shorter). It returns the run's pieces (appended to pieces),
// the end of its encoded span (padding included) and its length without
// line breaks and indentation. Only widths that are a multiple of 4 wrap
// (76 for base64(1) and MIME, 64 for PEM): each line then decodes on its
// own to the same bytes as the whole, so lines of one width that are
// separate values lose nothing by joining.
func wrappedRun(content []byte, start int, pieces []piece) ([]piece, int, int) {
	i := start
	for i < len(content) && b64Either[content[i]] {
		i++
	}
	end := padded(content, i)
	pieces = append(pieces, piece{start, i})
	width, total := i-start, i-start
	lineEnd, ok := lineBreak(content, end)
	if !ok || width < minWrapWidth || width%4 != 0 || end != i {
		return pieces, end, total
	}
	indent := -1
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
		indent = j - ls
		pieces = append(pieces, piece{j, k})
		total += n
		end = padded(content, k)
		if n < width || end != k {
			break // the last line of the block
		}
		if lineEnd, ok = lineBreak(content, end); !ok {
			break
		}
	}
	return pieces, end, total
}

// padded skips up to two '=' at i.
func padded(content []byte, i int) int {
	for n := 0; n < 2 && i < len(content) && content[i] == '='; n++ {
		i++
	}
	return i
}

// lineBreak reports whether content[i:] starts with a line break, and
// where the next line starts. A line break written as an escape (\n or
// \r\n, inside a JSON, JavaScript or YAML double-quoted string) is one:
// a certificate or a kubeconfig's data wrapped in a JSON value is.
func lineBreak(content []byte, i int) (int, bool) {
	rest := content[min(i, len(content)):]
	switch {
	case len(rest) >= 1 && rest[0] == '\n':
		return i + 1, true
	case len(rest) >= 2 && rest[0] == '\r' && rest[1] == '\n':
		return i + 2, true
	case len(rest) >= 2 && rest[0] == '\\' && rest[1] == 'n':
		return i + 2, true
	case len(rest) >= 4 && rest[0] == '\\' && rest[1] == 'r' && rest[2] == '\\' && rest[3] == 'n':
		return i + 4, true
	}
	return i, false
}

// decodeBase64 decodes a run given as pieces (n characters in all) into
// scratch, and returns it as a segment spanning start:end when it holds
// text.
func decodeBase64(content []byte, pieces []piece, n, start, end int, budget *budget) (segment, bool) {
	packed := compressedBase64(content[pieces[0].start:pieces[0].end])
	if !packed && !mayHoldText(content, pieces) {
		return segment{}, false
	}
	scratch := &budget.scratch
	var std, url bool
	for _, p := range pieces {
		std = std || bytes.ContainsAny(content[p.start:p.end], "+/")
		url = url || bytes.ContainsAny(content[p.start:p.end], "-_")
	}
	if std && url {
		return segment{}, false // a path or an identifier, not one encoding
	}
	enc, how := base64.RawStdEncoding, "base64"
	if url {
		enc, how = base64.RawURLEncoding, "base64url"
	}
	// A run may carry a few bytes that are not part of the encoding (a
	// trailing character that happens to be in the alphabet): trim it to a
	// whole number of characters that decode.
	if n%4 == 1 {
		last := &pieces[len(pieces)-1]
		last.end--
		n--
	}
	// most runs are identifiers, hashes or binary: decode into scratch and
	// copy out only what holds text
	need := enc.DecodedLen(n)
	if cap(*scratch) < need {
		*scratch = make([]byte, need)
	}
	decoded := (*scratch)[:need]
	w := 0
	for _, p := range pieces {
		m, err := enc.Decode(decoded[w:], content[p.start:p.end])
		if err != nil {
			return segment{}, false
		}
		w += m
	}
	if packed {
		if seg, ok := decompressedSegment(decoded[:w], start, end, how, budget); ok {
			return seg, true
		}
		// its first characters only looked like a compressed stream's
		// ("eA" is also "x\n" in base64)
	}
	return textSegment(decoded[:w], start, end, how)
}

// textSegment returns decoded bytes (in scratch space) as a segment
// spanning start:end when they hold text: whole when they are mostly
// text, else their printable runs; text in UTF-16 or UTF-32 decoded.
func textSegment(decoded []byte, start, end int, how string) (segment, bool) {
	if enc, ok := sniffWide(decoded); ok {
		// text in UTF-16 or UTF-32 (PowerShell's -EncodedCommand is
		// base64 of UTF-16LE), when it reads as text a token could be in
		if seg, ok := textSegment(decodeWide(decoded, enc).text, start, end, how+", then "+enc.name()); ok {
			return seg, true
		}
	}
	mostly, hasRun := classifyText(decoded)
	switch {
	case mostly:
		decoded = bytes.Clone(decoded)
	case hasRun:
		decoded = textRuns(decoded)
	default:
		return segment{}, false
	}
	return segment{start: start, end: end, text: decoded, how: how}, true
}

// minHexRun is the shortest run of hex digits worth decoding (16 bytes).
const minHexRun = 32

// hexSegments decodes runs of hex digits, two to a byte as hex dumps
// (xxd -p), Go's and Python's hex encoders and byte-string literals write
// them, that hold text. Hashes and ids decode to binary and are dropped.
func hexSegments(content []byte, budget *budget) []segment {
	return scanHex(content, budget, true)
}

// scanHex is hexSegments; stride false looks at every byte (the
// reference the fuzzer holds the strided scan to).
func scanHex(content []byte, budget *budget, stride bool) []segment {
	return scanRuns(content, budget, &hexDigit, minHexRun, stride, decodeHexRun)
}

// scanRuns decodes, within the budget, each run of at least min bytes of
// class in content that decode (given the run, and scratch space to
// decode into) turns into text.
func scanRuns(content []byte, budget *budget, class *[256]bool, min int, stride bool, decode func(content []byte, start, end int, scratch *[]byte) (segment, bool)) []segment {
	var out []segment
	for i := 0; budget.left() > 0; {
		start, end, ok := nextRun(content, i, class, min, stride)
		if !ok {
			break
		}
		i = end
		if seg, ok := decode(content, start, end, &budget.scratch); ok {
			budget.spend(len(seg.text))
			out = append(out, seg)
		}
	}
	return out
}

// decodeHexRun decodes the run content[start:end] into scratch and returns
// it as a segment when it holds text. A run of odd length has a digit that
// is not part of the encoding at one end (a word ending in a-f before the
// digits): both readings are tried.
func decodeHexRun(content []byte, start, end int, scratch *[]byte) (segment, bool) {
	for skip := 0; skip <= (end-start)&1; skip++ {
		run := content[start+skip : end]
		run = run[:len(run)&^1]
		if cap(*scratch) < len(run)/2 {
			*scratch = make([]byte, len(run)/2)
		}
		decoded := (*scratch)[:len(run)/2]
		for k := range decoded {
			decoded[k] = hexVal(run[2*k])<<4 | hexVal(run[2*k+1])
		}
		if seg, ok := textSegment(decoded, start, end, "hex"); ok {
			return seg, true
		}
	}
	return segment{}, false
}

// minTextGroups is how many 4-character groups in a row must be able to
// hold text before a run is decoded: any printable run of minTextRun bytes
// covers at least this many whole groups.
const minTextGroups = (minTextRun - 2) / 3

// mayHoldText reports whether a base64 run can decode to a printable run
// of minTextRun bytes, without decoding it. A group of 4 characters holds
// 3 bytes; each byte below 0x80 clears one bit of the group's characters
// (bit 5 of the first, bit 3 of the second, bit 1 of the third), so text
// needs minTextGroups such groups in a row. A random group passes with a
// chance of 1 in 8, so hashes, identifiers and binary are skipped without
// decoding. Pieces start on group boundaries (their widths are multiples
// of 4).
func mayHoldText(content []byte, pieces []piece) bool {
	row := 0
	for _, p := range pieces {
		for i := p.start; i < p.end; i += 4 {
			ascii := b64Value[content[i]]&0x20 == 0
			if i+1 < p.end {
				ascii = ascii && b64Value[content[i+1]]&0x08 == 0
			}
			if i+2 < p.end {
				ascii = ascii && b64Value[content[i+2]]&0x02 == 0
			}
			if !ascii {
				row = 0
				continue
			}
			if row++; row >= minTextGroups {
				return true
			}
		}
	}
	return false
}

// b64Value is each character's value in base64 or base64url.
var b64Value = func() (v [256]byte) {
	for i, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" {
		v[c] = byte(i)
	}
	v['+'], v['-'], v['/'], v['_'] = 62, 62, 63, 63
	return v
}()

// classifyText says, in one pass, whether b is mostly text (almost all
// printable ASCII or white space, so worth scanning whole) and whether it holds a printable run of at least minTextRun bytes.
func classifyText(b []byte) (mostly, hasRun bool) {
	if len(b) < minDecoded {
		return false, false
	}
	bad, run := 0, 0
	for _, c := range b {
		if isText[c] {
			run++
			continue
		}
		if run >= minTextRun {
			hasRun = true
		}
		bad++
		run = 0
	}
	return bad*20 <= len(b), hasRun || run >= minTextRun
}

// percentSegments decodes runs holding %XX escapes, and %uXXXX (what
// JavaScript's escape() writes).
func percentSegments(content []byte, budget *budget) []segment {
	return escapedRuns(content, budget, []byte("%"), urlChar, urlChar, percentAt, 3, "percent-encoding")
}

// escapedRuns finds runs of text that hold escapes: each run starts at an
// occurrence of marker that at decodes, reaches back over the bytes back
// accepts and forward over those fwd accepts, and is decoded escape by
// escape (other bytes kept as they are). at returns how many bytes an
// escape took and what it stands for: a rune, or a single byte when it
// took byteLen bytes (%XX and octal escapes carry UTF-8 bytes).
func escapedRuns(content []byte, budget *budget, marker []byte, back, fwd func(byte) bool, at func([]byte) (int, rune), byteLen int, how string) []segment {
	var out []segment
	for i := 0; i < len(content) && budget.left() > 0; i++ {
		next := bytes.Index(content[i:], marker)
		if next < 0 {
			break
		}
		i += next
		if n, _ := at(content[i:]); n == 0 {
			continue
		}
		start := i
		for start > 0 && back(content[start-1]) {
			start--
		}
		var text []byte
		j := start
		escapes := 0
		for j < len(content) && fwd(content[j]) {
			if n, r := at(content[j:]); n > 0 {
				if n == byteLen {
					text = append(text, byte(r))
				} else {
					text = utf8.AppendRune(text, r)
				}
				j += n
				escapes++
				continue
			}
			text = append(text, content[j])
			j++
		}
		if escapes > 0 && len(text) >= minDecoded {
			budget.spend(len(text))
			out = append(out, segment{start: start, end: j, text: text, how: how})
		}
		i = max(j, i+1) - 1
	}
	return out
}

// percentAt decodes %XX or %uXXXX at the start of b.
func percentAt(b []byte) (int, rune) {
	if len(b) >= 6 && b[0] == '%' && (b[1] == 'u' || b[1] == 'U') {
		if r, ok := hexRune(b[2:6]); ok {
			return 6, r
		}
	}
	if len(b) >= 3 && b[0] == '%' {
		if r, ok := hexRune(b[1:3]); ok {
			return 3, r
		}
	}
	return 0, 0
}

// hexRune reads b, all hex digits, as a code point.
func hexRune(b []byte) (rune, bool) {
	if len(b) == 0 || len(b) > 8 {
		return 0, false
	}
	var v rune
	for _, c := range b {
		if !hexDigit[c] {
			return 0, false
		}
		v = v<<4 | rune(hexVal(c))
	}
	return v, v <= utf8.MaxRune
}

func hexVal(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

func urlChar(c byte) bool {
	return c > 0x20 && c < 0x7f && c != '"' && c != '\'' && c != '<' && c != '>' && c != '`' && c != '\\'
}

// softBreakSegments joins the lines a soft line break splits, where a
// token can be cut in two and found in neither half: quoted-printable's
// "=" at the end of a line (mail, MIME parts; its =XX escapes are decoded
// too) and a backslash before the newline (shell, Dockerfile, C and Python
// continuations). A run of joined lines is a segment when a break in it
// falls between two characters a token holds (a continued command line,
// "--flag \", is not one). Runs are bounded by the text they join, so
// they do not count against the decode budget; what they find is
// reported once (see Engine.scan).
func softBreakSegments(content []byte, budget *budget) []segment {
	var out []segment
	// the breaks are found by what ends them, each kind searched for at
	// memchr speed (most text holds none), not line by line
	patterns := softBreaks[:2]
	if bytes.IndexByte(content, '\r') >= 0 {
		patterns = softBreaks[:]
	}
	next := [len(softBreaks)]int{-2, -2, -2, -2} // each kind's next newline; -2 not looked for, -1 none
	for at := 0; at < len(content); {
		i := -1
		for k, p := range patterns {
			if next[k] == -2 || next[k] >= 0 && next[k] < at {
				next[k] = -1
				if j := bytes.Index(content[at:], p); j >= 0 {
					next[k] = at + j + len(p) - 1
				}
			}
			if next[k] >= 0 && (i < 0 || next[k] < i) {
				i = next[k]
			}
		}
		if i < 0 {
			break
		}
		at = i + 1
		marker, ok := softBreakBefore(content, i)
		if !ok {
			continue
		}
		seg, end, ok := softRun(content, i, marker)
		at = end
		if ok {
			out = append(out, seg)
		}
	}
	return out
}

// softRun gathers the run of lines joined across soft breaks of marker
// from the line whose soft break ends at the newline at i: the segment,
// when a break in it splits a token, and where the search for the next
// run goes on (past i). A run's text ends once it is maxSoftRun long; the
// next run then starts with the last line this one joined.
func softRun(content []byte, i int, marker byte) (segment, int, bool) {
	// the run: from the start of this line to the end of the first
	// line after it that does not end in the same soft break
	start := bytes.LastIndexByte(content[:i], '\n') + 1
	var text []byte
	splits := false
	var at, end int // where the search goes on, where the run ends
	last := -1      // where the last line joined starts, once a break is
	for line := start; ; {
		end = len(content)
		if nl := bytes.IndexByte(content[line:], '\n'); nl >= 0 {
			end = line + nl
		}
		m, soft := softBreakBefore(content, end)
		soft = soft && m == marker
		if soft && marker == '=' && end-line > maxQPLine {
			soft = false // longer than quoted-printable writes a line
		}
		cut := soft && last > start && len(text) >= maxSoftRun
		body := content[line:end]
		if marker == '\\' && line != start {
			// YAML's double-quoted and TOML's multi-line strings drop
			// the next line's indentation with the break
			body = bytes.TrimLeft(body, " \t")
		}
		if cut {
			// the run's text is as long as it may be: the next run
			// starts with the last line joined, so the break after it
			// is joined there
			at, end = last, line
			break
		}
		last = line
		text = appendSoftLine(text, body, marker, soft)
		if !soft {
			at = max(end, i+1) // on past the first break either way
			end = at
			break
		}
		splits = splits || splitsToken(content, end, marker)
		line = end + 1
	}
	if !splits || len(text) < minDecoded {
		return segment{}, at, false
	}
	how := "line continuations"
	if marker == '=' {
		how = "quoted-printable"
	}
	return segment{start: start, end: end, text: text, how: how, joined: true}, at, true
}

// softBreaks are the ends of lines a soft break ends, LF ones first.
var softBreaks = [...][]byte{[]byte("=\n"), []byte("\\\n"), []byte("=\r\n"), []byte("\\\r\n")}

// maxQPLine is the longest line quoted-printable writes (76 characters,
// its soft break included; a CR and some slack besides).
const maxQPLine = 80

// splitsToken reports whether the soft break ending at the newline at i
// falls between two characters a token holds (after a backslash's break,
// past the next line's indentation).
func splitsToken(content []byte, i int, marker byte) bool {
	j := i - 1
	if content[j] == '\r' {
		j--
	}
	k := i + 1
	for marker == '\\' && k < len(content) && (content[k] == ' ' || content[k] == '\t') {
		k++
	}
	return j > 0 && k < len(content) && tokenChar(content[j-1]) && tokenChar(content[k])
}

func tokenChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// maxSoftRun bounds the text one run of joined lines is gathered into.
const maxSoftRun = 1 << 20

// softBreakBefore reports whether the newline at i ends a line with a
// soft break ("=" or a backslash, before an optional CR), and which.
func softBreakBefore(content []byte, i int) (byte, bool) {
	if i >= len(content) {
		return 0, false
	}
	j := i - 1
	if j >= 0 && content[j] == '\r' {
		j--
	}
	if j < 0 || content[j] != '=' && content[j] != '\\' {
		return 0, false
	}
	if j > 0 && content[j-1] == content[j] {
		// an escaped backslash, or "==", which quoted-printable never
		// writes (base64 padding)
		return 0, false
	}
	return content[j], true
}

// appendSoftLine appends a line of a run to text: without its soft break
// (and CR) when it ends in one, and, in quoted-printable, with =XX
// decoded.
func appendSoftLine(text, line []byte, marker byte, soft bool) []byte {
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if soft {
		line = line[:len(line)-1]
	}
	if marker != '=' {
		return append(text, line...)
	}
	for k := 0; k < len(line); k++ {
		if line[k] == '=' && k+2 < len(line) && hexDigit[line[k+1]] && hexDigit[line[k+2]] {
			text = append(text, hexVal(line[k+1])<<4|hexVal(line[k+2]))
			k += 2
			continue
		}
		text = append(text, line[k])
	}
	return text
}

// escapeSegments decodes runs holding backslash escapes: \uXXXX and \xXX
// (JSON, JS, Python, C), \UXXXXXXXX (Python, C), \u{X..} (JS, Rust,
// Swift), \x{X..} (Perl, PCRE) and CSS's \X.. (one to six hex digits and
// an optional space).
func escapeSegments(content []byte, budget *budget) []segment {
	return escapedRuns(content, budget, []byte{'\\'}, literalChar, literalChar, escapeAt, 0, "escapes")
}

// octalSegments decodes runs holding octal escapes of bytes (\147, as C,
// shell printf and git's quoted paths write them), which escapeSegments
// reads as CSS escapes.
func octalSegments(content []byte, budget *budget) []segment {
	return escapedRuns(content, budget, []byte{'\\'}, literalChar, literalChar, octalAt, 4, "octal escapes")
}

// octalAt decodes \NNN, three octal digits up to 377, at the start of b.
func octalAt(b []byte) (int, rune) {
	if len(b) < 4 || b[0] != '\\' || b[1] < '0' || b[1] > '3' || b[2] < '0' || b[2] > '7' || b[3] < '0' || b[3] > '7' {
		return 0, 0
	}
	return 4, rune(b[1]-'0')<<6 | rune(b[2]-'0')<<3 | rune(b[3]-'0')
}

// literalChar is a byte that can be part of a quoted string literal's run.
func literalChar(c byte) bool { return c > 0x20 && c != '"' && c != '\'' }

// escapeAt decodes a backslash escape at the start of b.
func escapeAt(b []byte) (int, rune) {
	if len(b) < 2 || b[0] != '\\' {
		return 0, 0
	}
	switch b[1] {
	case 'u', 'x':
		if len(b) >= 4 && b[2] == '{' {
			if end := bytes.IndexByte(b[3:min(len(b), 12)], '}'); end > 0 {
				if r, ok := hexRune(b[3 : 3+end]); ok {
					return 4 + end, r
				}
			}
			return 0, 0
		}
		n := 4
		if b[1] == 'x' {
			n = 2
		}
		if len(b) >= 2+n {
			if r, ok := hexRune(b[2 : 2+n]); ok {
				return 2 + n, r
			}
		}
	case 'U':
		if len(b) >= 10 {
			if r, ok := hexRune(b[2:10]); ok {
				return 10, r
			}
		}
	default:
		// CSS: one to six hex digits, then an optional space
		k := 1
		for k < len(b) && k <= 6 && hexDigit[b[k]] {
			k++
		}
		if k == 1 {
			return 0, 0
		}
		r, ok := hexRune(b[1:k])
		if !ok {
			return 0, 0
		}
		if k < len(b) && b[k] == ' ' {
			k++
		}
		return k, r
	}
	return 0, 0
}

// entitySegments decodes runs holding HTML and XML numeric character
// references (&#103; and &#x67;).
func entitySegments(content []byte, budget *budget) []segment {
	back := func(c byte) bool { return urlChar(c) && c != '>' }
	fwd := func(c byte) bool { return literalChar(c) && c != '<' }
	return escapedRuns(content, budget, []byte("&#"), back, fwd, entityAt, 0, "character references")
}

// entityAt decodes &#NNN; or &#xHH; at the start of b (the ';' may be
// missing, as browsers accept).
func entityAt(b []byte) (int, rune) {
	if len(b) < 3 || b[0] != '&' || b[1] != '#' {
		return 0, 0
	}
	k, hex := 2, false
	if b[2] == 'x' || b[2] == 'X' {
		k, hex = 3, true
	}
	d := k
	var v rune
	for d < len(b) && d-k < 8 {
		c := b[d]
		switch {
		case hex && hexDigit[c]:
			v = v<<4 | rune(hexVal(c))
		case !hex && c >= '0' && c <= '9':
			v = v*10 + rune(c-'0')
		default:
			goto done
		}
		d++
	}
done:
	if d == k || v > utf8.MaxRune {
		return 0, 0
	}
	if d < len(b) && b[d] == ';' {
		d++
	}
	return d, v
}

// codePointSegments decodes runs of Unicode code point notation: U+0067
// U+0068 ..., separated by spaces or commas.
func codePointSegments(content []byte, budget *budget) []segment {
	var out []segment
	for i := 0; i+5 < len(content) && budget.left() > 0; i++ {
		next := bytes.Index(content[i:], []byte("U+"))
		if next < 0 {
			break
		}
		i += next
		start, j := i, i
		var text []byte
		for j < len(content) {
			n, r := codePointAt(content[j:])
			if n == 0 {
				break
			}
			text = utf8.AppendRune(text, r)
			end := j + n
			j = end
			for j < len(content) && (content[j] == ' ' || content[j] == ',') {
				j++
			}
			if n2, _ := codePointAt(content[j:]); n2 == 0 {
				j = end
				break
			}
		}
		if len(text) >= minDecoded {
			budget.spend(len(text))
			out = append(out, segment{start: start, end: j, text: text, how: "code points"})
		}
		i = max(j, i+1) - 1
	}
	return out
}

// codePointAt decodes U+ and four to six hex digits at the start of b.
func codePointAt(b []byte) (int, rune) {
	if len(b) < 6 || b[0] != 'U' || b[1] != '+' {
		return 0, 0
	}
	k := 2
	for k < len(b) && k < 8 && hexDigit[b[k]] {
		k++
	}
	if k < 6 {
		return 0, 0
	}
	r, ok := hexRune(b[2:k])
	if !ok {
		return 0, 0
	}
	return k, r
}
