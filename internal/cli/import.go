package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/leakhound/leakhound/internal/config"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/gitleaks"
	"github.com/leakhound/leakhound/internal/iostreams"
	"github.com/leakhound/leakhound/internal/rule"
)

// importGitleaks converts the gitleaks config at path and writes it to
// output (stdout when empty). Every rule is compiled by leakhound's engine
// first: one that does not compile is left out with the reason, and every
// note goes to stderr as well as into the file.
func importGitleaks(e *env, path, output string) error {
	gc, loadNotes, err := gitleaks.Load(path, os.ReadFile)
	if err != nil {
		return fmt.Errorf("reading gitleaks config: %w", err)
	}
	defaults, err := config.ParseDefaults()
	if err != nil {
		return err
	}
	taken := map[string]bool{}
	for _, f := range defaults {
		for _, r := range f.Rules {
			taken[r.ID] = true
		}
	}
	res := gitleaks.Convert(gc, taken)
	res.Notes = append(loadNotes, res.Notes...)
	kept := res.Rules[:0]
	for _, r := range res.Rules {
		r.Source = path
		if errs := r.Check(); len(errs) > 0 {
			res.Notes = append(res.Notes, fmt.Sprintf("rule %q left out: %v", r.ID, errs[0]))
			continue
		}
		if _, err := detect.CompileNow([]rule.Rule{r}, rule.Allow{}, detect.Options{}); err != nil {
			res.Notes = append(res.Notes, fmt.Sprintf("rule %q left out: %v", r.ID, err))
			continue
		}
		kept = append(kept, r)
	}
	res.Rules = kept
	out := gitleaks.Write(res, path)
	// what is written must load as leakhound's own config
	if _, err := config.Parse("converted config", out); err != nil {
		return fmt.Errorf("the converted config does not load (a bug; please report it): %w", err)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(e.io.Err, "leakhound: not carried over as is: %s\n", iostreams.Escape(n))
	}
	fmt.Fprintf(e.io.Err, "leakhound: converted %d of %d rule(s) from %s\n", len(res.Rules), len(gc.Rules), path)
	if output == "" {
		_, err = e.io.Out.Write(out)
		return err
	}
	return writeFileAtomic(output, func(w io.Writer) error {
		_, err := w.Write(out)
		return err
	})
}
