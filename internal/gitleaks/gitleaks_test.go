package gitleaks

import (
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

const sample = `
title = "team config"
[extend]
useDefault = true
disabledRules = ["generic-api-key"]

[[rules]]
id = "internal-key"
description = "Internal key"
regex = '''(?i)internal[_-]?key\s*=\s*['"]?(ik_[a-z0-9]{24})'''
secretGroup = 1
entropy = 3.5
keywords = ["internal", "IK_"]
tags = ["internal"]
[[rules.allowlists]]
regexes = ['''ik_0{24}''']
stopwords = ["example"]
[[rules.allowlists]]
commits = ["0123456789abcdef0123456789abcdef01234567"]
[[rules.allowlists]]
condition = "AND"
paths = ['''^test/''']
regexes = ['''test''']
[[rules.allowlists]]
regexTarget = "line"
regexes = ['''nolint''']
[[rules.allowlists]]
regexTarget = "mtach"
regexes = ['''typo''']
[[rules.allowlists]]
condition = "XOR"
paths = ['''^xor/''']

[[rules]]
id = "private-key"
regex = '''-----BEGIN PRIVATE KEY-----'''

[[rules]]
id = "p12"
path = '''\.p12$'''

[[rules]]
id = "part"
regex = '''x'''
skipReport = true

[allowlist]
paths = ['''^vendor/''']
commits = ["abc"]

[[allowlists]]
targetRules = ["internal-key"]
paths = ['''^docs/''']
`

func TestConvert(t *testing.T) {
	c, err := Parse("sample.toml", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	res := Convert(c, map[string]bool{"private-key": true})
	ids := map[string]int{}
	for i, r := range res.Rules {
		ids[r.ID] = i
	}
	if _, ok := ids["part"]; ok {
		t.Error("a skipReport rule was imported")
	}
	r := res.Rules[ids["internal-key"]]
	if r.SecretGroup != 1 || r.Entropy != 3.5 || strings.Join(r.FileKeywords, ",") != "internal,ik_" {
		t.Errorf("internal-key = %+v", r)
	}
	if strings.Join(r.Allow.Regexes, ",") != "ik_0{24}" || strings.Join(r.Allow.Stopwords, ",") != "example" || strings.Join(r.Allow.Paths, ",") != "^docs/" {
		t.Errorf("internal-key allow = %+v (the AND, line-target, misspelt-target and XOR lists must be left out, the targeted global one kept)", r.Allow)
	}
	if _, ok := ids["gitleaks-private-key"]; !ok {
		t.Error("a rule with a default rule's id was not renamed")
	}
	if p := res.Rules[ids["p12"]]; p.Regex == "" || p.Path != `\.p12$` {
		t.Errorf("path-only rule = %+v", p)
	}
	if strings.Join(res.Allow.Paths, ",") != "^vendor/" {
		t.Errorf("global allow = %+v", res.Allow)
	}
	notes := strings.Join(res.Notes, "\n")
	for _, want := range []string{"useDefault", "disabledRules", "commit(s) allowed", "condition AND", "regexes on the line are left out", "renamed gitleaks-private-key", "path-only rule", "skipReport",
		`regexTarget "mtach" is not secret, match or line`, `condition "XOR" is neither AND nor OR`} {
		if !strings.Contains(notes, want) {
			t.Errorf("no note about %q in:\n%s", want, notes)
		}
	}
	// the written file is TOML that reads back to the same rules
	var back struct {
		Rules []struct {
			ID, Regex string
		} `toml:"rules"`
	}
	if _, err := toml.Decode(string(Write(res, "sample.toml")), &back); err != nil {
		t.Fatalf("written config does not parse: %v", err)
	}
	for i, r := range back.Rules {
		if r.ID != res.Rules[i].ID || r.Regex != res.Rules[i].Regex {
			t.Errorf("rule %d reads back as %q %q", i, r.ID, r.Regex)
		}
	}
}

func TestQuote(t *testing.T) {
	for _, s := range []string{`a\b`, `it's`, "two\nlines", `"q"`, "tab\there", "\x01"} {
		var v struct{ S string }
		if _, err := toml.Decode("S = "+quote(s), &v); err != nil || v.S != s {
			t.Errorf("quote(%q) = %s reads back as %q (%v)", s, quote(s), v.S, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("[[rules]]\nid = 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.toml", data)
		if err != nil {
			return
		}
		res := Convert(c, nil)
		var v map[string]any
		if _, err := toml.Decode(string(Write(res, "fuzz.toml")), &v); err != nil {
			t.Fatalf("converted config does not parse: %v", err)
		}
	})
}

func TestParseIgnore(t *testing.T) {
	commit := strings.Repeat("ab", 20)
	data := "# accepted\n\n" + commit + ":config/app.env:github-pat:3\nsrc/a:b.env:generic-api-key:12\n./docs/x.md:aws:1\nbad line\nx:rule:zero\n:rule:4\n"
	got, errs := ParseIgnore(".gitleaksignore", []byte(data))
	want := []IgnoreEntry{
		{Commit: commit, Path: "config/app.env", Rule: "github-pat", Line: 3, LineNo: 3},
		{Path: "src/a:b.env", Rule: "generic-api-key", Line: 12, LineNo: 4},
		{Path: "docs/x.md", Rule: "aws", Line: 1, LineNo: 5},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g := got[i]
		g.Raw = ""
		if g != want[i] {
			t.Errorf("entry %d: %+v, want %+v", i, g, want[i])
		}
	}
	if len(errs) != 3 {
		t.Fatalf("errors %v, want 3", errs)
	}
	for i, line := range []string{":6:", ":7:", ":8:"} {
		if !strings.Contains(errs[i].Error(), line) {
			t.Errorf("error %d %q does not name line %s", i, errs[i], line)
		}
	}
}

func FuzzParseIgnore(f *testing.F) {
	f.Add([]byte(strings.Repeat("ab", 20) + ":a/b.env:github-pat:3\npath:rule:1\n# c\n"))
	f.Add([]byte("a:b:c:d:e:9\n::1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, _ := ParseIgnore("fuzz", data)
		for _, e := range entries {
			if e.Line < 1 || e.Path == "" || e.Rule == "" || strings.Contains(e.Rule, ":") {
				t.Fatalf("bad entry %+v", e)
			}
		}
	})
}
