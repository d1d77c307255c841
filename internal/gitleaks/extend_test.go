package gitleaks

import (
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// memFiles reads from a map, as os.ReadFile reads files.
func memFiles(files map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		data, ok := files[filepath.Clean(name)]
		if !ok {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return []byte(data), nil
	}
}

const extendBase = `
[[rules]]
id = "aws-access-key"
description = "AWS Access Key"
regex = '''(?:A3T[A-Z0-9]|AKIA|ASIA)[A-Z0-9]{16}'''
keywords = ["akia"]
tags = ["aws"]
[[rules.allowlists]]
regexes = ['''AKIAIOSFODNN7EXAMPLE''']

[[rules]]
id = "noisy"
regex = '''noisy[0-9]{8}'''

[[rules]]
id = "kept"
regex = '''kept_[a-z]{10}'''

[allowlist]
paths = ['''^vendor/''']
`

// An extending config is merged with what it extends as gitleaks merges
// them: overrides, added tags, keywords and allowlists, disabled rules
// left out, global allowlists added up; the base is found beside the file
// when the working directory does not hold it.
func TestLoadExtends(t *testing.T) {
	files := map[string]string{
		"conf/base.toml": extendBase,
		"conf/team.toml": `
[extend]
path = "base.toml"
disabledRules = ["noisy", "generic-api-key"]

[[rules]]
id = "aws-access-key"
entropy = 3.0
tags = ["team"]
keywords = ["asia"]
[[rules.allowlists]]
paths = ['''^docs/''']

[[rules]]
id = "team-token"
regex = '''team_[a-z0-9]{20}'''

[[allowlists]]
regexes = ['''dummy''']
`,
	}
	c, notes, err := Load("conf/team.toml", memFiles(files))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range c.Rules {
		ids = append(ids, r.ID)
	}
	if strings.Join(ids, ",") != "aws-access-key,team-token,kept" {
		t.Fatalf("rules %v", ids)
	}
	aws := c.Rules[0]
	if aws.Regex == "" || aws.Description != "AWS Access Key" || aws.Entropy != 3.0 ||
		strings.Join(aws.Tags, ",") != "aws,team" || strings.Join(aws.Keywords, ",") != "akia,asia" || len(aws.Allowlists) != 2 {
		t.Errorf("merged rule %+v", aws)
	}
	if len(c.globalAllowlists()) != 2 {
		t.Errorf("global allowlists %+v", c.globalAllowlists())
	}
	if !slices.Equal(c.Extend.DisabledRules, []string{"generic-api-key"}) || c.Extend.Path != "" {
		t.Errorf("extend %+v", c.Extend)
	}
	if !strings.Contains(strings.Join(notes, "\n"), "conf/base.toml were merged in") {
		t.Errorf("notes %q", notes)
	}

	// converted, the override keeps the base's regex and both allowlists
	res := Convert(c, nil)
	if len(res.Rules) != 3 || res.Rules[0].Regex == "" || len(res.Rules[0].Allow.Paths) != 1 || len(res.Rules[0].Allow.Regexes) != 1 {
		t.Errorf("converted %+v", res.Rules)
	}
}

// What gitleaks refuses or does not follow is refused or said.
func TestLoadExtendLimits(t *testing.T) {
	files := map[string]string{
		"a.toml":    "[extend]\npath = \"b.toml\"\n[[rules]]\nid = \"a\"\nregex = 'a{3}'\n",
		"b.toml":    "[extend]\npath = \"c.toml\"\n[[rules]]\nid = \"b\"\nregex = 'b{3}'\n",
		"c.toml":    "[extend]\npath = \"d.toml\"\n[[rules]]\nid = \"c\"\nregex = 'c{3}'\n",
		"d.toml":    "[[rules]]\nid = \"d\"\nregex = 'd{3}'\n",
		"both.toml": "[extend]\npath = \"b.toml\"\nuseDefault = true\n",
		"loop.toml": "[extend]\npath = \"loop.toml\"\n[[rules]]\nid = \"l\"\nregex = 'l{3}'\n",
		"gone.toml": "[extend]\npath = \"missing.toml\"\n",
	}
	read := memFiles(files)
	c, notes, err := Load("a.toml", read)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Rules) != 3 || !strings.Contains(strings.Join(notes, "\n"), `"d.toml" in c.toml is not followed`) {
		t.Errorf("depth: %d rules, notes %q", len(c.Rules), notes)
	}
	if _, _, err := Load("both.toml", read); err == nil || !strings.Contains(err.Error(), "both path and useDefault") {
		t.Errorf("both: %v", err)
	}
	if c, _, err := Load("loop.toml", read); err != nil || len(c.Rules) != 1 {
		t.Errorf("loop: %v %+v", err, c)
	}
	if _, _, err := Load("gone.toml", read); err == nil || !strings.Contains(err.Error(), "missing.toml") {
		t.Errorf("missing base: %v", err)
	}
}
