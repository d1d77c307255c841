package suppress

import (
	"bytes"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/finding"
)

func TestGlob(t *testing.T) {
	cases := []struct {
		p, s string
		want bool
	}{
		{"*", "a/b/c", true},
		{"docs/**", "docs/a/b.md", true},
		{"docs/**", "src/docs/a", false},
		{"*.env", "a/b/c.env", true},
		{"*.env", "a/b/c.envx", false},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXcYb", false},
		{"exact", "exact", true},
		{"exact", "exactly", false},
	}
	for _, c := range cases {
		if got := glob(c.p, c.s); got != c.want {
			t.Errorf("glob(%q, %q) = %v", c.p, c.s, got)
		}
	}
}

func TestParseAndMatch(t *testing.T) {
	f := finding.Finding{RuleID: "github-pat", Path: "docs/guide.md", Secret: "ghp_secretvalue0000000000000000000000000"}
	hash := finding.SecretHash(f.Secret.Reveal())
	src := "# comment\n\ndocs/**:*:*\n*:github-pat:" + hash + "\nother.txt:x:*\n"
	l, err := Parse("ign", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	e, ok := l.Match(&f)
	if !ok || e.Source != "ign:3" {
		t.Fatalf("match = %v %v", e, ok)
	}
	unused := l.Unused()
	if len(unused) != 2 || unused[1].Source != "ign:5" {
		t.Fatalf("unused = %v", unused)
	}
	if _, err := Parse("bad", strings.NewReader("nocolons\na:b:nothex\n:r:*\n")); err == nil || strings.Count(err.Error(), "bad:") != 3 {
		t.Fatalf("err = %v", err)
	}
}

func TestBaselineRoundTrip(t *testing.T) {
	fs := []finding.Finding{
		{RuleID: "b", Path: "z.txt", Secret: "secret-two-0123456789", Line: 9},
		{RuleID: "a", Path: "a.txt", Secret: "secret-one-0123456789", Line: 3},
		{RuleID: "a", Path: "a.txt", Secret: "secret-one-0123456789", Line: 30},
	}
	var buf bytes.Buffer
	if err := WriteBaseline(&buf, fs); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "secret-") || strings.Contains(out, ":3") {
		t.Fatalf("baseline leaks secrets or lines:\n%s", out)
	}
	l, err := Parse("base", strings.NewReader(out))
	if err != nil || len(l.Entries) != 2 || l.Entries[0].Path != "a.txt" {
		t.Fatalf("%v %+v", err, l)
	}
	for i := range fs {
		if _, ok := l.Match(&fs[i]); !ok {
			t.Errorf("finding %d not matched by its own baseline", i)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("a:b:0123456789abcdef\n# c\n*:*:*\n")
	f.Add("::\n:::\na:b:c:d\n")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Parse("fuzz", strings.NewReader(s))
		if err != nil && err.Error() == "" {
			t.Fatal("empty error")
		}
		fd := finding.Finding{RuleID: "r", Path: "p", Secret: "s"}
		l.Match(&fd)
	})
}
