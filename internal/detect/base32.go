package detect

import "encoding/base32"

// Base32 (RFC 4648: A-Z and 2-7, "=" padding), as base32(1), Python's
// b32encode and Go's encoding/base32 write it: a run of minBase32Run or
// more characters is decoded where it holds text. Few texts hold long
// runs of capitals and digits alone, so the search crosses most text in
// strides.

// minBase32Run is the shortest base32 run worth decoding (20 bytes).
const minBase32Run = 32

var base32Char [256]bool

var rawBase32 = base32.StdEncoding.WithPadding(base32.NoPadding)

func init() {
	for c := 'A'; c <= 'Z'; c++ {
		base32Char[c] = true
	}
	for c := '2'; c <= '7'; c++ {
		base32Char[c] = true
	}
}

// base32Segments decodes the base32 runs in content that hold text.
func base32Segments(content []byte, budget *budget) []segment {
	return scanBase32(content, budget, true)
}

// scanBase32 is base32Segments; stride false looks at every byte (the
// reference the fuzzer holds the strided scan to).
func scanBase32(content []byte, budget *budget, stride bool) []segment {
	return scanRuns(content, budget, &base32Char, minBase32Run, stride, decodeBase32Run)
}

// decodeBase32Run decodes the run content[start:end] into scratch and
// returns it as a segment when it holds text. 8 characters hold 5 bytes;
// a run's last group may be cut short (its padding is not in the class),
// or the run may go on into text: then its whole groups are decoded.
func decodeBase32Run(content []byte, start, end int, scratch *[]byte) (segment, bool) {
	run := content[start:end]
	n := rawBase32.DecodedLen(len(run))
	if cap(*scratch) < n {
		*scratch = make([]byte, n)
	}
	decoded := (*scratch)[:n]
	k, err := rawBase32.Decode(decoded, run)
	if err != nil {
		if k, err = rawBase32.Decode(decoded, run[:len(run)/8*8]); err != nil {
			return segment{}, false
		}
	}
	return textSegment(decoded[:k], start, end, "base32")
}
