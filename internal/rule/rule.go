// Package rule owns the data that describes a detector: the Rule as written
// in TOML, its allowlist and examples, and the registry of named offline
// validators. It holds no compiled state; internal/detect compiles rules.
package rule

import (
	"fmt"
	"slices"
	"strings"
)

// Rule is one detector, decoded from a [[rules]] table.
type Rule struct {
	ID          string   `toml:"id"`
	Description string   `toml:"description"`
	Regex       string   `toml:"regex"`
	SecretGroup int      `toml:"secret_group"`
	Keywords    []string `toml:"keywords"`
	// FileKeywords, when set, limits the rule to files where one of these
	// words occurs anywhere (case-insensitively): in the file's path, in the
	// same window of the file (up to the engine's window size) or in the
	// same decoded text. They
	// give a rule the context of the whole file, where Keywords must occur
	// in the match itself.
	FileKeywords []string `toml:"file_keywords"`
	// Path, when set, limits the rule to files whose slash-separated path
	// matches this regular expression.
	Path        string   `toml:"path"`
	Entropy     float64  `toml:"entropy"`
	Validate    string   `toml:"validate"`
	Verify      string   `toml:"verify"`
	Tags        []string `toml:"tags"`
	Remediation string   `toml:"remediation"`
	Allow       Allow    `toml:"allow"`
	Examples    Examples `toml:"examples"`

	// Source names where the rule was defined ("file.toml:12"), for errors.
	Source string `toml:"-"`
	// BuiltIn marks leakhound's own rules (rules/*.toml), tested with the
	// project; a user's rules are checked for breadth when compiled.
	BuiltIn bool `toml:"-"`
	// SetRegex, when set, is what the engine's Set looks for on the rule's
	// behalf instead of Regex: a looser pattern whose matches include the
	// regex's (internal/relax), worked out for built-in rules when they
	// are generated.
	SetRegex string `toml:"-"`
}

// Allow says "this is not a secret". Paths and regexes are regular
// expressions; stopwords are case-insensitive substrings of the secret.
type Allow struct {
	Paths     []string `toml:"paths"`
	Regexes   []string `toml:"regexes"`
	Stopwords []string `toml:"stopwords"`
	// RegexTarget is what Regexes are matched against: "secret" (default),
	// "match" (the whole regex match) or "line".
	RegexTarget string `toml:"regex_target"`
	// UnderKeys allows a secret that sits in an indented block below one of
	// these keys (YAML and similar): encrypted CI values live under
	// `secure:`. Compared case-insensitively.
	UnderKeys []string `toml:"under_keys"`
}

// Check reports the allowlist's problems: a path or regex Go's regexp
// refuses, a regex target that is not secret, match or line (which would
// otherwise match regexes against the secret without a word).
func (a Allow) Check() []error {
	var errs []error
	for _, p := range slices.Concat(a.Paths, a.Regexes) {
		if _, err := CompileGo(p); err != nil {
			errs = append(errs, fmt.Errorf("invalid allow regex: %w", err))
		}
	}
	switch a.RegexTarget {
	case "", TargetSecret, TargetMatch, TargetLine:
	default:
		errs = append(errs, fmt.Errorf("allow.regex_target %q must be secret, match or line", a.RegexTarget))
	}
	return errs
}

// Merge returns an allowlist holding the entries of a and b. The regex target
// of a wins when both set one.
func (a Allow) Merge(b Allow) Allow {
	out := Allow{
		Paths:       slices.Concat(a.Paths, b.Paths),
		Regexes:     slices.Concat(a.Regexes, b.Regexes),
		Stopwords:   slices.Concat(a.Stopwords, b.Stopwords),
		RegexTarget: a.RegexTarget,
		UnderKeys:   slices.Concat(a.UnderKeys, b.UnderKeys),
	}
	if out.RegexTarget == "" {
		out.RegexTarget = b.RegexTarget
	}
	return out
}

// Regex targets.
const (
	TargetSecret = "secret"
	TargetMatch  = "match"
	TargetLine   = "line"
)

// Examples are a rule's own true and false positives. They may reference
// generated values as {{gen:NAME ARG}} (see internal/tokengen).
type Examples struct {
	Match   []string `toml:"match"`
	Nomatch []string `toml:"nomatch"`
	// Path is the file path the examples are scanned as (for rules with a path).
	Path string `toml:"path"`
}

// Check reports problems in the rule's plain data (not its regexes, which the
// engine compiles). Every problem is returned, each a *FieldError naming the
// key it is about.
func (r *Rule) Check() []error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, &FieldError{Key: key, Err: fmt.Errorf(format, args...)})
	}
	if r.ID == "" {
		add("id", "rule has no id")
	} else if strings.ContainsAny(r.ID, " \t:*") {
		add("id", "rule id %q may not contain spaces, ':' or '*'", r.ID)
	}
	if r.Regex == "" {
		add("", "rule %q has no regex", r.ID)
	} else if groups, err := Captures(r.Regex); err != nil {
		add("regex", "rule %q: invalid regex: %w", r.ID, err)
	} else if r.SecretGroup > groups {
		add("secret_group", "rule %q: secret_group %d but the regex has %d group(s)", r.ID, r.SecretGroup, groups)
	}
	if r.SecretGroup < 0 {
		add("secret_group", "rule %q: secret_group %d is negative", r.ID, r.SecretGroup)
	}
	if r.Path != "" {
		if _, err := CompileGo(r.Path); err != nil {
			add("path", "rule %q: invalid path regex: %w", r.ID, err)
		}
	}
	for _, err := range r.Allow.Check() {
		add("allow", "rule %q: %w", r.ID, err)
	}
	if r.Entropy < 0 || r.Entropy > 8 {
		add("entropy", "rule %q: entropy %v is outside 0..8 bits per byte", r.ID, r.Entropy)
	}
	if r.Validate != "" {
		if _, ok := Validators[r.Validate]; !ok {
			add("validate", "rule %q: unknown validator %q (known: %s)", r.ID, r.Validate, strings.Join(ValidatorNames(), ", "))
		}
	}
	for _, k := range slices.Concat(r.Keywords, r.FileKeywords) {
		if k == "" {
			add("keywords", "rule %q: empty keyword", r.ID)
		}
	}
	return errs
}

// FieldError is a problem with one key of a rule ("regex", "entropy"; empty
// when it is about the rule as a whole), so a caller can say on which line.
type FieldError struct {
	Key string
	Err error
}

func (e *FieldError) Error() string { return e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }
