package cli

import (
	"context"
	"fmt"
	"github.com/leakhound/leakhound/internal/source/git"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/leakhound/leakhound/internal/config"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/examples"
	"github.com/leakhound/leakhound/internal/rule"
)

func runRules(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("rules", "leakhound rules list|test|explain ID|import-gitleaks FILE|import-gitleaks-ignore FILE [--config FILE]\n\n  list             print every rule's id, tags and description\n  test             run every rule's own match/nomatch examples\n  explain          print a rule in full, with how to revoke what it finds\n  import-gitleaks  convert a gitleaks config to a .leakhound.toml (stdout, or --output), saying what is not carried over\n  import-gitleaks-ignore\n                   convert a .gitleaksignore into .leakhoundignore entries (stdout, or appended to --output),\n                   reading each fingerprint's file and line; lists those that no longer match")
	var cfgFile, output string
	var noDefaults bool
	fs.StringVar(&cfgFile, "config", "", "config `file` to load over the default rules")
	fs.BoolVar(&noDefaults, "no-repo-config", false, "ignore ./.leakhound.toml")
	fs.StringVar(&output, "output", "", "import-gitleaks: write the converted config to `file` instead of stdout; import-gitleaks-ignore: append the entries to it")
	pos, err := fs.parse(e, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("rules: name a subcommand: list, test, explain ID or import-gitleaks FILE")
	}
	if pos[0] == "import-gitleaks-ignore" {
		if len(pos) != 2 {
			return usagef("rules import-gitleaks-ignore takes one .gitleaksignore file")
		}
		return importGitleaksIgnore(ctx, e, pos[1], output, cfgFile, noDefaults)
	}
	if pos[0] == "import-gitleaks" {
		if len(pos) != 2 {
			return usagef("rules import-gitleaks takes one gitleaks config file")
		}
		return importGitleaks(e, pos[1], output)
	}
	lo := config.LoadOptions{File: cfgFile}
	if root := git.WorkTreeRoot("."); root != "" && !noDefaults {
		lo.RepoFile = filepath.Join(root, config.RepoFileName)
	}
	cfg, err := config.Load(lo)
	if err != nil {
		return err
	}
	engine, err := detect.CompileNow(cfg.Rules, cfg.Allow, detect.Options{})
	if err != nil {
		return err
	}
	switch pos[0] {
	case "list":
		if len(pos) != 1 {
			return usagef("rules list takes no arguments")
		}
		w := tabwriter.NewWriter(e.io.Out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tTAGS\tDESCRIPTION")
		for _, r := range engine.Rules() {
			fmt.Fprintf(w, "%s\t%s\t%s\n", r.ID, strings.Join(r.Tags, ","), r.Description)
		}
		return w.Flush()
	case "test":
		if len(pos) != 1 {
			return usagef("rules test takes no arguments")
		}
		return rulesTest(e, engine)
	case "explain":
		if len(pos) != 2 {
			return usagef("rules explain takes one rule id")
		}
		for _, r := range engine.Rules() {
			if r.ID == pos[1] {
				explainRule(e.io.Out, r)
				return nil
			}
		}
		return usagef("no rule with id %q (see 'leakhound rules list')", pos[1])
	}
	return usagef("rules: unknown subcommand %q (list, test, explain, import-gitleaks or import-gitleaks-ignore)", pos[0])
}

func rulesTest(e *env, engine *detect.Engine) error {
	failed := 0
	passed := 0
	for _, r := range examples.Run(engine) {
		passed += r.Passed
		if len(r.Failures) == 0 {
			fmt.Fprintf(e.io.Out, "ok    %s (%d examples)\n", r.RuleID, r.Passed)
			continue
		}
		failed += len(r.Failures)
		fmt.Fprintf(e.io.Out, "FAIL  %s\n", r.RuleID)
		for _, f := range r.Failures {
			fmt.Fprintf(e.io.Out, "      %s\n", f)
		}
	}
	fmt.Fprintf(e.io.Out, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return errLeaks // the failures are printed above; exit 1 like a failed check
	}
	return nil
}

func explainRule(w io.Writer, r rule.Rule) {
	where := r.Source
	if r.BuiltIn {
		where = "built in (" + where + " in leakhound's source)"
	}
	fmt.Fprintf(w, "%s: %s\n  defined at: %s\n  regex:      %s\n", r.ID, r.Description, where, r.Regex)
	if r.Path != "" {
		fmt.Fprintf(w, "  path:       %s\n", r.Path)
	}
	if len(r.Keywords) > 0 {
		fmt.Fprintf(w, "  keywords:   %s\n", strings.Join(r.Keywords, ", "))
	}
	if r.Entropy > 0 {
		fmt.Fprintf(w, "  entropy:    at least %.1f bits per byte\n", r.Entropy)
	}
	if r.Validate != "" {
		fmt.Fprintf(w, "  validate:   %s\n", r.Validate)
	}
	fmt.Fprintf(w, "\nHow to revoke and replace it:\n  %s\n", r.Remediation)
}
