package detect

import "math"

// Entropy returns the Shannon entropy of s in bits per byte.
func Entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	var h float64
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// maxBlock is the longest block repeatsBlock looks for.
const maxBlock = 32

// repeatsBlock reports whether s is one block of at most maxBlock bytes
// written at least twice over (the last copy may be cut short), as
// placeholders are: "deadbeefdeadbeef…", "1a2b3c4d5e1a2b3c4d5e…". A
// random token of 16 bytes or more does that with negligible chance.
func repeatsBlock(s string) bool {
	if len(s) < 16 {
		return false
	}
	for p := 1; p <= maxBlock && 2*p <= len(s); p++ {
		if s[p:] == s[:len(s)-p] {
			return true
		}
	}
	return false
}
