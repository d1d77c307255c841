package tokengen

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/checksum"
)

func TestGitHubTokensCarryValidChecksums(t *testing.T) {
	g := New(t.Name())
	for _, p := range []string{"ghp", "gho", "ghu", "ghs", "ghr", "npm"} {
		tok := g.GitHub(p)
		if len(tok) != 40 || !checksum.GitHubToken(tok) {
			t.Errorf("%s: bad token %q", p, tok)
		}
		if checksum.GitHubToken(g.GitHubBadChecksum(p)) {
			t.Errorf("%s: bad-checksum token validates", p)
		}
	}
}

func TestShapes(t *testing.T) {
	g := New(t.Name())
	if n := len(g.FineGrained()); n != 93 {
		t.Errorf("fine-grained length %d", n)
	}
	if n := len(g.Refresh()); n != 80 {
		t.Errorf("refresh length %d", n)
	}
	st := g.Stateless()
	if strings.Count(st, ".") != 2 || len(st) < 450 || len(st) > 600 {
		t.Errorf("stateless token shape: %d chars, %d dots", len(st), strings.Count(st, "."))
	}
	u := g.UUID4()
	if len(u) != 36 || u[14] != '4' || !strings.ContainsRune("89ab", rune(u[19])) {
		t.Errorf("uuid4 %q", u)
	}
}

func TestExpandIsDeterministic(t *testing.T) {
	a, err := Expand("seed", "token: {{gen:github ghp}} and {{gen:anaconda an}}")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Expand("seed", "token: {{gen:github ghp}} and {{gen:anaconda an}}")
	if a != b || strings.Contains(a, "{{") {
		t.Fatalf("%q vs %q", a, b)
	}
	if s, _ := Expand("seed", "${{ secrets.X }}"); s != "${{ secrets.X }}" {
		t.Fatalf("plain template text changed: %q", s)
	}
	if _, err := Expand("seed", "{{gen:nope}}"); err == nil {
		t.Fatal("unknown generator accepted")
	}
	if _, err := Expand("seed", "{{gen:github"); err == nil {
		t.Fatal("unterminated reference accepted")
	}
}
