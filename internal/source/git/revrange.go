package git

import (
	"fmt"
	"strings"
)

// RevSpec is one revision argument: a commit to include, a commit to
// exclude (^A, the A of A..B), or a symmetric range A...B.
type RevSpec struct {
	Include []string
	Exclude []string
	// Symmetric pairs are A...B: commits reachable from either but not both.
	Symmetric [][2]string
}

// ParseRevArgs parses git-style revision arguments: REV, ^REV, A..B, A...B.
// An empty side means HEAD, as in git.
func ParseRevArgs(args []string) (RevSpec, error) {
	var s RevSpec
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n\x00") {
			return s, fmt.Errorf("invalid revision %q", a)
		}
		if strings.HasPrefix(a, "-") {
			return s, fmt.Errorf("invalid revision %q (flags go before revisions)", a)
		}
		if l, r, ok := strings.Cut(a, "..."); ok {
			if strings.Contains(r, "..") {
				return s, fmt.Errorf("invalid revision range %q", a)
			}
			s.Symmetric = append(s.Symmetric, [2]string{orHead(l), orHead(r)})
			continue
		}
		if l, r, ok := strings.Cut(a, ".."); ok {
			if strings.Contains(r, "..") || (l == "" && r == "") {
				return s, fmt.Errorf("invalid revision range %q", a)
			}
			s.Exclude = append(s.Exclude, orHead(l))
			s.Include = append(s.Include, orHead(r))
			continue
		}
		if rest, ok := strings.CutPrefix(a, "^"); ok {
			if rest == "" || strings.HasPrefix(rest, "^") {
				return s, fmt.Errorf("invalid revision %q", a)
			}
			s.Exclude = append(s.Exclude, rest)
			continue
		}
		s.Include = append(s.Include, a)
	}
	return s, nil
}

func orHead(s string) string {
	if s == "" {
		return "HEAD"
	}
	return s
}

// Empty reports whether no revision was given (meaning: every ref).
func (s RevSpec) Empty() bool {
	return len(s.Include) == 0 && len(s.Exclude) == 0 && len(s.Symmetric) == 0
}
