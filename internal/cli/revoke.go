package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/config"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/iostreams"
	"github.com/leakhound/leakhound/internal/report"
	"github.com/leakhound/leakhound/internal/verify"
)

// revocable is a token found somewhere, with where.
type revocable struct {
	secret string
	rule   string
	where  string
}

func runRevoke(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("revoke", "leakhound revoke [--report FILE] [--yes] [PATH...]\n\nRevokes the GitHub tokens in a JSON report made with --no-redact (or found by scanning PATHs) through\nGitHub's credential revocation API (ghp_, github_pat_, gho_, ghu_, ghr_), after showing them and asking.\nRevocation cannot be undone, and GitHub emails each token's owner. For Anaconda tokens it prints\nhow to revoke them, as there is no public revocation endpoint.")
	var o commonOpts
	o.register(fs)
	var reportFile string
	var yes bool
	fs.StringVar(&reportFile, "report", "", "JSON or JSONL report `file` made with --no-redact")
	fs.BoolVar(&yes, "yes", false, "do not ask for confirmation (for CI)")
	// revoke reports nothing: the report and suppression flags are not its
	fs.hide("format", "output", "no-redact", "baseline", "write-baseline", "show-suppressed", "report-unused-ignores",
		"verify", "verify-timeout", "fail-on", "show-invalid", "skip-errors", "policy-from", "no-inline-allow")
	paths, err := fs.parse(e, args)
	if err != nil {
		return err
	}
	o.verify = true // endpoints are resolved as for --verify
	if err := o.validate(); err != nil {
		return err
	}
	if reportFile == "" && len(paths) == 0 {
		return usagef("revoke: give --report FILE or the paths to scan")
	}
	var found []revocable
	var githubAPI config.Setting
	if reportFile != "" {
		if len(paths) > 0 {
			return usagef("revoke: give --report or paths, not both")
		}
		if found, err = readReport(reportFile); err != nil {
			return err
		}
		if o.config != "" {
			cfg, err := config.Load(config.LoadOptions{File: o.config})
			if err != nil {
				return err
			}
			githubAPI = cfg.GitHubAPI
		}
	} else {
		o.quiet = true
		s, err := scanPaths(ctx, e, &o, paths)
		if err != nil {
			return err
		}
		githubAPI = s.githubAPI
		s.suppress()
		for _, f := range s.found {
			if !f.IsAccepted() {
				found = append(found, revocable{f.Secret.Reveal(), f.RuleID, fmt.Sprintf("%s:%d", f.Path, f.Line)})
			}
		}
		if len(s.problems) > 0 && !o.skipErrors {
			s.printProblems(false)
			return errIncomplete
		}
	}
	ep, err := o.verifyEndpoints(e.getenv, githubAPI)
	if err != nil {
		return err
	}
	return revoke(ctx, e, ep, found, yes)
}

func revoke(ctx context.Context, e *env, ep verify.Endpoints, found []revocable, yes bool) error {
	var github []revocable
	var anaconda []revocable
	seen := map[string]bool{}
	for _, r := range found {
		if seen[r.secret] {
			continue
		}
		seen[r.secret] = true
		switch {
		case verify.Revocable(r.secret):
			github = append(github, r)
		case strings.HasPrefix(r.rule, "anaconda-"):
			anaconda = append(anaconda, r)
		}
	}
	if len(anaconda) > 0 {
		fmt.Fprintf(e.io.Out, "%d Anaconda credential(s) need revoking by their owner (there is no public revocation endpoint):\n", len(anaconda))
		for _, r := range anaconda {
			fmt.Fprintf(e.io.Out, "  %s  %s  (%s)\n", finding.Redact(r.secret), iostreams.Escape(r.where), r.rule)
		}
		fmt.Fprint(e.io.Out, "  anaconda.org tokens: sign in as the owner at https://anaconda.org, open Settings > Access\n"+
			"  (https://anaconda.org/<owner>/settings/access) and remove the token, or run\n"+
			"  'anaconda auth --list' then 'anaconda auth --remove NAME'.\n"+
			"  anaconda.com API keys: https://anaconda.com/app/profile/api-keys.\n")
	}
	if len(github) == 0 {
		fmt.Fprintln(e.io.Out, "no GitHub tokens that the revocation API accepts (ghp_, github_pat_, gho_, ghu_, ghr_)")
		return nil
	}
	fmt.Fprintf(e.io.Out, "%d GitHub token(s) to revoke:\n", len(github))
	for _, r := range github {
		fmt.Fprintf(e.io.Out, "  %s  %s  (%s)\n", finding.Redact(r.secret), iostreams.Escape(r.where), r.rule)
	}
	if !yes {
		fmt.Fprintf(e.io.Out, "Revoke them? This cannot be undone, and GitHub emails each token's owner. [y/N] ")
		answer, _ := bufio.NewReader(e.io.In).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			return errors.New("not confirmed; nothing was revoked")
		}
	}
	client := verify.New(verify.Options{Endpoints: ep, UserAgent: "leakhound/" + version()})
	tokens := make([]string, len(github))
	for i, r := range github {
		tokens[i] = r.secret
	}
	done := 0
	for _, b := range client.Revoke(ctx, tokens) {
		if b.Err != nil {
			return fmt.Errorf("revoked %d of %d token(s); then: %w", done, len(tokens), b.Err)
		}
		done += b.Count
	}
	fmt.Fprintf(e.io.Out, "GitHub accepted %d token(s) for revocation\n", done)
	return nil
}

// readReport reads secrets from a JSON array or JSONL report. Redacted
// secrets cannot be revoked, so a redacted report is an error; accepted
// findings (in reports made with --show-suppressed) are not offered.
func readReport(path string) ([]revocable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading report: %w", err)
	}
	defer f.Close()
	records, err := report.ReadJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []revocable
	for _, r := range records {
		if r.Suppressed != "" {
			continue
		}
		switch {
		case r.Redacted == nil:
			return nil, fmt.Errorf("%s: finding at %s:%d does not say whether its secret is redacted (a report from an older leakhound?); make the report again with --no-redact", path, r.Path, r.Line)
		case *r.Redacted:
			return nil, fmt.Errorf("%s holds redacted secrets, which cannot be revoked; make it with --no-redact", path)
		}
		out = append(out, revocable{r.Secret, r.Rule, fmt.Sprintf("%s:%d", r.Path, r.Line)})
	}
	slices.SortStableFunc(out, func(a, b revocable) int { return strings.Compare(a.where, b.where) })
	return out, nil
}
