package detect

import (
	"bytes"
	"strings"
)

// maxNestingLookback bounds how far underKey walks back for a key.
const maxNestingLookback = 64 << 10

// underKey reports whether the line holding pos sits in an indented block
// below a line whose key is one of keys (lower case), as in YAML:
//
//	appveyor:
//	  secure:
//	    BINSTAR_TOKEN: <encrypted>
//
// Each line with less indentation than the last one seen, walking back, is
// an enclosing key; blank and comment lines are skipped. A list item's
// "- " counts as indentation.
func underKey(content []byte, pos int, keys []string) bool {
	lineStart := bytes.LastIndexByte(content[:pos], '\n') + 1
	indent, _ := indentation(content[lineStart:])
	floor := max(0, lineStart-maxNestingLookback)
	for end := lineStart - 1; indent > 0 && end > floor; {
		start := bytes.LastIndexByte(content[floor:end], '\n') + 1 + floor
		line := content[start:end]
		end = start - 1
		n, rest := indentation(line)
		if len(rest) == 0 || rest[0] == '#' || n >= indent {
			continue
		}
		indent = n
		key, _, ok := strings.Cut(string(rest), ":")
		if !ok {
			continue
		}
		key = strings.ToLower(strings.Trim(strings.TrimSpace(key), `"'`))
		for _, k := range keys {
			if key == k {
				return true
			}
		}
	}
	return false
}

// indentation returns a line's indentation (spaces, tabs and list dashes)
// and the rest of it, without a trailing carriage return.
func indentation(line []byte) (int, []byte) {
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	line = bytes.TrimRight(line, "\r \t")
	n := 0
	for n < len(line) {
		switch {
		case line[n] == ' ' || line[n] == '\t':
			n++
		case line[n] == '-' && (n+1 == len(line) || line[n+1] == ' ' || line[n+1] == '\t'):
			n++
		default:
			return n, line[n:]
		}
	}
	return n, nil
}
