package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/gitleaks"
	"github.com/leakhound/leakhound/internal/iostreams"
	"github.com/leakhound/leakhound/internal/suppress"
)

// importGitleaksIgnore converts a .gitleaksignore into .leakhoundignore
// entries. A gitleaks fingerprint names a place (commit, path, rule, line);
// leakhound's names the secret (path, rule, hash of the secret), so each
// place is read (from the commit, or from the work tree and then HEAD),
// scanned, and every finding on that line becomes an entry. Fingerprints
// that no longer match anything are listed, not guessed at.
func importGitleaksIgnore(ctx context.Context, e *env, path, output, cfgFile string, noRepoConfig bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	entries, errs := gitleaks.ParseIgnore(path, data)
	for _, err := range errs {
		fmt.Fprintf(e.io.Err, "leakhound: %s\n", iostreams.Escape(err.Error()))
	}
	var o commonOpts
	o.register(newFlagSet("rules", ""))
	o.config, o.noRepoConfig = cfgFile, noRepoConfig
	repo, s, err := openRepoSession(e, &o)
	if err != nil {
		return err
	}
	root := repoConfigRoot(repo)
	type place struct{ commit, path string }
	scanned := map[place][]finding.Finding{}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# converted from %s by leakhound rules import-gitleaks-ignore\n", filepath.Base(path))
	converted, unmatched := 0, 0
	for _, ent := range entries {
		p := place{ent.Commit, ent.Path}
		found, ok := scanned[p]
		if !ok {
			content, err := readPlace(repo.FileAt, root, ent)
			if err == nil {
				found, _, err = s.engine.DetectReader(ctx, ent.Path, bytes.NewReader(content), nil)
			}
			if err != nil {
				unmatched++
				fmt.Fprintf(e.io.Err, "leakhound: %s:%d: %s: no longer matches: %v\n", path, ent.LineNo, iostreams.Escape(ent.Raw), err)
				scanned[p] = nil
				continue
			}
			scanned[p] = found
		}
		matched := onLine(found, ent)
		if len(matched) == 0 {
			unmatched++
			fmt.Fprintf(e.io.Err, "leakhound: %s:%d: %s: no longer matches: no finding on line %d of %s\n", path, ent.LineNo, iostreams.Escape(ent.Raw), ent.Line, iostreams.Escape(ent.Path))
			continue
		}
		for _, f := range matched {
			converted++
			fmt.Fprintf(&b, "%s  # %s:%d (gitleaks %s)\n", f.Fingerprint(), filepath.Base(path), ent.LineNo, ent.Rule)
		}
	}
	if _, err := suppress.Parse("converted", bytes.NewReader(b.Bytes())); err != nil {
		return fmt.Errorf("the converted entries do not load (a bug; please report it): %w", err)
	}
	fmt.Fprintf(e.io.Err, "leakhound: converted %d fingerprint(s) into %d entr(ies); %d no longer match\n", len(entries)-unmatched, converted, unmatched)
	if output == "" {
		_, err = e.io.Out.Write(b.Bytes())
	} else {
		err = appendFile(output, func(w io.Writer) error {
			_, err := w.Write(b.Bytes())
			return err
		})
	}
	// a place the engine could not examine whole (a cap reached) may hold
	// the finding a fingerprint names: the run fails, as a scan would
	for _, p := range s.problems {
		fmt.Fprintf(e.io.Err, "leakhound: %s: %s\n", iostreams.Escape(p.Path), iostreams.Escape(p.Reason))
	}
	switch {
	case err != nil:
	case len(errs) > 0:
		// what converted is written; the run still fails for what did not
		err = fmt.Errorf("%d line(s) of %s could not be read (listed above)", len(errs), path)
	case len(s.problems) > 0:
		err = fmt.Errorf("%d place(s) could not be scanned completely (listed above): a fingerprint there may have gone unconverted", len(s.problems))
	}
	return err
}

// readPlace reads what a fingerprint points at: the file in its commit, or
// for a directory-scan fingerprint the work tree's file, then HEAD's.
func readPlace(fileAt func(rev, path string) ([]byte, error), root string, ent gitleaks.IgnoreEntry) ([]byte, error) {
	if ent.Commit != "" {
		return fileAt(ent.Commit, ent.Path)
	}
	if root != "" && !filepath.IsAbs(ent.Path) {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(ent.Path)))
		if !errors.Is(err, os.ErrNotExist) {
			return data, err
		}
	}
	return fileAt("HEAD", ent.Path)
}

// onLine returns the findings on the fingerprint's line: those of the same
// rule (or its imported copy) when there are any, else all of them, since
// gitleaks and leakhound name rules differently.
func onLine(found []finding.Finding, ent gitleaks.IgnoreEntry) []finding.Finding {
	var all, same []finding.Finding
	for _, f := range found {
		if f.Line != ent.Line {
			continue
		}
		all = append(all, f)
		if f.RuleID == ent.Rule || f.RuleID == "gitleaks-"+ent.Rule {
			same = append(same, f)
		}
	}
	if len(same) > 0 {
		return same
	}
	slices.SortFunc(all, func(a, b finding.Finding) int { return strings.Compare(a.RuleID, b.RuleID) })
	return all
}
