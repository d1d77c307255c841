package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/rules"
)

// The binary carries the default rules decoded at build time; they must be
// what rules/*.toml says (run 'go generate ./internal/config' after editing
// a rule file), and each caller gets its own copy.
func TestDefaultsGenerated(t *testing.T) {
	want, err := ParseDefaultsTOML()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("defaults_gen.go is not what rules/*.toml decode to: run 'go generate ./internal/config'")
	}
	got[0].Rules[0].ID = "changed"
	if again, _ := ParseDefaults(); again[0].Rules[0].ID == "changed" {
		t.Error("ParseDefaults handed out the shared rules")
	}
}

func TestDefaultsParse(t *testing.T) {
	files, err := ParseDefaults()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		for _, r := range f.Rules {
			n++
			// the engine trusts built-in rules to pass Check
			if errs := r.Check(); len(errs) > 0 {
				t.Errorf("%s: %v", r.ID, errs)
			}
			if r.Description == "" || r.Remediation == "" || len(r.Tags) == 0 {
				t.Errorf("%s: every default rule needs a description, tags and remediation", r.ID)
			}
			if !strings.HasPrefix(r.Source, "rules/") {
				t.Errorf("%s: source %q", r.ID, r.Source)
			}
		}
	}
	if n < 15 {
		t.Fatalf("only %d default rules", n)
	}
}

func TestMergeAndWarnings(t *testing.T) {
	dir := t.TempDir()
	repo := filepath.Join(dir, RepoFileName)
	os.WriteFile(repo, []byte("[extend]\ndisable = [\"github-pat\", \"no-such-rule\"]\n[[rules]]\nid = \"mine\"\nregex = 'mine_[0-9]+'\n"), 0o644)
	cfg, err := Load(LoadOptions{RepoFile: repo})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range cfg.Rules {
		ids[r.ID] = true
	}
	if ids["github-pat"] || !ids["mine"] || !ids["github-oauth-token"] {
		t.Fatalf("rules: %v", ids)
	}
	joined := strings.Join(cfg.Warnings, "\n")
	if !strings.Contains(joined, `disables the default rule "github-pat"`) || !strings.Contains(joined, `"no-such-rule", which is not a default rule`) {
		t.Fatalf("warnings: %s", joined)
	}

	os.WriteFile(repo, []byte("[extend]\ndefault = false\n[[rules]]\nid = \"only\"\nregex = 'x'\n"), 0o644)
	cfg, err = Load(LoadOptions{RepoFile: repo})
	if err != nil || len(cfg.Rules) != 1 || len(cfg.Warnings) != 1 {
		t.Fatalf("default=false: %v %+v", err, cfg)
	}
	// a missing repo file is not an error
	if _, err := Load(LoadOptions{RepoFile: filepath.Join(dir, "nope", RepoFileName)}); err != nil {
		t.Fatal(err)
	}
}

func TestTypeErrorsArePositioned(t *testing.T) {
	_, err := Parse("x.toml", []byte("[[rules]]\nid = \"a\"\nregex = 'a'\nentropy = \"high\"\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "x.toml:") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range rules.Files {
		data, err := os.ReadFile(filepath.Join("..", "..", "rules", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("[[rules]]\nid = \"x\"\nregex = '('\n[allow]\nbogus = 1\n"))
	f.Add([]byte("[extend]\ndefault = false\ndisable = [1]\n"))
	f.Add([]byte("'''\n[[rules]]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.toml", data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		if _, err := merge(nil, file, true); err != nil && err.Error() == "" {
			t.Fatal("empty error")
		}
	})
}

func TestBroadAllowWarnings(t *testing.T) {
	dir := t.TempDir()
	repo := filepath.Join(dir, RepoFileName)
	os.WriteFile(repo, []byte("[allow]\npaths = ['.*', '^vendor/']\nregexes = ['^gh']\nstopwords = ['a']\nunder_keys = ['secure', 'env']\n"), 0o644)
	cfg, err := Load(LoadOptions{RepoFile: repo})
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(cfg.Warnings, "\n")
	for _, want := range []string{`allow path ".*" matches most files`, `allow regex "^gh" matches ordinary tokens`, `stopword "a"`, `under_keys "env" allows every secret`} {
		if !strings.Contains(joined, want) {
			t.Errorf("no warning %q in:\n%s", want, joined)
		}
	}
	if strings.Contains(joined, "^vendor/") || strings.Contains(joined, `"secure"`) {
		t.Errorf("narrow path flagged:\n%s", joined)
	}
	// the same file given with --config is trusted: no warnings
	cfg, _ = Load(LoadOptions{File: repo})
	if len(cfg.Warnings) != 0 {
		t.Errorf("trusted config warned: %v", cfg.Warnings)
	}
}

// The global allowlist is checked as a rule's is: a regex Go refuses or a
// regex target that is not secret, match or line stops the load, with the
// line, instead of allowing nothing or matching the wrong text.
func TestGlobalAllowChecked(t *testing.T) {
	for _, bad := range []string{
		"[allow]\nregexes = ['(']\n",
		"[allow]\npaths = ['[z-a]']\n",
		"[allow]\nregexes = ['x']\nregex_target = 'mtach'\n",
	} {
		_, err := Parse("c.toml", []byte(bad))
		if err == nil || !strings.Contains(err.Error(), "c.toml:1: [allow]") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := Parse("c.toml", []byte("[allow]\nregexes = ['x']\nregex_target = 'line'\n")); err != nil {
		t.Error(err)
	}
}
