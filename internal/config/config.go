// Package config owns configuration: decoding rule files strictly (unknown
// keys are errors), locating errors by file, line and rule, and merging the
// embedded default rules with a repository's .leakhound.toml or --config file.
package config

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"

	"github.com/leakhound/leakhound/internal/relax"
	"github.com/leakhound/leakhound/internal/rule"
	"github.com/leakhound/leakhound/internal/verify/endpoint"
	"github.com/leakhound/leakhound/rules"
)

// RepoFileName is the configuration file looked for at a repository's root.
const RepoFileName = ".leakhound.toml"

// File is one decoded configuration file.
type File struct {
	Extend Extend      `toml:"extend"`
	Allow  rule.Allow  `toml:"allow"`
	Rules  []rule.Rule `toml:"rules"`
	Verify Verify      `toml:"verify"`
	Scan   Scan        `toml:"scan"`

	name string
}

// Scan holds defaults for scanning flags, so that the pre-commit hook (a
// fixed `leakhound staged`) can be tuned. A flag given on the command line
// wins over these.
type Scan struct {
	// MaxFileSize is --max-file-size ("100MiB").
	MaxFileSize string `toml:"max_file_size"`
	// MaxDecodeDepth is --max-decode-depth.
	MaxDecodeDepth *int `toml:"max_decode_depth"`
	// Baseline is --baseline: a repository-relative path to a baseline,
	// read from where the config itself was read (the work tree, or the
	// base of a CI range).
	Baseline string `toml:"baseline"`
}

// MaxDecodeDepth bounds --max-decode-depth and [scan] max_decode_depth.
const MaxDecodeDepth = 8

// Extend says how a file relates to the default rules.
type Extend struct {
	// Default keeps the embedded default rules (true when unset).
	Default *bool    `toml:"default"`
	Disable []string `toml:"disable"`
}

// Verify configures --verify and revoke.
type Verify struct {
	// GitHubAPIURL is a GitHub Enterprise Server API base URL, used instead
	// of api.github.com.
	GitHubAPIURL string `toml:"github_api_url"`
}

// Setting is a configured value and where it was set.
type Setting struct {
	Value string
	File  string
	// FromRepo is true when the repository's own config set it.
	FromRepo bool
}

// Config is the merged result: the rules to compile and the global allowlist.
type Config struct {
	Rules []rule.Rule
	Allow rule.Allow
	// GitHubAPI is [verify] github_api_url, when a config sets it.
	GitHubAPI Setting
	// Files names the files that were loaded, defaults first.
	Files []string
	// ExamplesFile is the loaded repository or --config file, and Examples
	// its rules' example strings: token-shaped on purpose, and the only
	// text in that file that is not reported. FromRepo says the file is
	// the repository's own (at its root, whatever it was read from).
	ExamplesFile string
	Examples     []string
	FromRepo     bool
	// Scan is the loaded file's [scan] section, ScanFile its name.
	Scan     Scan
	ScanFile string
	// Warnings are things a user should know but that do not stop a scan,
	// such as a repository config disabling a default rule.
	Warnings []string
}

// Parse decodes one configuration file. All problems are returned at once,
// each prefixed with name:line:col where the position is known.
func Parse(name string, data []byte) (*File, error) {
	loc := newLocator(data)
	var errs []error
	// a value of the wrong type stops the decoder: note it, blank its line
	// (keeping line numbers) and decode again, so every error is reported
	lines := strings.Split(string(data), "\n")
	var f *File
	var md toml.MetaData
	for attempt := 0; ; attempt++ {
		f = &File{name: name}
		var err error
		md, err = toml.NewDecoder(strings.NewReader(strings.Join(lines, "\n"))).Decode(f)
		if err == nil {
			break
		}
		line, te := typeError(name, err, loc)
		if te == nil {
			return nil, errors.Join(append(errs, positionedError(name, err))...)
		}
		errs = append(errs, te)
		if line < 1 || line > len(lines) || strings.HasPrefix(lines[line-1], "#") || attempt > 100 {
			return nil, errors.Join(errs...)
		}
		lines[line-1] = "#"
	}
	if looksLikeGitleaks(md.Undecoded()) {
		// one clear error, not one per gitleaks key
		return nil, fmt.Errorf("%s looks like a gitleaks config (title, secretGroup, allowlists, useDefault...), which leakhound does not read directly: convert it with 'leakhound rules import-gitleaks %s > .leakhound.toml'", name, name)
	}
	for _, k := range md.Undecoded() {
		line := loc.keyLine(k)
		where := fmt.Sprintf("%s:%d", name, line)
		if k[0] == "rules" && line > 0 {
			if idx := loc.ruleAt(line); idx >= 0 && idx < len(f.Rules) {
				errs = append(errs, fmt.Errorf("%s: rule %q: unknown key %q", where, f.Rules[idx].ID, k.String()))
				continue
			}
		}
		if line == 0 {
			where = name
		}
		errs = append(errs, fmt.Errorf("%s: unknown key %q", where, k.String()))
	}
	if u := f.Verify.GitHubAPIURL; u != "" {
		if err := endpoint.Check(u); err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: [verify] github_api_url: %w", name, loc.keyLine([]string{"verify", "github_api_url"}), err))
		}
	}
	for _, e := range f.Allow.Check() {
		errs = append(errs, fmt.Errorf("%s:%d: [allow] %w", name, loc.keyLine([]string{"allow"}), e))
	}
	errs = append(errs, f.Scan.check(name, loc)...)
	for i := range f.Rules {
		f.Rules[i].Source = fmt.Sprintf("%s:%d", name, loc.ruleLine(i))
		for _, e := range f.Rules[i].Check() {
			where := f.Rules[i].Source
			var fe *rule.FieldError
			if errors.As(e, &fe) {
				where = fmt.Sprintf("%s:%d", name, loc.ruleKeyLine(i, fe.Key))
			}
			errs = append(errs, fmt.Errorf("%s: %w", where, e))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return f, nil
}

func positionedError(name string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		if pe.Position.Line > 0 {
			return fmt.Errorf("%s:%d:%d: %s", name, pe.Position.Line, pe.Position.Col, pe.Message)
		}
		return fmt.Errorf("%s: %s", name, pe.Message)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// ParseDefaults returns the default rule files in load order, as decoded
// when the binary was built (defaults_gen.go, from rules/*.toml by
// gendefaults: a hook must not spend its start-up parsing TOML). Each call
// returns its own copies.
func ParseDefaults() ([]*File, error) {
	out := make([]*File, len(builtinFiles))
	for i := range builtinFiles {
		f := builtinFiles[i]
		f.Rules = slices.Clone(f.Rules)
		out[i] = &f
	}
	return out, nil
}

// ParseDefaultsTOML decodes the embedded default rule files (rules/*.toml)
// in load order: what defaults_gen.go must hold.
func ParseDefaultsTOML() ([]*File, error) {
	var out []*File
	var errs []error
	for _, name := range rules.Files {
		data, err := rules.Read(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		f, err := Parse("rules/"+name, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for i := range f.Rules {
			f.Rules[i].BuiltIn = true
			if set := relax.SetExpr(f.Rules[i].Regex); set != f.Rules[i].Regex {
				f.Rules[i].SetRegex = set
			}
		}
		out = append(out, f)
	}
	return out, errors.Join(errs...)
}

// LoadOptions say which files to merge over the defaults.
type LoadOptions struct {
	// File is a config named by the user (--config). It replaces RepoFile.
	File string
	// FileData, when not nil, is File's content as read from where it is
	// trusted (the base of a CI range, for a file in the repository).
	FileData []byte
	// RepoFile is the repository's own config; it is skipped if missing.
	RepoFile string
	// RepoData, when not nil, is the repository's own config as read from
	// where it is trusted (the base of a CI range), named RepoName. It
	// replaces RepoFile.
	RepoData []byte
	RepoName string
}

// Load merges the default rules with the user's or repository's config.
func Load(opts LoadOptions) (*Config, error) {
	defaults, err := ParseDefaults()
	if err != nil {
		return nil, fmt.Errorf("default rules: %w", err)
	}
	var user *File
	var fromRepo bool
	switch {
	case opts.File != "":
		data := opts.FileData
		if data == nil {
			if data, err = os.ReadFile(opts.File); err != nil {
				return nil, fmt.Errorf("reading config: %w", err)
			}
		}
		if user, err = Parse(opts.File, data); err != nil {
			return nil, err
		}
	case opts.RepoData != nil:
		if user, err = Parse(opts.RepoName, opts.RepoData); err != nil {
			return nil, err
		}
		fromRepo = true
	case opts.RepoFile != "":
		data, err := os.ReadFile(opts.RepoFile)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("reading config: %w", err)
		}
		if err == nil {
			if user, err = Parse(opts.RepoFile, data); err != nil {
				return nil, err
			}
			fromRepo = true
		}
	}
	return merge(defaults, user, fromRepo)
}

// FromFiles merges already-parsed files: defaults, then an optional user file.
func merge(defaults []*File, user *File, fromRepo bool) (*Config, error) {
	cfg := &Config{}
	keepDefaults := user == nil || user.Extend.Default == nil || *user.Extend.Default
	var disable []string
	if user != nil {
		disable = user.Extend.Disable
	}
	known := map[string]bool{}
	if keepDefaults {
		for _, f := range defaults {
			cfg.Files = append(cfg.Files, f.name)
			cfg.Allow = cfg.Allow.Merge(f.Allow)
			for _, r := range f.Rules {
				known[r.ID] = true
				if !slices.Contains(disable, r.ID) {
					cfg.Rules = append(cfg.Rules, r)
				}
			}
		}
	}
	if user == nil {
		return cfg, nil
	}
	cfg.Files = append(cfg.Files, user.name)
	cfg.Scan, cfg.ScanFile = user.Scan, user.name
	if d := user.Scan.MaxDecodeDepth; fromRepo && d != nil && *d < DefaultDecodeDepth {
		cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s weakens scanning: [scan] max_decode_depth = %d, so secrets encoded more than %d layer(s) deep are not looked for", user.name, *d, *d))
	}
	if u := user.Verify.GitHubAPIURL; u != "" {
		cfg.GitHubAPI = Setting{Value: u, File: user.name, FromRepo: fromRepo}
	}
	if !keepDefaults && fromRepo {
		cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s turns off every default rule ([extend] default = false)", user.name))
	}
	for _, id := range disable {
		switch {
		case !known[id] && keepDefaults:
			cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s: [extend] disable names %q, which is not a default rule", user.name, id))
		case fromRepo:
			cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s disables the default rule %q", user.name, id))
		}
	}
	if fromRepo {
		for _, w := range broadAllow(user.Allow) {
			cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s weakens scanning: %s", user.name, w))
		}
	}
	cfg.Allow = cfg.Allow.Merge(user.Allow)
	for _, r := range user.Rules {
		if fromRepo && r.Verify != "" {
			// a change to the repository's config must not be able to
			// send what a rule of its making captures to a provider
			cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s: rule %q sets verify = %q, but rules from a repository's own config are never verified (only the defaults and a --config file's rules are)", r.Source, r.ID, r.Verify))
			r.Verify = ""
		}
		cfg.Rules = append(cfg.Rules, r)
	}
	cfg.ExamplesFile, cfg.FromRepo = user.name, fromRepo
	for _, r := range user.Rules {
		cfg.Examples = append(cfg.Examples, r.Examples.Match...)
		cfg.Examples = append(cfg.Examples, r.Examples.Nomatch...)
	}
	return cfg, nil
}

// DefaultDecodeDepth is --max-decode-depth's default.
const DefaultDecodeDepth = 2

// check validates a [scan] section; errors name the file and line.
func (sc Scan) check(name string, loc *locator) []error {
	var errs []error
	at := func(key string) string {
		return fmt.Sprintf("%s:%d: [scan] %s", name, loc.keyLine([]string{"scan", key}), key)
	}
	if sc.MaxFileSize != "" {
		if _, err := ParseSize(sc.MaxFileSize); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", at("max_file_size"), err))
		}
	}
	if d := sc.MaxDecodeDepth; d != nil && (*d < 0 || *d > MaxDecodeDepth) {
		errs = append(errs, fmt.Errorf("%s: %d is outside 0..%d", at("max_decode_depth"), *d, MaxDecodeDepth))
	}
	if b := sc.Baseline; b != "" {
		clean := path.Clean(strings.ReplaceAll(b, `\`, "/"))
		if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") || filepath.VolumeName(b) != "" {
			errs = append(errs, fmt.Errorf("%s: %q must be a path inside the repository, relative to its root", at("baseline"), b))
		}
	}
	return errs
}

// ParseSize reads a size such as 52428800, 50MiB, 1GB or 512K.
func ParseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}}
	mult := int64(1)
	num := strings.TrimSpace(s)
	for _, u := range units {
		if strings.HasSuffix(num, u.suffix) {
			mult, num = u.mult, strings.TrimSpace(strings.TrimSuffix(num, u.suffix))
			break
		}
	}
	var n int64
	if _, err := fmt.Sscan(num, &n); err != nil || n < 0 || fmt.Sprint(n) != num || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("invalid size %q (use a number of bytes, or KiB/MiB/GiB)", s)
	}
	return n * mult, nil
}

var decodeTypeError = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^toml: line ([0-9]+) \(last key "([^"]+)"\): incompatible types: TOML value has type ([a-z]+); destination has type (.+)$`)
})

// typeError rewrites the decoder's "incompatible types" error as the file,
// line, rule and key it is about, in words, with the line; a nil error
// when err is another error.
func typeError(name string, err error, loc *locator) (int, error) {
	m := decodeTypeError().FindStringSubmatch(err.Error())
	if m == nil {
		return 0, nil
	}
	line, _ := strconv.Atoi(m[1])
	want := map[string]string{"float": "a number", "integer": "a whole number", "float64": "a number", "int": "a whole number", "string": "a string", "bool": "true or false", "[]string": "a list of strings", "*int": "a whole number", "*bool": "true or false"}[m[4]]
	if want == "" {
		want = m[4]
	}
	key := m[2]
	where := fmt.Sprintf("%s:%d", name, line)
	if strings.HasPrefix(key, "rules.") {
		if id := loc.ruleID(loc.ruleAt(line)); id != "" {
			return line, fmt.Errorf("%s: rule %q: %s must be %s, not a %s", where, id, strings.TrimPrefix(key, "rules."), want, m[3])
		}
	}
	return line, fmt.Errorf("%s: %s must be %s, not a %s", where, key, want, m[3])
}

// gitleaksKeys are keys only a gitleaks config has.
var gitleaksKeys = map[string]bool{
	"title": true, "minversion": true, "allowlist": true, "allowlists": true,
	"extend.usedefault": true, "extend.path": true, "extend.url": true, "extend.disabledrules": true,
	"rules.secretgroup": true, "rules.allowlist": true, "rules.allowlists": true, "rules.required": true, "rules.skipreport": true,
}

func looksLikeGitleaks(undecoded []toml.Key) bool {
	for _, k := range undecoded {
		for depth := len(k); depth > 0; depth-- {
			if gitleaksKeys[strings.ToLower(toml.Key(k[:depth]).String())] {
				return true
			}
		}
	}
	return false
}
