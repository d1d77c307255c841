package suppress

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/finding"
)

// IgnoreFileName is the ignore file looked for at a repository's root.
const IgnoreFileName = ".leakhoundignore"

// Entry is one accepted fingerprint pattern: path:rule:hash, where the path
// and rule parts may hold '*' (any run of characters, '/' included) and the
// hash part is 16 hex digits or '*'.
type Entry struct {
	Path, Rule, Hash string
	Source           string // file:line, for messages
	used             bool
}

func (e *Entry) String() string { return e.Path + ":" + e.Rule + ":" + e.Hash }

// List is an ignore file or a baseline.
type List struct {
	Name    string
	Entries []*Entry
}

// Broad describes the entries that accept far more than a few findings:
// any secret at any path, for one rule or for all.
func (l *List) Broad() []string {
	var out []string
	for _, e := range l.Entries {
		if e.Hash == "*" && strings.Trim(e.Path, "*") == "" {
			out = append(out, fmt.Sprintf("%s: %q accepts every secret%s at every path", e.Source, e.String(), ruleScope(e.Rule)))
		}
	}
	return out
}

func ruleScope(rule string) string {
	if strings.Trim(rule, "*") == "" {
		return ""
	}
	return " of rule " + rule
}

// Parse reads entries: one per line, blank lines and '#' comments skipped.
// Every malformed line is reported, with its line number.
func Parse(name string, r io.Reader) (*List, error) {
	l := &List{Name: name}
	var errs []error
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; s.Scan(); n++ {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		// a trailing comment follows white space: "docs/*:*:*  # why"
		if i := strings.IndexAny(line, " \t"); i >= 0 {
			if rest := strings.TrimSpace(line[i:]); strings.HasPrefix(rest, "#") {
				line = line[:i]
			}
		}
		e, err := parseEntry(line)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %w", name, n, err))
			continue
		}
		e.Source = fmt.Sprintf("%s:%d", name, n)
		l.Entries = append(l.Entries, e)
	}
	if err := s.Err(); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", name, err))
	}
	return l, errors.Join(errs...)
}

func parseEntry(line string) (*Entry, error) {
	i := strings.LastIndexByte(line, ':')
	if i < 0 {
		return nil, fmt.Errorf("%q is not path:rule:hash", line)
	}
	j := strings.LastIndexByte(line[:i], ':')
	if j < 0 {
		return nil, fmt.Errorf("%q is not path:rule:hash", line)
	}
	e := &Entry{Path: line[:j], Rule: line[j+1 : i], Hash: line[i+1:]}
	if e.Path == "" || e.Rule == "" {
		return nil, fmt.Errorf("%q has an empty path or rule (use * for any)", line)
	}
	if e.Hash != "*" && !isHex16(e.Hash) {
		return nil, fmt.Errorf("%q: the hash part must be 16 hex digits (as in a finding's fingerprint) or *", line)
	}
	return e, nil
}

func isHex16(s string) bool {
	if len(s) != 16 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}

// Load reads a list from a file, naming it display in messages; a missing
// file is an empty list when optional is set.
func Load(path, display string, optional bool) (*List, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if optional && errors.Is(err, os.ErrNotExist) {
			return &List{Name: display}, nil
		}
		return nil, err
	}
	return Parse(display, bytes.NewReader(data))
}

// Match returns the entry that accepts f, if any, and marks it used.
func (l *List) Match(f *finding.Finding) (*Entry, bool) {
	if l == nil {
		return nil, false
	}
	hash := finding.SecretHash(f.Secret.Reveal())
	for _, e := range l.Entries {
		if (e.Hash == "*" || e.Hash == hash) && glob(e.Rule, f.RuleID) && glob(e.Path, f.Path) {
			e.used = true
			return e, true
		}
	}
	return nil, false
}

// Unused lists the entries that matched nothing.
func (l *List) Unused() []*Entry {
	var out []*Entry
	for _, e := range l.Entries {
		if !e.used {
			out = append(out, e)
		}
	}
	return out
}

// glob matches s against a pattern where '*' stands for any run of
// characters ('/' included) and everything else is literal.
func glob(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

// WriteBaseline writes the findings' fingerprints, sorted and unique: no
// secret, no line number, no commit id, so the file is stable and safe to
// commit and review.
func WriteBaseline(w io.Writer, fs []finding.Finding) error {
	seen := map[string]bool{}
	var lines []string
	for i := range fs {
		fp := fs[i].Fingerprint()
		if !seen[fp] {
			seen[fp] = true
			lines = append(lines, fp)
		}
	}
	sort.Strings(lines)
	bw := bufio.NewWriter(w)
	bw.WriteString("# leakhound baseline: accepted findings as path:rule:sha256(secret)[:16], one per line.\n")
	bw.WriteString("# Made with --write-baseline; use with --baseline. A renamed file changes the path part.\n")
	for _, l := range lines {
		bw.WriteString(l + "\n")
	}
	return bw.Flush()
}
