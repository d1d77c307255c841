package detect

import (
	"bytes"
	"cmp"
	"slices"
)

// A token written as its characters' codes or as a list of its
// characters, as code builds a string it does not want read:
// String.fromCharCode(103, 104, 112, …) in JavaScript, bytes([0x67,
// 0x68, …]) and chr(103)+chr(104)+… in Python, {'g', 'h', 'p', …} in C
// or Java, ''.join(['g', 'h', …]). A run is at least minCharCodes such
// elements, each a printable ASCII character, every two of them apart by
// the same few bytes (", ", ")+chr(", a line break and the indentation);
// its text is the characters, scanned when it holds a run of
// minJoinedToken characters a token holds (numeric data seldom does).
// Elements apart only by spaces or line breaks are not read.

const (
	// minCharCodes is the fewest elements a run needs: the shortest
	// token the rules look for is longer
	minCharCodes = 16
	// maxCharGap bounds the bytes between two elements
	maxCharGap = 12
)

// charCodeSegments returns the runs of character codes and character
// lists in content that hold a token-like run. Runs are looked for where
// a comma, a plus or a dot (PHP's and Perl's chr(103).chr(104)) follows
// an element, each found at memchr speed, so prose and code are not read
// byte by byte: a run whose gaps hold none of them is not found (Visual
// Basic's Chr(103) & Chr(104), codes apart by spaces only).
func charCodeSegments(content []byte, budget *budget) []segment {
	var out []segment
	var text []byte // a run being gathered (reused)
	for _, sep := range [...]byte{',', '+', '.'} {
		last := -1 // where the last run found by this separator ended
		for i := 0; i < len(content) && budget.left() > 0; {
			j := bytes.IndexByte(content[i:], sep)
			if j < 0 {
				break
			}
			a := i + j
			i = a + 1
			start := elementBefore(content, a)
			if start < 0 || start < last {
				continue // not after an element, or in the last run
			}
			var end int
			text, end = charRun(content, start, text[:0])
			i, last = max(end, i), end
			if len(text) >= minCharCodes && longestTokenRun(text) >= minJoinedToken {
				seg := segment{start: start, end: end, text: bytes.Clone(text), how: "character codes"}
				budget.spend(len(seg.text))
				out = append(out, seg)
			}
		}
	}
	if len(out) > 1 {
		// found by kind of separator: in order, each run once
		slices.SortFunc(out, func(x, y segment) int { return cmp.Compare(x.start, y.start) })
		out = slices.CompactFunc(out, func(x, y segment) bool { return x.start == y.start })
	}
	return out
}

// elementBefore returns where the element that the separator at a
// follows starts (a digit or a quote ends it, then perhaps a parenthesis
// and spaces), or -1: most commas and dots follow words.
func elementBefore(content []byte, a int) int {
	p := a - 1
	for p >= 0 && a-p <= 3 && (content[p] == ' ' || content[p] == '\t') {
		p--
	}
	if p >= 0 && content[p] == ')' {
		p--
	}
	if p < 0 || !isDigit(content[p]) && content[p] != '"' && content[p] != '\'' {
		return -1
	}
	for s := max(0, p-3); s <= p; s++ {
		if n, _ := charElementAt(content, s); n > 0 && s+n == p+1 {
			return s
		}
	}
	return -1
}

// charRun gathers the run of elements from the one at start, every two
// apart by the same gap: their characters (appended to text) and where
// the run ends.
func charRun(content []byte, start int, text []byte) ([]byte, int) {
	n, c := charElementAt(content, start)
	text = append(text, c)
	end := start + n
	var gap []byte
	for {
		k := end
		for k < len(content) && k-end <= maxCharGap && !isDigit(content[k]) && content[k] != '"' && content[k] != '\'' {
			k++
		}
		if k-end > maxCharGap || gap != nil && !bytes.Equal(content[end:k], gap) {
			return text, end
		}
		m, c := charElementAt(content, k)
		if m == 0 {
			return text, end
		}
		gap = content[end:k]
		text = append(text, c)
		end = k + m
	}
}

// charElementAt decodes the element at content[k]: a decimal code (one to
// three digits), a hex one (0x and two digits) or a quoted character ('g'
// or "g"), standing for a printable ASCII character and not part of a
// longer word or number. It returns the element's length and character,
// or 0.
func charElementAt(content []byte, k int) (int, byte) {
	if k >= len(content) || k > 0 && (wordByte(content[k-1]) || content[k-1] == '.') {
		return 0, 0
	}
	rest := content[k:]
	var n, v int
	switch {
	case len(rest) >= 3 && (rest[0] == '\'' || rest[0] == '"') && rest[2] == rest[0]:
		if c := rest[1]; c >= 0x20 && c < 0x7f && c != '\\' {
			return 3, c
		}
		return 0, 0
	case len(rest) >= 4 && rest[0] == '0' && (rest[1] == 'x' || rest[1] == 'X') && hexDigit[rest[2]] && hexDigit[rest[3]]:
		n, v = 4, int(hexVal(rest[2])<<4|hexVal(rest[3]))
	case isDigit(rest[0]):
		for n < len(rest) && n < 4 && isDigit(rest[n]) {
			v = v*10 + int(rest[n]-'0')
			n++
		}
		if n > 3 {
			return 0, 0
		}
	default:
		return 0, 0
	}
	if n < len(rest) && (wordByte(rest[n]) || rest[n] == '.') {
		return 0, 0 // part of a longer number or a word
	}
	if v < 0x20 || v >= 0x7f {
		return 0, 0
	}
	return n, byte(v)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// wordByte is a byte of a word or a number.
func wordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) || c == '_'
}

// longestTokenRun is the length of the longest run of token characters in
// text.
func longestTokenRun(text []byte) int {
	longest, run := 0, 0
	for _, c := range text {
		if tokenChar(c) {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}
