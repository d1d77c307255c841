package detect

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/atoms"
	"github.com/leakhound/leakhound/internal/config"
)

var pathSamples = []string{
	"a.go", "", "/", ".binstar/x.token", "home/.BINSTAR/x.TOKEN", "x/.continuum/anaconda-client/tokens/a.token",
	".conda-smithy/anaconda.token", "home/.mamba/auth/authentication.json", "home/.Mamba/auth/authentication.json",
	"home/.anaconda/keyring", "my-app.2026-01-31.private-key.pem", "My-App.2026-01-31.PRIVATE-KEY.PEM",
	".binstarrc", "a/.binstar.yml", "b/binstar/c.yaml", ".continuum/anaconda-client/config.yaml", "token", "keyring.bak",
	"app.2026-01-01.private-\u212aey.pem", // KELVIN SIGN: (?i)k in Go's regexp
}

// A built-in rule's path regex, compiled when a path could match it,
// matches what Go's regexp matches.
func TestBuiltinPathRegexesMatchAsCompiled(t *testing.T) {
	cfg, err := config.Load(config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range cfg.Rules {
		if r.Path == "" {
			continue
		}
		n++
		paths := append([]string{r.Examples.Path}, pathSamples...)
		p, err := newPathRegexp(r.Path, true)
		if err != nil {
			t.Fatal(err)
		}
		want := regexp.MustCompile(r.Path)
		for _, path := range paths {
			if got := p.MatchString(path); got != want.MatchString(path) {
				t.Errorf("rule %s: path %q: matched %v", r.ID, path, got)
			}
		}
	}
	if n == 0 {
		t.Fatal("no built-in rule has a path")
	}
	p, _ := newPathRegexp(`(?:^|/)\.anaconda/keyring$`, true)
	if p.MatchString("src/main.go"); p.re != nil {
		t.Error("a path holding none of the regex's literals compiled it")
	}
}

func FuzzPathRegexp(f *testing.F) {
	for _, p := range pathSamples {
		f.Add(`(?i)(?:^|/)[a-z0-9-]+\.private-key\.pem$`, p)
		f.Add(`(?:^|/)(?:\.?binstar|x)/[^/]+\.token$`, p)
	}
	f.Add(`(?:^|/)\.binstarrc$`, "backup.zip!.binstarrc")
	f.Fuzz(func(t *testing.T, expr, path string) {
		want, err := regexp.Compile(expr)
		if err != nil {
			return
		}
		p, err := newPathRegexp(expr, true)
		if err != nil {
			t.Fatal(err)
		}
		match := want.MatchString(path)
		if i := strings.LastIndexByte(path, '!'); i >= 0 {
			match = match || want.MatchString(path[i+1:]) // a member's own path
		}
		if got := p.MatchString(path); got != match {
			t.Fatalf("%q on %q: matched %v", expr, path, got)
		}
	})
}

// facts_gen.go holds what atoms.Parse finds for every default rule.
func TestFactsGenerated(t *testing.T) {
	cfg, err := config.Load(config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range cfg.Rules {
		for _, expr := range []string{r.Regex, r.Path} {
			if expr == "" {
				continue
			}
			want, err := atoms.Parse(expr)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := builtinFacts(expr)
			if !ok || !reflect.DeepEqual(got, want) {
				t.Fatalf("rule %s: facts_gen.go is not what atoms.Parse finds for %q: run 'go generate ./internal/detect'", r.ID, expr)
			}
		}
	}
}
