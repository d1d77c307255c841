package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/ciplan"
	"github.com/leakhound/leakhound/internal/config"
	"github.com/leakhound/leakhound/internal/source/git"
)

// policy is where a run reads the repository's own policy files
// (.leakhound.toml, .leakhoundignore) from: the work tree, a commit (the
// base of a CI range, which maintainers already merged), or nowhere.
type policy struct {
	// where is said in messages: "the work tree", "commit abc (the base of
	// the range)".
	where string
	// commit is set when the files are read from a commit: then the work
	// tree holds the change being judged, and any file of the repository
	// the run's policy depends on is read from the commit too.
	commit bool
	// read returns a file's content, or an error wrapping fs.ErrNotExist;
	// nil reads nothing.
	read func(name string) ([]byte, error)
	// display names a file in messages and errors.
	display func(name string) string
}

// file returns the named policy file's content and display name; nil
// content when it does not exist (or the policy reads nothing).
func (p *policy) file(name string) ([]byte, string, error) {
	if p.read == nil {
		return nil, "", nil
	}
	data, err := p.read(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("reading %s: %w", p.display(name), err)
	}
	return data, p.display(name), nil
}

// inRepo returns name (a file as the user gave it) relative to the work
// tree root, when the policy is read from a commit and name lies in the
// work tree: a file the run trusts that the change being judged could
// rewrite.
func (p *policy) inRepo(root, name string) (string, bool) {
	if !p.commit || root == "" || name == "" {
		return "", false
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		return "", false
	}
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	if d, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		abs = filepath.Join(d, filepath.Base(abs))
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// diskPolicy reads the policy files at root. Outside a repository (root
// empty) there is no repository config: paths scanned there are not judged
// by the working directory's .leakhound.toml; its .leakhoundignore still
// applies, as an ignore file always has.
func diskPolicy(root string) *policy {
	dir := root
	if dir == "" {
		dir = "."
	}
	return &policy{
		where: "the work tree",
		read: func(name string) ([]byte, error) {
			if root == "" && name == config.RepoFileName {
				return nil, fs.ErrNotExist
			}
			return os.ReadFile(filepath.Join(dir, name))
		},
		display: func(name string) string { return displayPath(filepath.Join(dir, name)) },
	}
}

// commitPolicy reads the policy files from commit rev of repo.
func commitPolicy(repo *git.Repo, rev, why string) *policy {
	return &policy{
		commit:  true,
		where:   fmt.Sprintf("%s (%s)", ciplan.ShortID(rev), why),
		read:    func(name string) ([]byte, error) { return repo.FileAt(rev, name) },
		display: func(name string) string { return ciplan.ShortID(rev) + ":" + name },
	}
}

// noPolicy reads no repository policy at all.
func noPolicy(why string) *policy {
	return &policy{where: why}
}

// policyFiles are the files a change must not use to judge itself.
var policyFiles = []string{".leakhound.toml", ".leakhoundignore"}

// policyChanges lists the policy files that differ between base and head:
// changes a range makes to the rules that judge it, never applied to it.
// configFile and baselineFile are the repository's files the run was told
// to use (--config, --baseline), relative to its root, or empty.
func policyChanges(repo *git.Repo, base, head, configFile, baselineFile string) ([]string, error) {
	names := slices.Clone(policyFiles)
	configs := []string{config.RepoFileName}
	if configFile != "" && !slices.Contains(names, configFile) {
		names, configs = append(names, configFile), append(configs, configFile)
	}
	if baselineFile != "" && !slices.Contains(names, baselineFile) {
		names = append(names, baselineFile)
	}
	for _, rev := range []string{base, head} {
		// a baseline named in either version of a config is policy too
		for _, c := range configs {
			if data, err := repo.FileAt(rev, c); err == nil {
				if f, err := config.Parse(c, data); err == nil && f.Scan.Baseline != "" && !slices.Contains(names, f.Scan.Baseline) {
					names = append(names, f.Scan.Baseline)
				}
			}
		}
	}
	return fileChanges(repo, base, head, names)
}

// fileChanges says which of the named files head changes ("NAME is
// added", "is deleted" or "is changed") since it left base: what base
// gained after that is not the change's doing.
func fileChanges(repo *git.Repo, base, head string, names []string) ([]string, error) {
	base, err := repo.ForkPoint(base, head)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, name := range names {
		a, errA := repo.FileAt(base, name)
		b, errB := repo.FileAt(head, name)
		for _, err := range []error{errA, errB} {
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
		}
		switch {
		case errA != nil && errB == nil:
			out = append(out, name+" is added")
		case errA == nil && errB != nil:
			out = append(out, name+" is deleted")
		case errA == nil && string(a) != string(b):
			out = append(out, name+" is changed")
		}
	}
	return out, nil
}

// localAction matches a step or job that runs an action or a reusable
// workflow from the repository itself (uses: ./path), whose files the
// change controls as well.
var localAction = regexp.MustCompile(`(?m)^[\s-]*uses:\s*['"]?\./([^\s'"#@]*)`)

// definitionChanges lists the changes a range makes to the files that
// define the CI job judging it (plan.Definition, and the local actions a
// GitHub workflow runs at either end). They cannot be undone from here:
// the job already runs the changed version.
func definitionChanges(repo *git.Repo, plan ciplan.Plan) ([]string, error) {
	names := slices.Clone(plan.Definition)
	if plan.Platform == ciplan.GitHub {
		for _, wf := range plan.Definition {
			for _, rev := range []string{plan.Base, plan.Head} {
				data, err := repo.FileAt(rev, wf)
				if err != nil {
					continue
				}
				for _, m := range localAction.FindAllSubmatch(data, -1) {
					target := path.Clean(string(m[1]))
					files := []string{path.Join(target, "action.yml"), path.Join(target, "action.yaml")}
					if strings.HasSuffix(target, ".yml") || strings.HasSuffix(target, ".yaml") {
						files = []string{target} // a reusable workflow
					}
					for _, name := range files {
						if !slices.Contains(names, name) {
							names = append(names, name)
						}
					}
				}
			}
		}
	}
	return fileChanges(repo, plan.Base, plan.Head, names)
}
