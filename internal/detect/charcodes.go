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

const (
	// minCharCodes is the fewest elements a run needs: the shortest
	// token the rules look for is longer
	minCharCodes = 16
	// maxCharGap bounds the bytes between two elements
	maxCharGap = 12
)

// codeClass holds the bytes a run of codes is written with: digits and
// hex digits, 0x, the separators of lists, and chr( and (char) around
// each code (a list's brackets are outside the run).
var codeClass = func() (c [256]bool) {
	for _, b := range []byte("0123456789abcdefABCDEFxXhHrR(),+.& \t\r\n") {
		c[b] = true
	}
	return c
}()

// minCodeBytes is the fewest bytes a run of codes takes: sixteen codes
// of two digits, one byte apart.
const minCodeBytes = 2*minCharCodes + minCharCodes - 1

// charCodeSegments returns the runs of character codes and character
// lists in content that hold a token-like run. Runs of codes are looked
// for inside stretches of codeClass bytes long enough to hold one, found
// in strides (prose and code are mostly letters outside it); lists of
// quoted characters where a quote is followed by one character and the
// same quote, each kind of quote found at memchr speed.
func charCodeSegments(content []byte, budget *budget) []segment {
	var out []segment
	var text []byte // a run being gathered (reused)
	add := func(start int) int {
		var end int
		text, end = charRun(content, start, text[:0])
		if len(text) >= minCharCodes && longestTokenRun(text) >= minJoinedToken {
			seg := segment{start: start, end: end, text: bytes.Clone(text), how: "character codes"}
			budget.spend(len(seg.text))
			out = append(out, seg)
		}
		return end
	}
	for i := 0; budget.left() > 0; {
		from, to, ok := nextRun(content, i, &codeClass, minCodeBytes, true)
		if !ok {
			break
		}
		i = to
		// sixteen codes hold sixteen digits at least: most stretches
		// (indentation, words of hex letters) hold fewer
		if digits := countDigits(content[from:to]); digits < minCharCodes {
			continue
		}
		for k := from; k < to && budget.left() > 0; {
			if n, _ := charElementAt(content, k); n > 0 {
				k = max(add(k), k+1)
			} else {
				k++
			}
		}
	}
	for _, q := range [...]byte{'\'', '"'} {
		last := -1
		for i := 0; budget.left() > 0; {
			j := bytes.IndexByte(content[i:], q)
			if j < 0 {
				break
			}
			a := i + j
			i = a + 1
			if a < last || a+2 >= len(content) || content[a+2] != q {
				continue
			}
			if n, _ := charElementAt(content, a); n > 0 {
				last = add(a)
				i = max(i, last)
			}
		}
	}
	if len(out) > 1 {
		// found two ways: in order, each run once
		slices.SortFunc(out, func(x, y segment) int { return cmp.Compare(x.start, y.start) })
		out = slices.CompactFunc(out, func(x, y segment) bool { return x.start == y.start })
	}
	return out
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

// countDigits is how many bytes of b are decimal digits.
func countDigits(b []byte) int {
	n := 0
	for _, c := range b {
		if c-'0' <= 9 {
			n++
		}
	}
	return n
}

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
