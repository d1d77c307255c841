package gitleaks

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// IgnoreEntry is one line of a .gitleaksignore: a gitleaks fingerprint,
// commit:path:rule:line from a git scan or path:rule:line from a directory
// scan. It names where a finding was, not what the secret is.
type IgnoreEntry struct {
	Commit string // empty for a directory-scan fingerprint
	Path   string
	Rule   string
	Line   int    // 1-based start line
	Raw    string // the line as written
	LineNo int    // its line in the file
}

// ParseIgnore reads a .gitleaksignore. Blank lines and '#' comments are
// skipped; every malformed line is an error naming its line, and the
// entries that parsed are returned with them.
func ParseIgnore(name string, data []byte) ([]IgnoreEntry, []error) {
	var out []IgnoreEntry
	var errs []error
	s := bufio.NewScanner(bytes.NewReader(data))
	s.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for s.Scan() {
		n++
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		e, err := parseFingerprint(line)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %w", name, n, err))
			continue
		}
		e.LineNo = n
		out = append(out, e)
	}
	if err := s.Err(); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", name, err))
	}
	return out, errs
}

// parseFingerprint splits from the right (a path may hold ':'): the last
// field is the line, the one before the rule, and a leading commit id (40
// or 64 hex digits) is split off when present.
func parseFingerprint(line string) (IgnoreEntry, error) {
	e := IgnoreEntry{Raw: line}
	i := strings.LastIndexByte(line, ':')
	if i < 0 {
		return e, fmt.Errorf("%q is not a gitleaks fingerprint (commit:path:rule:line or path:rule:line)", line)
	}
	n, err := strconv.Atoi(line[i+1:])
	if err != nil || n < 1 {
		return e, fmt.Errorf("%q: the last field must be a line number, not %q", line, line[i+1:])
	}
	e.Line = n
	rest := line[:i]
	j := strings.LastIndexByte(rest, ':')
	if j < 0 || j == len(rest)-1 {
		return e, fmt.Errorf("%q: no rule id before the line number", line)
	}
	e.Rule, rest = rest[j+1:], rest[:j]
	if k := strings.IndexByte(rest, ':'); k >= 0 && isCommitID(rest[:k]) {
		e.Commit, rest = rest[:k], rest[k+1:]
	}
	e.Path = strings.TrimPrefix(rest, "./")
	if e.Path == "" {
		return e, fmt.Errorf("%q: no path", line)
	}
	return e, nil
}

func isCommitID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
