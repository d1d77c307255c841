// Package gitleaks converts a gitleaks configuration (.gitleaks.toml) into
// leakhound's (.leakhound.toml), saying what cannot be carried over instead
// of dropping it, and parses .gitleaksignore fingerprints. Where gitleaks and leakhound differ, the conversion errs
// towards reporting more: an allowlist that cannot be expressed is left out,
// never widened.
package gitleaks

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/leakhound/leakhound/internal/rule"
)

// Config is a gitleaks configuration file as gitleaks reads it (keys are
// matched without regard to case, as gitleaks' own loader does).
type Config struct {
	Title       string `toml:"title"`
	Description string `toml:"description"`
	MinVersion  string `toml:"minVersion"`
	Extend      struct {
		Path          string   `toml:"path"`
		URL           string   `toml:"url"`
		UseDefault    bool     `toml:"useDefault"`
		DisabledRules []string `toml:"disabledRules"`
	} `toml:"extend"`
	Rules []Rule `toml:"rules"`
	// Allowlist is the deprecated single global allowlist; Allowlists
	// the current form, which may target rules.
	Allowlist  *Allowlist  `toml:"allowlist"`
	Allowlists []Allowlist `toml:"allowlists"`
}

// Rule is one gitleaks [[rules]] entry.
type Rule struct {
	ID          string      `toml:"id"`
	Description string      `toml:"description"`
	Regex       string      `toml:"regex"`
	SecretGroup int         `toml:"secretGroup"`
	Entropy     float64     `toml:"entropy"`
	Keywords    []string    `toml:"keywords"`
	Path        string      `toml:"path"`
	Tags        []string    `toml:"tags"`
	Allowlist   *Allowlist  `toml:"allowlist"`
	Allowlists  []Allowlist `toml:"allowlists"`
	Required    []struct {
		ID string `toml:"id"`
	} `toml:"required"`
	SkipReport bool `toml:"skipReport"`
}

// Allowlist is a gitleaks allowlist, per rule or global.
type Allowlist struct {
	Description string   `toml:"description"`
	Condition   string   `toml:"condition"`
	Commits     []string `toml:"commits"`
	Paths       []string `toml:"paths"`
	RegexTarget string   `toml:"regexTarget"`
	Regexes     []string `toml:"regexes"`
	StopWords   []string `toml:"stopwords"`
	TargetRules []string `toml:"targetRules"`
}

// Parse decodes a gitleaks configuration.
func Parse(name string, data []byte) (*Config, error) {
	var c Config
	if _, err := toml.Decode(string(data), &c); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &c, nil
}

// Result is a converted configuration and what could not be carried over.
type Result struct {
	Rules []rule.Rule
	Allow rule.Allow
	// Notes say, one per line, what was changed or left out and why.
	Notes []string
}

// Convert turns c into leakhound rules and a global allowlist. taken holds
// the ids leakhound already uses (its default rules): an imported rule
// with such an id is renamed gitleaks-<id>.
func Convert(c *Config, taken map[string]bool) Result {
	var res Result
	note := func(format string, args ...any) { res.Notes = append(res.Notes, fmt.Sprintf(format, args...)) }
	if c.Extend.UseDefault {
		note("[extend] useDefault: gitleaks' default rules are not imported; leakhound's own default rules stay on")
	}
	if c.Extend.Path != "" || c.Extend.URL != "" {
		// Load follows paths; gitleaks itself does not follow URLs yet
		note("[extend] %s: the configuration it extends is not imported; convert it too and merge the rules", firstOf(c.Extend.Path, c.Extend.URL))
	}
	if len(c.Extend.DisabledRules) > 0 {
		note("[extend] disabledRules %s name gitleaks default rules, which are not imported: nothing to disable", strings.Join(c.Extend.DisabledRules, ", "))
	}

	ids := map[string]string{} // gitleaks id -> leakhound id
	for i := range c.Rules {
		r := &c.Rules[i]
		where := fmt.Sprintf("rule %q", r.ID)
		if r.ID == "" {
			note("rule %d has no id: skipped", i+1)
			continue
		}
		if r.SkipReport {
			note("%s: skipReport (only a part of composite rules): skipped", where)
			continue
		}
		if len(r.Required) > 0 {
			note("%s: required rules (a composite rule) are not supported: imported as a plain rule, reported without its companions", where)
		}
		out := rule.Rule{
			ID:           r.ID,
			Description:  firstOf(r.Description, r.ID),
			Regex:        r.Regex,
			SecretGroup:  r.SecretGroup,
			Entropy:      r.Entropy,
			FileKeywords: lower(r.Keywords), // gitleaks keywords prefilter the fragment, not the match
			Path:         r.Path,
			Tags:         append(slices.Clone(r.Tags), "gitleaks"),
		}
		if taken[out.ID] {
			out.ID = "gitleaks-" + out.ID
			note("%s: renamed %s (leakhound has a default rule with that id)", where, out.ID)
		}
		if out.Regex == "" {
			if out.Path == "" {
				note("%s: no regex and no path: skipped", where)
				continue
			}
			// a path-only rule reports the file: its first line stands in
			out.Regex = `\A[\r\n]*([^\r\n]{1,200})`
			out.SecretGroup = 1
			note("%s: path-only rule: reported at the file's first line", where)
		}
		for _, a := range r.allowlists() {
			out.Allow = mergeAllow(out.Allow, a, where, note)
		}
		ids[r.ID] = out.ID
		res.Rules = append(res.Rules, out)
	}

	for _, a := range c.globalAllowlists() {
		if len(a.TargetRules) == 0 {
			res.Allow = mergeAllow(res.Allow, a, "global allowlist", note)
			continue
		}
		for _, target := range a.TargetRules {
			id, ok := ids[target]
			if !ok {
				note("global allowlist for rule %q: no such imported rule: skipped", target)
				continue
			}
			for i := range res.Rules {
				if res.Rules[i].ID == id {
					res.Rules[i].Allow = mergeAllow(res.Rules[i].Allow, a, fmt.Sprintf("allowlist targeting rule %q", target), note)
				}
			}
		}
	}
	return res
}

// mergeAllow adds gitleaks allowlist a to dst. What leakhound cannot
// express is left out (so more is reported, never less) and noted.
func mergeAllow(dst rule.Allow, a Allowlist, where string, note func(string, ...any)) rule.Allow {
	if len(a.Commits) > 0 {
		note("%s: %d commit(s) allowed: leakhound allows by content, not by commit; accept those findings with --write-baseline or .leakhoundignore instead", where, len(a.Commits))
	}
	kinds := 0
	for _, n := range []int{len(a.Paths), len(a.Regexes), len(a.StopWords)} {
		if n > 0 {
			kinds++
		}
	}
	switch {
	case strings.EqualFold(a.Condition, "AND") && kinds > 1:
		note("%s: condition AND (every part must match) cannot be expressed: this allowlist is left out, so its findings are reported", where)
		return dst
	case a.Condition != "" && !strings.EqualFold(a.Condition, "AND") && !strings.EqualFold(a.Condition, "OR"):
		note("%s: condition %q is neither AND nor OR (gitleaks refuses it): this allowlist is left out, so its findings are reported", where, a.Condition)
		return dst
	}
	target := strings.ToLower(a.RegexTarget)
	if target == "" {
		target = rule.TargetSecret
	}
	regexes := a.Regexes
	switch target {
	case rule.TargetSecret, rule.TargetMatch, rule.TargetLine:
	default:
		if len(regexes) > 0 {
			note("%s: regexTarget %q is not secret, match or line (gitleaks refuses it): its regexes are left out, so their findings are reported", where, a.RegexTarget)
		}
		regexes = nil
	}
	if len(regexes) > 0 && dst.RegexTarget != "" && len(dst.Regexes) > 0 && dst.RegexTarget != target {
		note("%s: regexes on the %s are left out: the rule already allows regexes on the %s, and a rule has one target", where, target, dst.RegexTarget)
		regexes = nil
	}
	if len(regexes) > 0 {
		dst.RegexTarget = target
	}
	dst.Paths = append(dst.Paths, a.Paths...)
	dst.Regexes = append(dst.Regexes, regexes...)
	dst.Stopwords = append(dst.Stopwords, a.StopWords...)
	return dst
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func lower(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Write renders res as a .leakhound.toml. Strings are TOML literal strings
// where they can be, so regexes read as written.
func Write(res Result, source string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Converted from %s by `leakhound rules import-gitleaks`.\n", source)
	for _, n := range res.Notes {
		fmt.Fprintf(&b, "# note: %s\n", oneLine(n))
	}
	b.WriteString("\n[extend]\ndefault = true  # leakhound's own rules (GitHub, Anaconda, private keys) stay on\n")
	if !emptyAllow(res.Allow) {
		b.WriteString("\n[allow]\n")
		writeAllow(&b, res.Allow)
	}
	for _, r := range res.Rules {
		b.WriteString("\n[[rules]]\n")
		fmt.Fprintf(&b, "id = %s\n", quote(r.ID))
		fmt.Fprintf(&b, "description = %s\n", quote(r.Description))
		fmt.Fprintf(&b, "regex = %s\n", quote(r.Regex))
		if r.SecretGroup > 0 {
			fmt.Fprintf(&b, "secret_group = %d\n", r.SecretGroup)
		}
		if r.Entropy > 0 {
			fmt.Fprintf(&b, "entropy = %v\n", r.Entropy)
		}
		if len(r.FileKeywords) > 0 {
			fmt.Fprintf(&b, "file_keywords = %s\n", quoteList(r.FileKeywords))
		}
		if r.Path != "" {
			fmt.Fprintf(&b, "path = %s\n", quote(r.Path))
		}
		if len(r.Tags) > 0 {
			fmt.Fprintf(&b, "tags = %s\n", quoteList(r.Tags))
		}
		if !emptyAllow(r.Allow) {
			b.WriteString("[rules.allow]\n")
			writeAllow(&b, r.Allow)
		}
	}
	return b.Bytes()
}

func emptyAllow(a rule.Allow) bool {
	return len(a.Paths) == 0 && len(a.Regexes) == 0 && len(a.Stopwords) == 0
}

func writeAllow(b *bytes.Buffer, a rule.Allow) {
	if len(a.Paths) > 0 {
		fmt.Fprintf(b, "paths = %s\n", quoteList(a.Paths))
	}
	if len(a.Regexes) > 0 {
		fmt.Fprintf(b, "regexes = %s\n", quoteList(a.Regexes))
		if a.RegexTarget != "" && a.RegexTarget != rule.TargetSecret {
			fmt.Fprintf(b, "regex_target = %s\n", quote(a.RegexTarget))
		}
	}
	if len(a.Stopwords) > 0 {
		sw := slices.Clone(a.Stopwords)
		sort.Strings(sw)
		fmt.Fprintf(b, "stopwords = %s\n", quoteList(slices.Compact(sw)))
	}
}

// quote writes s as a TOML string: a literal string when s has no single
// quote, line break or control character (regexes then read as written),
// else a basic string as the TOML encoder writes it.
func quote(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r == '\'' || r < 0x20 || r == 0x7f }) {
		return "'" + s + "'"
	}
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(struct{ V string }{s}); err != nil {
		panic(err) // a struct of one string always encodes
	}
	return strings.TrimSuffix(strings.TrimPrefix(b.String(), "V = "), "\n")
}

func quoteList(ss []string) string {
	if len(ss) <= 3 {
		q := make([]string, len(ss))
		for i, s := range ss {
			q[i] = quote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	var b strings.Builder
	b.WriteString("[\n")
	for _, s := range ss {
		b.WriteString("  " + quote(s) + ",\n")
	}
	b.WriteString("]")
	return b.String()
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }
