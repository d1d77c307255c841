package cli

import (
	"errors"
	"flag"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/config"
	"github.com/leakhound/leakhound/internal/iostreams"
	"github.com/leakhound/leakhound/internal/report"
)

// commonOpts are the flags every scanning command takes.
type commonOpts struct {
	config        string
	noRepoConfig  bool
	format        string
	output        string
	reports       reportSpecs
	summary       string
	noRedact      bool
	color         string
	threads       int
	maxFileSize   byteSize
	quiet         bool
	showInvalid   bool
	skipErrors    bool
	noInlineAllow bool

	baseline       string
	writeBaseline  string
	showSuppressed bool
	reportUnused   bool

	verify        bool
	githubAPIURL  string
	failOn        failOn
	verifyTimeout time.Duration

	maxDecodeDepth int
	cpuProfile     string // started by Main, before flags are parsed
	// lazy compiles rules as content needs them: for small scans (the
	// hooks), where compiling every rule would cost more than the scan
	lazy bool

	noIgnoreFile    bool
	policyFrom      string
	trustHeadPolicy bool
	// policy, when set, is where the repository's policy files are read
	// from (set from --policy-from, or by ci); nil reads the work tree.
	policy *policy
	// flags is the flag set registered with, to tell the flags given on
	// the command line from defaults a config's [scan] section may set.
	flags *flagSet
}

// given reports whether flag name was set on the command line.
func (o *commonOpts) given(name string) bool {
	found := false
	if o.flags != nil {
		o.flags.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	}
	return found
}

const defaultMaxFileSize = 50 << 20

// failOn is --fail-on: which findings make the exit code 1.
type failOn string

const (
	failOnAny  failOn = "any"  // every finding that is not accepted
	failOnLive failOn = "live" // live ones; an unknown verdict is exit 2
)

func (f *failOn) String() string { return string(*f) }

func (f *failOn) Set(s string) error {
	switch failOn(s) {
	case failOnAny, failOnLive:
		*f = failOn(s)
		return nil
	}
	return fmt.Errorf("must be any or live, not %q", s)
}

// reportSpec is one --write: a format and the file it is written to.
type reportSpec struct{ format, file string }

// reportSpecs is the repeatable --write flag.
type reportSpecs []reportSpec

func (r *reportSpecs) String() string {
	var parts []string
	for _, s := range *r {
		parts = append(parts, s.format+"="+s.file)
	}
	return strings.Join(parts, ",")
}

func (r *reportSpecs) Set(v string) error {
	format, file, ok := strings.Cut(v, "=")
	switch {
	case !ok || file == "":
		return fmt.Errorf("must be FORMAT=FILE (e.g. sarif=leakhound.sarif), not %q", v)
	case !slices.Contains(report.Formats, format):
		return fmt.Errorf("format must be one of %s, not %q", strings.Join(report.Formats, ", "), format)
	}
	*r = append(*r, reportSpec{format, file})
	return nil
}

func (o *commonOpts) register(fs *flagSet) {
	o.flags = fs
	o.maxFileSize = defaultMaxFileSize
	fs.StringVar(&o.config, "config", "", "config `file` replacing the repository's .leakhound.toml (default rules still apply unless it says otherwise)")
	fs.BoolVar(&o.noRepoConfig, "no-repo-config", false, "ignore the repository's own .leakhound.toml")
	fs.StringVar(&o.format, "format", "text", "report format: "+strings.Join(report.Formats, ", "))
	fs.StringVar(&o.output, "output", "", "write the report to `file` (mode 0600) instead of stdout")
	fs.Var(&o.reports, "write", "also write a report as `format=file` (e.g. sarif=leakhound.sarif); repeatable")
	fs.StringVar(&o.summary, "summary", "", "append a Markdown summary, secrets always redacted, to `file` (e.g. $GITHUB_STEP_SUMMARY)")
	fs.BoolVar(&o.noRedact, "no-redact", false, "print secrets in full")
	fs.StringVar(&o.color, "color", "auto", "colour: auto, always or never (NO_COLOR and CLICOLOR_FORCE are honoured)")
	fs.IntVar(&o.threads, "threads", runtime.NumCPU(), "number of scanning workers")
	fs.Var(&o.maxFileSize, "max-file-size", "skip files larger than `size` (e.g. 50MiB); skipped files make the exit code 2")
	fs.BoolVar(&o.quiet, "quiet", false, "print no summary or warnings, only the report and errors")
	fs.BoolVar(&o.showInvalid, "show-invalid", false, "also report token-shaped values whose checksum is wrong (placeholders, fakes)")
	fs.BoolVar(&o.skipErrors, "skip-errors", false, "warn about content that could not be scanned instead of exiting 2")
	fs.BoolVar(&o.noInlineAllow, "no-inline-allow", false, "ignore inline leakhound:allow markers (for CI that must not trust them)")
	fs.StringVar(&o.baseline, "baseline", "", "report only findings whose fingerprint is not in `file` (made with --write-baseline)")
	fs.StringVar(&o.writeBaseline, "write-baseline", "", "write the findings' fingerprints to `file` (no secrets, lines or commits)")
	fs.BoolVar(&o.showSuppressed, "show-suppressed", false, "also list accepted findings (inline marker, .leakhoundignore, baseline) with the reason")
	fs.BoolVar(&o.reportUnused, "report-unused-ignores", false, "list .leakhoundignore and baseline entries that matched nothing")
	fs.BoolVar(&o.verify, "verify", false, "ask each provider's API whether the secrets found are live (each secret once; accepted findings are never sent)")
	fs.StringVar(&o.githubAPIURL, "github-api-url", "", "GitHub Enterprise Server API `url` for --verify (e.g. https://ghe.example.com/api/v3)")
	fs.IntVar(&o.maxDecodeDepth, "max-decode-depth", config.DefaultDecodeDepth, "layers of encoding (base64, percent-encoding, \\u/\\x escapes, UTF-16) to decode when looking for secrets; 0 turns decoding off")
	fs.DurationVar(&o.verifyTimeout, "verify-timeout", 2*time.Minute, "give up on --verify after `duration` in all; secrets not checked by then are unknown")
	fs.BoolVar(&o.noIgnoreFile, "no-ignore-file", false, "ignore the repository's .leakhoundignore (--no-repo-config ignores it too)")
	fs.StringVar(&o.policyFrom, "policy-from", "", "read .leakhound.toml and .leakhoundignore from commit `rev` instead of the work tree (ci: the base of the range)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to `file` (for go tool pprof)")
	o.failOn = failOnAny
	fs.Var(&o.failOn, "fail-on", "which findings make the exit code 1 (`mode`: any, or live, which needs --verify; for audits of old history)")
}

func (o *commonOpts) validate() error {
	err := o.check()
	var ue *usageError
	if o.flags != nil && errors.As(err, &ue) {
		// say which command, as a flag parse error does
		ue.msg, ue.cmd = o.flags.Name()+": "+ue.msg, o.flags.Name()
	}
	return err
}

func (o *commonOpts) check() error {
	if !slices.Contains(report.Formats, o.format) {
		return usagef("--format must be one of %s, not %q", strings.Join(report.Formats, ", "), o.format)
	}
	files := map[string]string{}
	if o.output != "" {
		files[o.output] = "--output"
	}
	if o.summary != "" {
		files[o.summary] = "--summary"
	}
	for _, r := range o.reports {
		if prev, ok := files[r.file]; ok {
			return usagef("--write %s=%s writes the file %s already writes", r.format, r.file, prev)
		}
		files[r.file] = "--write " + r.format + "=" + r.file
	}
	if o.threads < 1 {
		return usagef("--threads must be at least 1")
	}
	if _, err := iostreams.ColorEnabled(o.color, false, func(string) string { return "" }); err != nil {
		return usagef("%v", err)
	}
	switch {
	case o.failOn == failOnLive && !o.verify:
		return usagef("--fail-on live needs --verify")
	case o.verify && o.verifyTimeout <= 0:
		return usagef("--verify-timeout must be positive")
	case o.githubAPIURL != "" && !o.verify:
		return usagef("--github-api-url is only used with --verify")
	case o.maxDecodeDepth < 0 || o.maxDecodeDepth > config.MaxDecodeDepth:
		return usagef("--max-decode-depth must be between 0 and 8")
	}
	return nil
}
