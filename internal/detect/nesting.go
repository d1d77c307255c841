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
// "- " counts as indentation. A flow collection on the line itself counts
// too: `secure: {BINSTAR_TOKEN: <encrypted>}`.
func underKey(content []byte, pos int, keys []string) bool {
	lineStart := bytes.LastIndexByte(content[:pos], '\n') + 1
	if inFlowUnder(content[lineStart:pos], keys) {
		return true
	}
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

// inFlowUnder reports whether the text before a value on its line opens a
// flow collection under one of keys that is still open: `key: {` or
// `key: [`, with no closing bracket after it.
func inFlowUnder(before []byte, keys []string) bool {
	lower := bytes.ToLower(before)
	for _, k := range keys {
		for off := 0; ; {
			i := bytes.Index(lower[off:], []byte(k))
			if i < 0 {
				break
			}
			i += off
			off = i + 1
			if i > 0 && isKeyChar(lower[i-1]) {
				continue
			}
			rest := bytes.TrimLeft(lower[i+len(k):], `"'`)
			if len(rest) == 0 || rest[0] != ':' {
				continue
			}
			rest = bytes.TrimLeft(rest[1:], " \t")
			if len(rest) > 0 && (rest[0] == '{' || rest[0] == '[') && !bytes.ContainsAny(rest, "}]") {
				return true
			}
		}
	}
	return false
}

func isKeyChar(c byte) bool {
	return c == '_' || c == '-' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z'
}
