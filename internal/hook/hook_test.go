package hook

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func gitInit(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("git", "init", "-q", dir)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	return dir
}

// repoWithHooksDir makes a repository and the hooks directory git uses.
func repoWithHooksDir(t *testing.T) (repo, hooks string) {
	t.Helper()
	repo = gitInit(t)
	hooks, err := Dir(repo)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(hooks, 0o755); err != nil {
		t.Fatal(err)
	}
	return repo, hooks
}

// The script runs leakhound from PATH, else the installing binary, else
// blocks: it never lets a commit through because leakhound is missing.
func TestScriptFailsClosed(t *testing.T) {
	dir := t.TempDir()
	hookPath := filepath.Join(dir, "pre-commit")
	if err := os.WriteFile(hookPath, []byte(Script(PreCommit, filepath.Join(dir, "no such leakhound"))), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/bin/sh", hookPath)
	cmd.Env = []string{"PATH=" + dir} // neither leakhound on PATH nor at self
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the hook passed without leakhound:\n%s", out)
	}
	if !strings.Contains(string(out), "so this is blocked") {
		t.Errorf("no instructions: %s", out)
	}
	// a path with a quote in it stays one word
	if s := Script(PreCommit, "/opt/it's here/leakhound"); !strings.Contains(s, `lh='/opt/it'\''s here/leakhound'`) {
		t.Errorf("self is not quoted for sh:\n%s", s)
	}
}

func TestInstallKeepsForeignHooksAndUninstallRestores(t *testing.T) {
	repo, hooks := repoWithHooksDir(t)
	theirs := filepath.Join(hooks, "pre-commit")
	if err := os.WriteFile(theirs, []byte("#!/bin/sh\necho theirs\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Install(repo, Default, "/usr/bin/leakhound", false); err == nil {
		t.Fatal("a foreign pre-commit hook was replaced without --force")
	}
	if _, err := Install(repo, Default, "/usr/bin/leakhound", true); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(theirs); !strings.Contains(string(data), marker) {
		t.Fatal("pre-commit is not leakhound's after a forced install")
	}
	if data, _ := os.ReadFile(theirs + BackupSuffix); string(data) != "#!/bin/sh\necho theirs\n" {
		t.Fatalf("the replaced hook was not kept: %q", data)
	}
	if _, err := Uninstall(repo, Default); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(theirs); string(data) != "#!/bin/sh\necho theirs\n" {
		t.Fatalf("uninstall did not restore the replaced hook: %q", data)
	}
	for _, h := range Default[1:] {
		if _, err := os.Stat(filepath.Join(hooks, h.Name)); !os.IsNotExist(err) {
			t.Errorf("%s still there after uninstall", h.Name)
		}
	}
}

func TestDanglingSymlinkIsRefused(t *testing.T) {
	repo, hooks := repoWithHooksDir(t)
	if err := os.Symlink(filepath.Join(repo, "nowhere"), filepath.Join(hooks, "pre-commit")); err != nil {
		t.Fatal(err)
	}
	if _, err := Install(repo, Default, "/usr/bin/leakhound", true); err == nil || !strings.Contains(err.Error(), "which does not exist") {
		t.Fatalf("a dangling pre-commit link was not refused: %v", err)
	}
}

// The README's pre-push recipe (docs/pre-push) runs what the installed
// pre-push hook runs.
func TestPrePushRecipeMatchesTheHook(t *testing.T) {
	recipe, err := os.ReadFile(filepath.Join("..", "..", "docs", "pre-push"))
	if err != nil {
		t.Fatal(err)
	}
	body := strings.ReplaceAll(PrePush.body, `"$lh"`, "leakhound")
	if !strings.Contains(string(recipe), body) {
		t.Fatalf("docs/pre-push differs from the installed hook's body:\n%s", body)
	}
}
