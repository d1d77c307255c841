// Package hook owns leakhound's git hooks: which hooks there are and what
// each runs, where git looks for them (git itself is asked), and
// installing or removing them without clobbering hooks someone else wrote.
package hook

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// marker identifies a hook leakhound wrote.
const marker = "Installed by 'leakhound hook install'"

// Hook is one git hook leakhound installs.
type Hook struct {
	// Name is the hook's file name, as git runs it.
	Name string
	// Covers says what the hook guards, for messages and the README.
	Covers string
	// runs is the leakhound command the hook runs, for messages.
	runs string
	// body is the shell that runs once $lh names the leakhound binary.
	body string
}

// The hooks. pre-commit and pre-merge-commit scan what is staged (a clean
// merge runs pre-merge-commit, not pre-commit); commit-msg scans the message
// being written; pre-push, optional, scans the commits being pushed.
var (
	PreCommit = Hook{Name: "pre-commit", Covers: "commits (git commit, -a, PATHS, --amend)", runs: "staged",
		body: `exec "$lh" staged`}
	PreMergeCommit = Hook{Name: "pre-merge-commit", Covers: "merges that commit without conflicts", runs: "staged",
		body: `exec "$lh" staged`}
	CommitMsg = Hook{Name: "commit-msg", Covers: "commit messages", runs: `scan "$1"`,
		body: `exec "$lh" scan "$1"`}
	PrePush = Hook{Name: "pre-push", Covers: "the commits being pushed, whatever made them (rebase, cherry-pick, a commit made with --no-verify)", runs: "history",
		body: `zero=0000000000000000000000000000000000000000
status=0
while read -r local_ref local_sha remote_ref remote_sha; do
  [ "$local_sha" = "$zero" ] && continue # deleting a remote branch
  if [ "$remote_sha" = "$zero" ]; then
    # a new branch: the commits that no remote-tracking branch has yet
    set -- "$local_sha" $(git for-each-ref --format='^%(objectname)' refs/remotes)
  else
    set -- "$remote_sha..$local_sha"
  fi
  "$lh" history --ref-name "$remote_ref" "$@" || status=$?
done
exit $status`}
)

// Default are the hooks `hook install` writes; PrePush is added on request.
var Default = []Hook{PreCommit, PreMergeCommit, CommitMsg}

// Script is the text of h. It fails closed: it runs leakhound from PATH,
// else the binary at self (the one that installed it, for GUI clients
// whose PATH lacks it), else blocks with instructions.
func Script(h Hook, self string) string {
	return `#!/bin/sh
# leakhound ` + h.Name + ` hook: blocks ` + h.Covers + ` that add GitHub or Anaconda credentials.
# ` + marker + `; remove it with 'leakhound hook uninstall'.
lh=leakhound
if ! command -v leakhound >/dev/null 2>&1; then
  lh=` + shellQuote(self) + `
  if [ ! -x "$lh" ]; then
    echo "leakhound: not found in PATH or at $lh, so this is blocked. Install it from a clone with" >&2
    echo "  go install ./cmd/leakhound" >&2
    exit 1
  fi
fi
` + h.body + "\n"
}

// shellQuote quotes s for sh.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// BackupSuffix is added to the name of a hook that Install replaced.
const BackupSuffix = ".leakhound-backup"

// Dir asks git, run in dir, where it looks for hooks: core.hooksPath from
// any config git reads, or the common directory's hooks.
func Dir(dir string) (string, error) {
	return gitPath(dir, "hooks")
}

// commonDir returns `git rev-parse --git-common-dir`, absolute: where the
// hooks are when core.hooksPath is not set.
func commonDir(dir string) (string, error) {
	return gitRevParse(dir, "--git-common-dir")
}

// gitPath returns `git rev-parse --git-path name`, absolute.
func gitPath(dir, name string) (string, error) {
	return gitRevParse(dir, "--git-path", name)
}

// gitRevParse runs git rev-parse with args in dir and returns the path it
// prints, absolute.
func gitRevParse(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"rev-parse"}, args...)...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("asking git where its hooks are (git rev-parse %s): %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	p := strings.TrimRight(string(out), "\n")
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	return filepath.Abs(p)
}

// state is what is at a hook's path.
type state int

const (
	absent state = iota
	ours
	foreign
)

func inspect(path string) (state, error) {
	info, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return absent, nil
	}
	if err != nil {
		return absent, err
	}
	if info.Mode()&os.ModeSymlink != 0 {
		target, _ := os.Readlink(path)
		if _, err := os.Stat(path); err != nil {
			return absent, fmt.Errorf("%s is a symbolic link to %s, which does not exist: git would run nothing there; remove the link or point it at a hook", path, target)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return absent, err
	}
	if strings.Contains(string(data), marker) {
		return ours, nil
	}
	return foreign, nil
}

// Install writes hooks into the hooks directory git uses when run in dir,
// then confirms that git resolves each hook to the file written. It refuses
// to replace a hook it did not write unless force is set, and then keeps
// that hook under a backup name no earlier backup has.
func Install(dir string, hooks []Hook, self string, force bool) ([]string, error) {
	hooksDir, err := Dir(dir)
	if err != nil {
		return nil, err
	}
	// check every hook first, so a refusal leaves nothing half installed
	states := make([]state, len(hooks))
	for i, h := range hooks {
		path := filepath.Join(hooksDir, h.Name)
		if states[i], err = inspect(path); err != nil {
			return nil, err
		}
		if states[i] == foreign && !force {
			return nil, fmt.Errorf("%s already exists and was not written by leakhound; call leakhound from it, or run 'leakhound hook install --force' to replace it (it is kept as %s%s)", path, h.Name, BackupSuffix)
		}
	}
	if err := os.MkdirAll(hooksDir, 0o755); err != nil {
		return nil, err
	}
	var msgs []string
	for i, h := range hooks {
		path := filepath.Join(hooksDir, h.Name)
		msg := fmt.Sprintf("installed the %s hook at %s", h.Name, path)
		if states[i] == ours {
			msg = fmt.Sprintf("the %s hook at %s is up to date", h.Name, path)
		}
		if states[i] == foreign {
			backup, err := freeName(path + BackupSuffix)
			if err != nil {
				return msgs, err
			}
			if err := os.Rename(path, backup); err != nil {
				return msgs, fmt.Errorf("keeping the existing hook: %w", err)
			}
			msg += " (the previous hook is kept as " + backup + ")"
		}
		if err := os.WriteFile(path, []byte(Script(h, self)), 0o755); err != nil {
			return msgs, err
		}
		if err := os.Chmod(path, 0o755); err != nil {
			return msgs, err
		}
		if err := confirm(dir, h.Name, path); err != nil {
			return msgs, err
		}
		msgs = append(msgs, msg)
	}
	return msgs, nil
}

// confirm checks that git, run in dir, resolves hook name to path.
func confirm(dir, name, path string) error {
	resolved, err := gitPath(dir, "hooks/"+name)
	if err != nil {
		return err
	}
	a, errA := os.Stat(resolved)
	b, errB := os.Stat(path)
	if errA != nil || errB != nil || !os.SameFile(a, b) {
		return fmt.Errorf("wrote %s, but git runs its %s hook from %s: the hook would never run", path, name, resolved)
	}
	return nil
}

// Status reports, one line each, whether the hooks run leakhound where git,
// run in dir, runs hooks: each is leakhound's and executable there. ok is
// false when one is not. Hooks it wrote where git no longer looks (a tool
// set core.hooksPath after they were installed) are named too: git says
// nothing when it stops running them.
func Status(dir string, hooks []Hook) (lines []string, ok bool, err error) {
	hooksDir, err := Dir(dir)
	if err != nil {
		return nil, false, err
	}
	ok = true
	for _, h := range hooks {
		path := filepath.Join(hooksDir, h.Name)
		st, err := inspect(path)
		if err != nil {
			return lines, false, err
		}
		switch st {
		case absent:
			lines, ok = append(lines, fmt.Sprintf("%s: no hook at %s, where git runs hooks; run 'leakhound hook install'", h.Name, path)), false
		case foreign:
			lines, ok = append(lines, fmt.Sprintf("%s: the hook at %s was not written by leakhound; it scans nothing unless it runs 'leakhound %s'", h.Name, path, h.runs)), false
		default:
			if info, err := os.Stat(path); err != nil || info.Mode()&0o111 == 0 {
				lines, ok = append(lines, fmt.Sprintf("%s: %s is not executable: git skips it; run 'leakhound hook install'", h.Name, path)), false
				continue
			}
			lines = append(lines, fmt.Sprintf("the %s hook at %s is leakhound's and runs", h.Name, path))
		}
	}
	// leakhound's hooks left in the common directory's hooks, which git
	// no longer reads
	common, err := commonDir(dir)
	if err == nil {
		if own := filepath.Join(common, "hooks"); own != hooksDir {
			for _, h := range hooks {
				if st, _ := inspect(filepath.Join(own, h.Name)); st == ours {
					lines = append(lines, fmt.Sprintf("the leakhound hooks in %s are not run: git runs hooks from %s (core.hooksPath)", own, hooksDir))
					break
				}
			}
		}
	}
	return lines, ok, nil
}

// freeName returns base, or base.N for the first N that does not exist:
// an earlier backup of someone's hook is never overwritten.
func freeName(base string) (string, error) {
	for n := 0; n < 1000; n++ {
		name := base
		if n > 0 {
			name = base + "." + strconv.Itoa(n)
		}
		if _, err := os.Lstat(name); errors.Is(err, os.ErrNotExist) {
			return name, nil
		}
	}
	return "", fmt.Errorf("%s: too many earlier backups", base)
}

// Uninstall removes the hooks leakhound wrote from the hooks directory git
// uses when run in dir, restoring the most recent hook each replaced.
// Hooks it did not write are left alone.
func Uninstall(dir string, hooks []Hook) ([]string, error) {
	hooksDir, err := Dir(dir)
	if err != nil {
		return nil, err
	}
	var msgs []string
	var errs []error
	for _, h := range hooks {
		path := filepath.Join(hooksDir, h.Name)
		st, err := inspect(path)
		switch {
		case err != nil:
			errs = append(errs, err)
			continue
		case st == absent:
			continue
		case st == foreign:
			if h.Name == PreCommit.Name {
				errs = append(errs, fmt.Errorf("%s was not written by leakhound; leaving it alone", path))
			}
			continue
		}
		if err := os.Remove(path); err != nil {
			errs = append(errs, err)
			continue
		}
		if backup := latestBackup(path + BackupSuffix); backup != "" {
			if err := os.Rename(backup, path); err != nil {
				errs = append(errs, err)
				continue
			}
			msgs = append(msgs, fmt.Sprintf("removed the leakhound %s hook and restored the previous one at %s", h.Name, path))
			continue
		}
		msgs = append(msgs, fmt.Sprintf("removed the %s hook at %s", h.Name, path))
	}
	if len(msgs) == 0 && len(errs) == 0 {
		msgs = append(msgs, "no leakhound hook is installed in "+hooksDir)
	}
	return msgs, errors.Join(errs...)
}

// latestBackup is the most recent of base, base.1, base.2, ... or "".
func latestBackup(base string) string {
	last := ""
	for n := 0; n < 1000; n++ {
		name := base
		if n > 0 {
			name = base + "." + strconv.Itoa(n)
		}
		if _, err := os.Lstat(name); err != nil {
			break
		}
		last = name
	}
	return last
}
